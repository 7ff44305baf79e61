"""Serve the application with gunicorn (a real server, also for the demo)."""

from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = (
        "Serve safepassage with gunicorn. Listens on SAFEPASSAGE_BIND "
        "(default 127.0.0.1:8000) with SAFEPASSAGE_WORKERS processes. Keeps no "
        "access log: the server records no IP addresses."
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

        from gunicorn.app.base import BaseApplication

        from safepassage.vault import files, seal
        from safepassage.wsgi import application

        files.sweep_staging()

        def when_ready(server: Any) -> None:
            # An emergency signal to the master seals the vault (see `safepassage seal`).
            def on_signal(signum: int, frame: Any) -> None:
                seal.seal_vault(by="system", reason="signal")
                seal.restart_workers(server.pid)

            signal.signal(seal.SEAL_SIGNAL, on_signal)

        def post_fork(server: Any, worker: Any) -> None:
            seal.SERVER_PID = server.pid

        config = {
            "bind": options["bind"],
            "workers": options["workers"],
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "worker_tmp_dir": "/dev/shm",  # noqa: S108 - gunicorn's heartbeat files, no data
            "forwarded_allow_ips": "127.0.0.1",
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
