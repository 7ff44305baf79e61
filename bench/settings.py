"""Settings for the benchmarks: the real settings plus a small app of
cases with plain and with encrypted fields."""

from safepassage.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.benchapp"]  # noqa: F405
ROOT_URLCONF = "bench.benchapp.urls"
