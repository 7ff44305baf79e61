"""Django's SQLite backend with one change: UUID columns are read faster
(see base.py). Named as the ENGINE in settings.DATABASES for sqlite:// URLs."""
