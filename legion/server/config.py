"""How `legion serve` runs the web application: which server, how many processes and
threads, where it listens. The values are settings (LEGION_SERVER, LEGION_WEB_WORKERS,
LEGION_WEB_THREADS, LEGION_WEB_TIMEOUT, LEGION_HOST, PORT: docs/configuration.md);
command-line options win over them."""

import sys
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SERVERS = ("granian", "gunicorn")
WSGI_TARGET = "legion.wsgi:application"


@dataclass(frozen=True)
class ServerConfig:
    server: str
    workers: int
    threads: int
    host: str
    port: int
    timeout: int

    @classmethod
    def from_settings(cls, **overrides: object) -> "ServerConfig":
        """The configuration from the settings; `overrides` that are not None win."""
        values = {
            "server": settings.LEGION_SERVER,
            "workers": settings.LEGION_WEB_WORKERS,
            "threads": settings.LEGION_WEB_THREADS,
            "host": settings.LEGION_HOST,
            "port": settings.LEGION_PORT,
            "timeout": settings.LEGION_WEB_TIMEOUT,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values["server"] not in SERVERS:
            raise ImproperlyConfigured(
                f"LEGION_SERVER must be one of {', '.join(SERVERS)}, not {values['server']!r}"
            )
        for name, variable in (
            ("workers", "LEGION_WEB_WORKERS"),
            ("threads", "LEGION_WEB_THREADS"),
            ("timeout", "LEGION_WEB_TIMEOUT"),
            ("port", "PORT"),
        ):
            if values[name] < 1:
                raise ImproperlyConfigured(f"{variable} must be at least 1, not {values[name]}")
        return cls(**values)

    @property
    def bind(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.bind}/"

    def argv(self) -> list[str]:
        """The command line that runs this configuration (with this interpreter)."""
        if self.server == "granian":
            return [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--blocking-threads",
                str(self.threads),
                "--respawn-failed-workers",
                "--workers-kill-timeout",
                str(self.timeout),
                "--no-access-log",
                WSGI_TARGET,
            ]
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            self.bind,
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--worker-class",
            "gthread" if self.threads > 1 else "sync",
            "--timeout",
            str(self.timeout),
            "--graceful-timeout",
            str(self.timeout),
            WSGI_TARGET,
        ]
