"""Serve the application: gunicorn manages the worker processes, and each
worker's front (safepassage.front) holds slow clients on an event loop and
hands the application only whole requests. A real server, also for the
demo; a proxy or an onion service may stand in front, but need not."""

from __future__ import annotations

import resource
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Files a worker may need beyond its connections: the database, spools,
# the listening socket, logs.
SPARE_FILES = 256


class Command(BaseCommand):
    help = (
        "Serve safepassage. Listens on SAFEPASSAGE_BIND (default 127.0.0.1:8000) "
        "with SAFEPASSAGE_WORKERS processes, each holding slow clients with "
        "deadlines and limits (docs/operations.md). Keeps no access log and "
        "logs no client address."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=settings.BIND, help="host:port or unix:/path")
        parser.add_argument("--workers", type=int, default=settings.WORKERS)
        parser.add_argument(
            "--pidfile",
            default=str(settings.DATA_DIR / "serve.pid"),
            help="where the server's process id is written (`safepassage seal` reads the default)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not up to date: run `safepassage migrate` first.")
        connection.close()
        allow_open_files(settings.SERVE_CONNECTIONS * 2 + SPARE_FILES)

        from gunicorn.app.base import BaseApplication

        from safepassage.asgi import application
        from safepassage.front.worker import GRACEFUL_SECONDS
        from safepassage.vault import files, seal

        files.sweep_staging()

        def when_ready(server: Any) -> None:
            # An emergency signal to the master seals the vault (see `safepassage seal`).
            def on_signal(signum: int, frame: Any) -> None:
                seal.seal_vault(by="system", reason="signal")
                seal.restart_workers(server.pid)

            signal.signal(seal.SEAL_SIGNAL, on_signal)

        def post_fork(server: Any, worker: Any) -> None:
            seal.SERVER_PID = server.pid
            if settings.RETENTION_IN_SERVE:
                # Each worker looks once an hour whether the day's retention
                # run is due; one of them claims it (cases/retention.py).
                from safepassage.cases import retention

                retention.start_daily()

        config = {
            "bind": options["bind"],
            "workers": options["workers"],
            "worker_class": "safepassage.front.worker.FrontWorker",
            "logger_class": "safepassage.front.logs.ServerLogger",
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "worker_tmp_dir": "/dev/shm",  # noqa: S108 - gunicorn's heartbeat files, no data
            # A replaced worker (HUP, as when sealing) is killed if it has
            # not ended a few seconds after its own grace.
            "graceful_timeout": GRACEFUL_SECONDS + 5,
            "proc_name": "safepassage",
            "pidfile": options["pidfile"],
            "when_ready": when_ready,
            "post_fork": post_fork,
        }

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(f"safepassage is serving on http://{options['bind']}/ (Ctrl-C stops)")
        Server().run()


def allow_open_files(needed: int) -> None:
    """Raise this process's limit on open files (the workers inherit it) so
    that every connection the settings allow can be held."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise CommandError(
            f"SAFEPASSAGE_SERVE_CONNECTIONS needs {needed} open files per worker, but this "
            f"system allows {hard}: lower it, or raise the limit (LimitNOFILE= in systemd)."
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
