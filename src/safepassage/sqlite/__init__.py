"""Django's SQLite backend with two changes: UUID columns are read faster,
and the database files are kept private (see base.py, which also writes
the planner's statistics for `safepassage serve`). Named as the ENGINE
in settings.DATABASES for sqlite:// URLs."""
