"""The documentation's pages, by what they show (see each module)."""
