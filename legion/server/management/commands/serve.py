"""`legion serve`: Legion under its production web server.

The server is granian by default (LEGION_SERVER=gunicorn for gunicorn). Both were
measured on a 2-core machine with bench/intake_http.py (bench/RESULTS.md, "Item 1"):
granian's Rust HTTP front end costs less CPU per request than gunicorn's Python one,
and the application's own work is the same under both, so granian serves more
complete applications per second on the same cores.

Workers and threads come from LEGION_WEB_WORKERS / LEGION_WEB_THREADS (README,
"Running in production"). DEBUG is always off under this command, static files are
served by whitenoise from STATIC_ROOT (run `legion collectstatic` first; the command
refuses to start without the manifest), and the process becomes the server (exec), so
signals reach the server directly.
"""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from legion.server.config import SERVERS, ServerConfig


def metrics_folder_reset() -> Path:
    """PROMETHEUS_MULTIPROC_DIR, or var/metrics, made and emptied of its counter files."""
    folder = Path(settings.PROMETHEUS_MULTIPROC_DIR or Path(settings.VAR_DIR) / "metrics")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for counts in folder.glob("*.db"):
        counts.unlink()
    return folder


class Command(BaseCommand):
    help = "Run Legion under its production web server (granian or gunicorn)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--server", choices=SERVERS, help="default: LEGION_SERVER")
        parser.add_argument("--host", help="default: LEGION_HOST or 127.0.0.1")
        parser.add_argument("--port", type=int, help="default: PORT or 8000")
        parser.add_argument("--workers", type=int, help="default: LEGION_WEB_WORKERS")
        parser.add_argument("--threads", type=int, help="default: LEGION_WEB_THREADS")
        parser.add_argument(
            "--print", action="store_true", help="print the server command instead of running it"
        )

    def handle(self, *args, **options) -> None:
        try:
            config = ServerConfig.from_settings(
                server=options["server"],
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                threads=options["threads"],
            )
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        manifest = getattr(staticfiles_storage, "manifest_name", None)
        if manifest and not staticfiles_storage.exists(manifest):
            raise CommandError(
                f"No static files in {settings.STATIC_ROOT}: run `legion collectstatic "
                "--noinput` first (make run does)."
            )
        argv = config.argv()
        if options["print"]:
            self.stdout.write(" ".join(argv))
            return
        self.stdout.write(
            f"Legion on {config.url} ({config.server}, {config.workers} workers × "
            f"{config.threads} threads)"
        )
        self.stdout.flush()
        # The server's processes read their settings afresh: DEBUG is off in all of them,
        # whatever this shell's environment says (written, not read: settings.py reads it).
        os.putenv("DEBUG", "false")
        # Its worker processes count metrics into one folder, emptied now: counters of
        # processes that no longer exist would otherwise be added up forever.
        os.putenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_folder_reset()))
        os.execv(argv[0], argv)  # noqa: S606 (our interpreter, our arguments)
