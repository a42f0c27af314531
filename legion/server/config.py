"""How `legion serve` runs the web application: which server, how many processes and
threads, where it listens. Read from the environment, failing loudly on bad values.

| variable | default | meaning |
|---|---|---|
| LEGION_SERVER | granian | `granian` or `gunicorn` (see bench/RESULTS.md for the choice) |
| LEGION_WEB_WORKERS | number of CPUs | server processes |
| LEGION_WEB_THREADS | 4 | threads per process, each with its own database connection |
| LEGION_HOST | 127.0.0.1 | address to listen on |
| PORT | 8000 | port to listen on |
| LEGION_WEB_TIMEOUT | 30 | seconds a request may take before its worker is replaced |
"""

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

SERVERS = ("granian", "gunicorn")
WSGI_TARGET = "legion.wsgi:application"


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


@dataclass(frozen=True)
class ServerConfig:
    server: str
    workers: int
    threads: int
    host: str
    port: int
    timeout: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "ServerConfig":
        """The configuration from `env` (os.environ by default); `overrides` (from the
        command line) win over the environment when they are not None."""
        env = os.environ if env is None else env
        server = env.get("LEGION_SERVER", "") or "granian"
        if server not in SERVERS:
            raise ImproperlyConfigured(
                f"LEGION_SERVER must be one of {', '.join(SERVERS)}, not {server!r}"
            )
        values = {
            "server": server,
            "workers": _int(env, "LEGION_WEB_WORKERS", os.cpu_count() or 1),
            "threads": _int(env, "LEGION_WEB_THREADS", 4),
            "host": env.get("LEGION_HOST", "") or "127.0.0.1",
            "port": _int(env, "PORT", 8000),
            "timeout": _int(env, "LEGION_WEB_TIMEOUT", 30),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values["server"] not in SERVERS:
            raise ImproperlyConfigured(f"The server must be one of {', '.join(SERVERS)}")
        return cls(**values)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

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
            f"{self.host}:{self.port}" if ":" not in self.host else f"[{self.host}]:{self.port}",
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
