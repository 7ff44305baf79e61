"""Background work for every app: a job runner with progress, time left,
cancel, restart and "interrupted by a seal" (see runner.py).

An app registers each kind of job it runs (kinds.py) and starts jobs
through the runner; the jobs app imports no feature app."""
