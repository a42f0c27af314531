"""Staff pages at a million cases: p50/p95 server time and SQL statements per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/legion_million_bench \
        .venv/bin/python bench/staff_million.py [--runs 20]

Needs a database filled by `legion demo --applicants 0 --bulk 1000000`. Each page is
requested in-process through Django's test client as the Washington consular officer
(the largest mission, about a third of the cases), so the time is the server's own:
middleware, views, queries, templates; no network. The first request of each page is
a warm-up and not counted.
"""

import argparse
import os
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
from django.test.utils import CaptureQueriesContext  # noqa: E402

from legion.cases.models import Case  # noqa: E402
from legion.missions.models import Membership, Mission  # noqa: E402
from legion.testing.auth import StaffClient  # noqa: E402


def pages(mission: Mission) -> dict[str, str]:
    cases = Case.objects.filter(mission=mission).exclude(state="draft")
    case = cases.select_related("applicant").order_by("id")[500]
    queue = f"/staff/m/{mission.code}/queue/"
    return {
        "queue first page": queue,
        "queue deep page (200)": f"{queue}?page=200",
        "search surname": f"{queue}?q={case.applicant.surname}",
        "search Cyrillic (Міллер)": f"{queue}?q=Міллер",
        "search reference": f"{queue}?q={case.reference}",
        "search passport": f"{queue}?q={case.applicant.passport_number}",
        "case page": f"/staff/c/{case.reference}/",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--mission", default="was")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    mission = Mission.objects.get(code=args.mission)
    officer = Membership.objects.get(
        mission=mission, role="consular_officer", user__username=f"{mission.code}.officer"
    ).user
    client = StaffClient()
    client.force_login(officer)
    print(f"{Case.objects.count():,} cases; mission {mission.code}; load {os.getloadavg()}")
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>5}")
    for name, url in pages(mission).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(f"{name:28} {statistics.median(times):8.1f} {p95:8.1f} {len(queries):5d}")


if __name__ == "__main__":
    main()
