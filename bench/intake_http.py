"""Intake over HTTP: browsers applying through the portal, against a real `legion serve`.

    .venv/bin/python bench/intake_http.py --db postgres://postgres@127.0.0.1:5432/legion_serve \
        --server granian --workers 2 --threads 4 --clients 8 --duration 60

Starts `legion serve` on a loopback port (migrating and seeding an empty database with
`legion demo --applicants 0`), then from this separate process:

1. baseline: the home page (`GET /`), `--clients` at once, for `--baseline` seconds;
2. intake: `--clients` browsers, each applying again and again through every portal
   step as a browser does (GET each form, read its CSRF token, POST it, follow the
   redirect: about 35 requests, a ~100 KB passport PDF and a ~100 KB JPEG scan of the
   service record), for `--duration` seconds.

It prints complete applications per second, p50/p95/p99 per step, the application
server's CPU time (all its processes, from /proc through psutil) per application and per
request against the home page's, the peak RSS of each server process, and every
response with a 5xx status. Exits 1 when any request got a 5xx or failed.
Bounded: loopback only, at most 64 clients, 300 s and 100,000 applications.
"""

import argparse
import http.client
import io
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
LEGION = [sys.executable, "-m", "legion.cli"]
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_CLIENTS, MAX_SECONDS, MAX_APPLICATIONS = 64, 300, 100_000

# March 2022's mix of applicants' countries (design brief), the rest spread thinly.
NATIONALITIES = [("US", 31), ("GB", 18), ("DE", 7), ("CA", 5), ("IN", 3)] + [
    (c, 3) for c in ("PL", "FR", "NL", "SE", "DK", "NO", "LV", "LT", "EE", "AU", "NZ", "IE")
]
GIVEN = "James John Robert Michael David Thomas Daniel Paul Mark Peter Lukas Jan Erik Anders Rahul"
SURNAMES = "Smith Turner Walker Miller Baker Clarke Schmidt Weber Nowak Kowalski Larsen Jensen Roy"
SURNAMES += " Hughes Evans Murphy Kelly Novak Berg Olsen Singh Patel Martin Dubois Moreau Lee"


