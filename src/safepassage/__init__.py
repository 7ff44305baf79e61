"""safepassage: get persecuted people to safety and prove what was done to them."""

__version__ = "0.1.0"
