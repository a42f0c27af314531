"""Staff pages at a million cases: p50/p95 server time and SQL statements per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/legion_wave_million \
        .venv/bin/python bench/staff_million.py [--runs 20] [--explain FILE]

    # the same pages with the code of another commit (its keyset pages left out):
    mkdir -p /tmp/before/bench && git archive COMMIT legion | tar -x -C /tmp/before
    cp bench/staff_million.py /tmp/before/bench/
    .venv/bin/python /tmp/before/bench/staff_million.py

Needs a database filled by `legion demo --applicants 0 --bulk 1000000` (then
`VACUUM ANALYZE cases_case, cases_applicant` and `ANALYZE`, as autovacuum would).
Each page is requested in-process through Django's test client as the Washington
consular officer (the largest mission, about a third of the cases), the API with a
read-only token of the same officer, so the time is the server's own: middleware,
views, queries, templates; no network. The first request of each page is a warm-up
and not counted. Peak RSS of this process is printed at the end.

`--explain FILE` writes EXPLAIN (ANALYZE, BUFFERS) of each page's main statement (its
slowest read of cases) to FILE, as Markdown.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legion.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from legion.api.tokens import api_token_create, api_token_revoke  # noqa: E402
from legion.cases.models import Case  # noqa: E402

try:  # absent from the code before keyset pages (see the second command above)
    from legion.cases.paging import cursor_encode
except ImportError:
    cursor_encode = None
from legion.cases.states import OPEN_STATES  # noqa: E402
from legion.missions.models import Membership, Mission  # noqa: E402
from legion.testing.auth import StaffClient  # noqa: E402

DEEP = 9950  # the first row of page 200 at 50 a page


def pages(mission: Mission) -> dict[str, str]:
    cases = Case.objects.filter(mission=mission).exclude(state="draft")
    case = cases.select_related("applicant").order_by("id")[500]
    queue = f"/staff/m/{mission.code}/queue/"
    # The cursor a visitor holds after following "Next" 199 times from the first page.
    row = (
        cases.filter(state__in=OPEN_STATES)
        .order_by("submitted_at", "id")
        .values_list("submitted_at", "id")[DEEP - 1]
    )
    api_row = (
        cases.filter(submitted_at__isnull=False)
        .order_by("-submitted_at", "-id")
        .values_list("submitted_at", "id")[DEEP - 1]
    )
    urls = {
        "queue first page": queue,
        "queue page 200 by number": f"{queue}?page=200",
        "queue page 200 by cursor": f"{queue}?page=200&after={cursor_encode(row)}"
        if cursor_encode
        else None,
        "search surname": f"{queue}?q={case.applicant.surname}",
        "search Cyrillic (Міллер)": f"{queue}?q=Міллер",
        "search reference": f"{queue}?q={case.reference}",
        "search passport": f"{queue}?q={case.applicant.passport_number}",
        "case page": f"/staff/c/{case.reference}/",
        "API list first page": "/api/v1/cases",
        "API list page 200 by number": "/api/v1/cases?page=200",
        "API list page 200 by cursor": f"/api/v1/cases?after={cursor_encode(api_row)}"
        if cursor_encode
        else None,
    }
    return {name: url for name, url in urls.items() if url}


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--mission", default="was")
    parser.add_argument("--explain", metavar="FILE")
    parser.add_argument("--only", help="run the pages whose name contains this")
    parser.add_argument(
        "--statements", action="store_true", help="print each statement's time of the last run"
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    mission = Mission.objects.get(code=args.mission)
    officer = Membership.objects.get(
        mission=mission, role="consular_officer", user__username=f"{mission.code}.officer"
    ).user
    client = StaffClient()
    client.force_login(officer)
    token, raw = api_token_create(username=officer.username, name="bench")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    print(f"{Case.objects.count():,} cases; mission {mission.code}; load {os.getloadavg()}")
    # CPU: this process's CPU time per request (Python: middleware, view, template), which
    # waiting for a core on a busy machine does not inflate; SQL: wall time of the
    # request's statements (the database's work, plus the wait for its answers).
    print(f"{'page':30} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>5} {'CPU ms':>8} {'SQL ms':>8}")
    plans = []
    try:
        for name, url in pages(mission).items():
            if args.only and args.only not in name:
                continue
            browser = api if url.startswith("/api/") else client
            response = browser.get(url)
            assert response.status_code == 200, (name, response.status_code)
            times, cpu, sql = [], [], []
            slowest = None
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    start, started = time.perf_counter(), time.process_time()
                    browser.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                    cpu.append((time.process_time() - started) * 1000)
                sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            print(
                f"{name:30} {statistics.median(times):8.1f} {p95:8.1f} {len(queries):5d} "
                f"{statistics.median(cpu):8.1f} {statistics.median(sql):8.1f}"
            )
            if args.statements:
                for q in queries.captured_queries:
                    print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")
            if args.explain:
                # The page's main statement: the slowest read of cases (not a lock,
                # the session, or the planner's estimate).
                reads = [
                    q
                    for q in queries.captured_queries
                    if q["sql"].startswith("SELECT") and '"cases_case"' in q["sql"]
                ] or queries.captured_queries
                slowest = max(reads, key=lambda q: float(q["time"]))
                plans.append((name, slowest))
    finally:
        api_token_revoke(prefix=token.prefix)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB; load {os.getloadavg()}")
    if args.explain:
        # Re-run each page's slowest statement under EXPLAIN ANALYZE with its parameters.
        _write_plans(Path(args.explain), plans, mission, officer)


def _write_plans(path: Path, plans, mission, officer) -> None:
    lines = []
    for name, query in plans:
        lines.append(f"#### {name}\n")
        lines.append("```")
        lines.append(_replay(query["sql"]))
        lines.append("```\n")
    path.write_text("\n".join(lines))
    print(f"plans written to {path}")


def _replay(logged_sql: str) -> str:
    # The captured SQL has its parameters interpolated already (as Django logs it).
    if not logged_sql.lstrip().upper().startswith("SELECT"):
        return f"(not a SELECT: {logged_sql[:80]})"
    return explain(logged_sql, None) + "\n\n-- " + logged_sql[:1500]


if __name__ == "__main__":
    main()