def minimal_pdf(padding: bytes) -> bytes:
    """A valid one-page PDF whose size is mostly a comment (a scan's worth of bytes)."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    for start in range(0, len(padding), 64):
        out += b"%" + padding[start : start + 64] + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def scan_jpeg() -> bytes:
    """A ~100 KB photo of a paper (noise compresses badly, like a real photo)."""
    noise = random.Random(7).randbytes(380 * 300 * 3)  # noqa: S311 (benchmark data)
    image = Image.frombytes("RGB", (380, 300), noise)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


JPEG = scan_jpeg()


def passport_pdf() -> bytes:
    return minimal_pdf(secrets.token_hex(50_000).encode())  # ~100 KB, unique per case


# ---- a browser ------------------------------------------------------------------------


class ServerGone(Exception):
    """The connection failed: the server is down or restarting."""


@dataclass
class Response:
    status: int
    location: str
    body: str


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
START_KEY = re.compile(r'<input[^>]*name="start_key"[^>]*value="([^"]*)"')
MISSIONS = re.compile(r'<input[^>]*name="mission"[^>]*value="([a-z0-9_-]+)"')


class Browser:
    """One browser: a keep-alive connection, a cookie jar, and a CSRF token per form."""

    def __init__(self, host: str, port: int, stats: "Stats") -> None:
        self.host, self.port, self.stats = host, port, stats
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, step: str, method: str, path: str, body: bytes = b"", ctype: str = ""):
        headers = {"User-Agent": "legion-bench/1 (intake_http)", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            # What a browser sends under Referrer-Policy: no-referrer (see legion.middleware).
            headers.update({"Origin": "null", "Sec-Fetch-Site": "same-origin"})
            headers["Content-Type"] = ctype
        started = time.perf_counter()
        try:
            conn = self._connection()
            conn.request(method, path, body=body or None, headers=headers)
            raw = conn.getresponse()
            data = raw.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            self.stats.failure(step, type(exc).__name__)
            raise ServerGone(f"{method} {path}: {exc!r}") from exc
        elapsed = time.perf_counter() - started
        for cookie in raw.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or value in ('""', ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if raw.headers.get("Connection", "").lower() == "close":
            self.close()
        self.stats.record(step, raw.status, elapsed, path)
        return Response(
            raw.status, raw.headers.get("Location", ""), data.decode("utf-8", "replace")
        )

    def get(self, step: str, path: str) -> Response:
        return self.request(step, "GET", path)

    def post(self, step: str, path: str, page: Response, fields: dict, files=None) -> Response:
        """Submit the form of `page` with these fields (and files), as the browser would."""
        match = CSRF.search(page.body)
        if not match:
            raise AssertionError(f"no CSRF token on the page before POST {path}")
        fields = {"csrfmiddlewaretoken": match.group(1), **fields}
        if files:
            boundary = "----legionbench" + secrets.token_hex(8)
            parts = []
            for name, value in fields.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for name, (file_name, content, ctype) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{file_name}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            parts.append(f"--{boundary}--\r\n".encode())
            body, ctype = b"".join(parts), f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            ctype = "application/x-www-form-urlencoded"
        return self.request(step, "POST", path, body, ctype)


# ---- statistics -------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    completed: int = 0
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, step: str, status: int, elapsed: float, path: str) -> None:
        with self.lock:
            self.requests += 1
            self.latencies[step].append(elapsed)
            self.statuses[status // 100 * 100] += 1
            if status >= 500:
                self.errors.append(f"{status} {step} {path}")

    def failure(self, step: str, kind: str) -> None:
        with self.lock:
            self.failures[f"{step}: {kind}"] += 1

    def done(self) -> None:
        with self.lock:
            self.completed += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# ---- one application ---------------------------------------------------------------------


class Refused(Exception):
    """The server answered a form with something other than the redirect a browser expects."""


def expect_redirect(response: Response, step: str) -> str:
    if response.status != 302:
        start = response.body.find('class="error-summary"')
        detail = response.body[start : start + 300] if start >= 0 else response.body[:200]
        raise Refused(f"{step}: {response.status} {' '.join(detail.split())}")
    return urllib.parse.urlsplit(response.location).path


def applicant_answers(rng: random.Random, serial: str) -> dict:
    countries, weights = zip(*NATIONALITIES, strict=True)
    nationality = rng.choices(countries, weights)[0]
    expiry_year = time.gmtime().tm_year + rng.randint(2, 8)
    return {
        "name": {"given_name": rng.choice(GIVEN.split()), "surname": rng.choice(SURNAMES.split())},
        "birth": {
            "date_of_birth_0": str(rng.randint(1, 28)),
            "date_of_birth_1": str(rng.randint(1, 12)),
            "date_of_birth_2": str(rng.randint(1966, 2003)),
            "sex": "M" if rng.random() < 0.9 else "F",
            "place_of_birth": rng.choice(("Aldershot", "Denver", "Hamburg", "Toronto", "Pune")),
        },
        "nationality": {"nationality": nationality},
        "passport": {
            "passport_number": f"{rng.randint(100_000_000, 999_999_999)}",
            "passport_country": nationality,
            "passport_expiry_0": "1",
            "passport_expiry_1": "6",
            "passport_expiry_2": str(expiry_year),
        },
        "contact": {"email": f"bench-{serial}@example.org", "phone": "", "language": "en"},
        "address": {
            "address_line_1": f"{rng.randint(1, 200)} {rng.choice(SURNAMES.split())} Road",
            "address_town": rng.choice(("Aldershot", "Denver", "Hamburg", "Toronto", "Pune")),
            "address_postcode": f"{rng.randint(10000, 99999)}",
            "address_country": nationality,
        },
        "experience": {
            "kind": "military",
            "country": nationality,
            "branch": "Army, infantry",
            "start_year": "2008",
            "end_year": "2016",
            "deployments": "Afghanistan 2011",
        },
    }


def apply_once(browser: Browser, rng: random.Random, serial: str, retry=None) -> str:
    """Every step of one application; returns the reference shown on the last page.

    `retry(callable)` wraps each request (the crash benchmark retries through restarts);
    by default a failed request ends the application."""
    call = retry or (lambda f: f())
    answers = applicant_answers(rng, serial)

    def form(step: str, path: str, fields: dict, files=None) -> str:
        page = call(lambda: browser.get(f"GET {step}", path))
        if page.status != 200:
            raise Refused(f"GET {step}: {page.status}")
        return expect_redirect(
            call(lambda: browser.post(f"POST {step}", path, page, fields, files)), f"POST {step}"
        )

    call(lambda: browser.get("GET home", "/"))
    call(lambda: browser.get("GET apply", "/apply/"))
    where = call(lambda: browser.get("GET where", "/apply/where/"))
    missions = MISSIONS.findall(where.body)
    key = START_KEY.search(where.body).group(1)
    response = call(
        lambda: browser.post(
            "POST where",
            "/apply/where/",
            where,
            {"mission": rng.choice(missions), "start_key": key},
        )
    )
    path = expect_redirect(response, "POST where")
    for slug in ("name", "birth", "nationality", "passport", "contact", "address"):
        assert path == f"/apply/{slug}/", path
        path = form(slug, path, answers[slug])
    path = form("languages", path, {"code": "en", "level": "native", "continue": "1"})
    page = call(lambda: browser.get("GET experience", "/apply/experience/"))
    path = form("experience-add", "/apply/experience/add/", answers["experience"])
    path = form("experience", "/apply/experience/", {})
    path = form("criminal-record", path, {"has_criminal_record": "no"})
    uploads = (
        ("passport", ("passport.pdf", passport_pdf(), "application/pdf")),
        ("service_record", ("discharge.jpg", JPEG, "image/jpeg")),
    )
    for kind, upload in uploads:
        form("upload", "/apply/documents/", {"kind": kind, "upload": "1"}, {"file": upload})
    path = form("documents", "/apply/documents/", {"continue": "1"})
    path = form("advice", path, {"confirm": "on"})
    path = form("check", "/apply/check/", {})
    page = call(lambda: browser.get("GET sent", path))
    match = re.search(r"LGN-[0-9A-Z]{4}-[0-9A-Z]{4}", page.body)
    if page.status != 200 or not match:
        raise Refused(f"GET sent: {page.status} without a reference")
    return match.group(0)


# ---- the server ---------------------------------------------------------------------------


def free_port(port: int) -> None:
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            sys.exit(f"Port {port} is in use already.")


def server_env(args) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": args.db,
        "LEGION_VAR_DIR": args.var,
        "LEGION_MEDIA_ROOT": str(Path(args.var) / "media"),
        "LEGION_STATIC_ROOT": str(Path(args.var) / "static"),
        "LEGION_SERVER": args.server,
        "LEGION_WEB_WORKERS": str(args.workers),
        "LEGION_WEB_THREADS": str(args.threads),
        "PORT": str(args.port),
    }
    env.pop("DEBUG", None)
    return env


def prepare(args) -> None:
    env = server_env(args)

    def run(*command: str) -> None:
        subprocess.run(  # noqa: S603 (our own command, our own arguments)
            [*LEGION, *command], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
        )

    run("migrate", "--noinput")
    run("demo", "--if-empty", "--applicants", "0")
    if not (Path(args.var) / "static" / "staticfiles.json").exists():
        run("collectstatic", "--noinput")


def start_server(args, log) -> subprocess.Popen:
    free_port(args.port)
    process = subprocess.Popen(  # noqa: S603 (our own command)
        [*LEGION, "serve"],
        env=server_env(args),
        cwd=ROOT,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"legion serve exited with {process.returncode}; see {log.name}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                conn.close()
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit("legion serve did not answer within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class ServerMeter:
    """CPU time and peak RSS of the server's processes (the master and its workers)."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_rss: dict[int, int] = {}
        self.cpu_seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def processes(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu(self) -> float:
        """CPU seconds of every server process seen so far (a dead worker keeps its last)."""
        for proc in self.processes():
            try:
                times = proc.cpu_times()
                self.cpu_seen[proc.pid] = times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return sum(self.cpu_seen.values())

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            for proc in self.processes():
                try:
                    rss = proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
                self.peak_rss[proc.pid] = max(rss, self.peak_rss.get(proc.pid, 0))
            self.cpu()

    def stop(self) -> None:
        self._stop.set()


# ---- the phases ------------------------------------------------------------------------------


def run_clients(count: int, seconds: float, work) -> float:
    """`count` threads calling work(index, stop) until `seconds` pass; returns the elapsed time."""
    stop = threading.Event()
    threads = [threading.Thread(target=work, args=(i, stop), daemon=True) for i in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(60)
    return time.perf_counter() - started


def home_phase(args, stats: Stats) -> float:
    def work(index: int, stop: threading.Event) -> None:
        browser = Browser("127.0.0.1", args.port, stats)
        while not stop.is_set():
            try:
                browser.get("GET / (baseline)", "/")
            except ServerGone:
                time.sleep(0.1)
        browser.close()

    return run_clients(args.clients, args.baseline, work)


def intake_phase(args, stats: Stats, references: list[str]) -> float:
    run_id = secrets.token_hex(3)
    counter = iter(range(MAX_APPLICATIONS))
    lock = threading.Lock()

    def work(index: int, stop: threading.Event) -> None:
        rng = random.Random(f"{run_id}-{index}")  # noqa: S311 (benchmark data)
        browser = Browser("127.0.0.1", args.port, stats)
        while not stop.is_set():
            with lock:
                serial = next(counter, None)
            if serial is None:
                return
            browser.cookies.clear()
            try:
                reference = apply_once(browser, rng, f"{run_id}-{serial}")
            except Exception as exc:  # any failure ends this application, not the client
                with stats.lock:
                    stats.errors.append(f"application abandoned: {exc}"[:300])
                continue
            if not stop.is_set():
                stats.done()
                references.append(reference)
        browser.close()

    return run_clients(args.clients, args.duration, work)


def report(args, phases: dict, meter: ServerMeter) -> dict:
    home, home_elapsed, home_cpu = phases["home"]
    intake, intake_elapsed, intake_cpu = phases["intake"]
    home_requests = home.requests
    out = {
        "command": " ".join(sys.argv),
        "server": f"{args.server}, {args.workers} workers x {args.threads} threads",
        "database": args.db.split("://")[0],
        "clients": args.clients,
        "load_average_before": phases["load_before"],
        "load_average_after": list(os.getloadavg()),
        "home_requests_per_s": round(home_requests / home_elapsed, 1),
        "home_cpu_ms_per_request": round(1000 * home_cpu / max(home_requests, 1), 2),
        "applications_completed": intake.completed,
        "applications_per_s": round(intake.completed / intake_elapsed, 2),
        "intake_requests": intake.requests,
        "intake_requests_per_s": round(intake.requests / intake_elapsed, 1),
        "intake_cpu_ms_per_request": round(1000 * intake_cpu / max(intake.requests, 1), 2),
        "cpu_ms_per_application": round(1000 * intake_cpu / max(intake.completed, 1), 1),
        "server_cpu_share": round(intake_cpu / intake_elapsed / (os.cpu_count() or 1), 2),
        "statuses": dict(intake.statuses),
        "server_errors_5xx": sum(1 for e in home.errors + intake.errors if e[:1] == "5"),
        "failures": dict(intake.failures + home.failures),
        "errors": (home.errors + intake.errors)[:20],
        "peak_rss_mb_per_process": sorted(
            (round(v / 2**20) for v in meter.peak_rss.values()), reverse=True
        ),
        "steps_ms": {
            step: {
                "n": len(values),
                "p50": round(1000 * percentile(values, 0.50), 1),
                "p95": round(1000 * percentile(values, 0.95), 1),
                "p99": round(1000 * percentile(values, 0.99), 1),
            }
            for step, values in sorted({**home.latencies, **intake.latencies}.items())
        },
    }
    all_intake = [v for values in intake.latencies.values() for v in values]
    out["intake_all_ms"] = {
        q: round(1000 * percentile(all_intake, p), 1)
        for q, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
    }
    out["cpu_ratio_intake_to_home"] = round(
        out["intake_cpu_ms_per_request"] / max(out["home_cpu_ms_per_request"], 0.001), 2
    )
    return out


@contextmanager
def server_running(args):
    log = open(Path(args.var) / "server.log", "ab")  # noqa: SIM115
    process = start_server(args, log)
    try:
        yield process
    finally:
        stop_server(process)
        log.close()


def arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", default="sqlite:///" + tempfile.gettempdir() + "/legion-bench.sqlite3"
    )
    parser.add_argument("--var", default="", help="directory for media, static files and logs")
    parser.add_argument("--server", choices=("granian", "gunicorn"), default="granian")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8130)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--baseline", type=float, default=10)
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be 1..{MAX_CLIENTS}")
    if not 0 < args.duration <= MAX_SECONDS or not 0 < args.baseline <= MAX_SECONDS:
        parser.error(f"--duration and --baseline must be 1..{MAX_SECONDS} s")
    host = urllib.parse.urlsplit(args.db).hostname
    if host not in (None, *LOOPBACK):
        parser.error("the database must be on this machine (loopback)")
    args.var = args.var or tempfile.mkdtemp(prefix="legion-bench-")
    Path(args.var).mkdir(parents=True, exist_ok=True)
    return args


def main(argv=None) -> int:
    args = arguments(argv)
    prepare(args)
    phases = {"load_before": list(os.getloadavg())}
    references: list[str] = []
    with server_running(args) as process:
        meter = ServerMeter(process.pid)
        for name, run in (
            ("home", lambda s: home_phase(args, s)),
            ("intake", lambda s: intake_phase(args, s, references)),
        ):
            stats = Stats()
            cpu_before = meter.cpu()
            elapsed = run(stats)
            phases[name] = (stats, elapsed, meter.cpu() - cpu_before)
        meter.stop()
    result = report(args, phases, meter)
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text)
    failed = (
        result["server_errors_5xx"] or result["failures"] or not result["applications_completed"]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
