"""The statistics dashboard at a million cases: p50/p95 server time per filter.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/legion_dashboard_bench \
        .venv/bin/python bench/dashboard_million.py [--cases 1000000] [--runs 20]

The dashboard reads only the counter tables (legion.dashboard.models), never the
cases, so what its speed depends on is the number of counter cells a million cases
leave. This script makes exactly those cells: it draws a million cases' keys (day of
submission over 90 days with the first weeks' surge, mission, nationality with the
March 2022 mix, state, refusal kind, stage visits, holds, service records) and writes
the counters they add up to, as the case-event reaction and `legion statistics
recount` would. Then it requests the page in-process (Django test client, an HQ
analyst: every filter, the slowest role) and times it. Baseline in the same run: the
same requests over the cells of 20,000 cases (the seed's wave). Only a database whose
name contains "bench" is written to.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legion.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from legion.dashboard.models import (  # noqa: E402
    CaseCount,
    CaseFigures,
    HoldCount,
    ServiceCount,
    StageTime,
)
from legion.missions.models import Membership, Mission  # noqa: E402
from legion.testing.auth import StaffClient  # noqa: E402

# Nationality shares (DESIGN.md: 31% US, 18% UK, 6.8% DE, 4.7% CA, 2.8% IN), then a tail
# of 47 more countries to make 52.
HEAD = {"US": 31, "GB": 18, "DE": 6.8, "CA": 4.7, "IN": 2.8}
TAIL = [
    "PL",
    "LT",
    "LV",
    "EE",
    "NO",
    "SE",
    "DK",
    "FI",
    "FR",
    "NL",
    "BE",
    "IT",
    "ES",
    "PT",
    "IE",
    "AU",
    "NZ",
    "JP",
    "GE",
    "BY",
    "CZ",
    "SK",
    "HU",
    "RO",
    "BG",
    "HR",
    "SI",
    "AT",
    "CH",
    "IL",
    "TR",
    "BR",
    "AR",
    "MX",
    "CL",
    "CO",
    "KR",
    "PH",
    "ZA",
    "IS",
    "LU",
    "MD",
    "AM",
    "AZ",
    "KZ",
    "GR",
]
STATES = {
    "submitted": 22,
    "in_review": 25,
    "interview_scheduled": 9,
    "interviewed": 3,
    "visa_pending": 3,
    "visa_issued": 2,
    "instructions_issued": 2,
    "arrived": 8,
    "rejected": 12,
    "referred": 6,
    "withdrawn": 5,
    "on_hold": 3,
}
OUTCOMES = {"rejected": ["reject", "reject_after_interview", "refuse_visa"], "referred": ["refer"]}


def nationalities() -> tuple[list[str], list[float]]:
    rest = (100 - sum(HEAD.values())) / len(TAIL)
    codes = [*HEAD, *TAIL]
    weights = [*HEAD.values(), *([rest] * len(TAIL))]
    return codes, weights


def missions_ensure(codes: list[str]) -> dict[str, int]:
    """One mission per nationality (applicants apply at home), made if missing."""
    found = {}
    for code in codes:
        mission, _ = Mission.objects.get_or_create(
            code=f"b{code.lower()}",
            defaults={"name": f"Bench mission {code}", "city": code, "country": code},
        )
        found[code] = mission.pk
    return found


def fill(*, cases: int, days: int, seed: int) -> int:
    """Write the counters of `cases` drawn cases; returns the number of cells."""
    rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
    codes, weights = nationalities()
    missions = missions_ensure(codes)
    end = dt.date(2026, 3, 31)
    # The wave: most applications in the first two weeks, a long tail after.
    day_weights = [1 + 12 * max(0.0, 1 - i / 14) for i in range(days)]
    day_list = [end - dt.timedelta(days=days - 1 - i) for i in range(days)]
    state_list, state_weights = list(STATES), list(STATES.values())
    counts: Counter = Counter()
    stages: Counter = Counter()
    holds: Counter = Counter()
    services: Counter = Counter()
    for _ in range(cases):
        day = rng.choices(day_list, day_weights)[0]
        nationality = rng.choices(codes, weights)[0]
        # Most apply at their own country's mission, some where they live.
        mission = missions[nationality if rng.random() < 0.85 else rng.choice(codes)]
        state = rng.choices(state_list, state_weights)[0]
        outcome = rng.choice(OUTCOMES[state]) if state in OUTCOMES else ""
        base = (day, mission, nationality)
        counts[(*base, state, outcome)] += 1
        for stage in ("submitted", "in_review")[: rng.randint(0, 2)]:
            stages[(*base, stage, rng.randint(2, 9))] += 1
        if rng.random() < 0.03:
            holds[(*base, "screening" if rng.random() < 0.7 else "security")] += 1
        kind = rng.choices(["military", "law_enforcement", "medical"], [85, 7, 8])[0]
        specialty = "" if kind == "medical" else rng.choice(["Infantry", "Artillery", "Signals"])
        services[(*base, kind, specialty)] += 1
    for model in (CaseFigures, CaseCount, StageTime, HoldCount, ServiceCount):
        model.objects.all().delete()

    def rows(model, table, fields):
        return [
            model(
                submitted_on=k[0],
                mission_id=k[1],
                nationality=k[2],
                n=n,
                **dict(zip(fields, k[3:], strict=False)),
            )
            for k, n in table.items()
        ]

    CaseCount.objects.bulk_create(rows(CaseCount, counts, ("state", "outcome")), batch_size=5000)
    StageTime.objects.bulk_create(rows(StageTime, stages, ("stage", "bucket")), batch_size=5000)
    HoldCount.objects.bulk_create(rows(HoldCount, holds, ("source",)), batch_size=5000)
    ServiceCount.objects.bulk_create(
        rows(ServiceCount, services, ("kind", "specialty")), batch_size=5000
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(counts) + len(stages) + len(holds) + len(services)


def filters() -> dict[str, str]:
    return {
        "last 30 days, all": "date_from=2026-03-02&date_to=2026-03-31",
        "90 days, all": "date_from=2026-01-01&date_to=2026-03-31",
        "90 days, US mission": "date_from=2026-01-01&date_to=2026-03-31&mission=bus",
        "90 days, nationality JP": "date_from=2026-01-01&date_to=2026-03-31&nationality=JP",
        "30 days, GB mission, GB": (
            "date_from=2026-03-02&date_to=2026-03-31&mission=bgb&nationality=GB"
        ),
        "one day, all": "date_from=2026-01-05&date_to=2026-01-05",
        "a year, all": "date_from=2025-04-01&date_to=2026-03-31",
    }


def measure(client: StaffClient, runs: int) -> dict[str, tuple[float, float, int]]:
    results = {}
    for name, query in filters().items():
        url = f"/staff/statistics/?{query}"
        assert client.get(url).status_code == 200, url  # warm-up, not counted
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        results[name] = (statistics.median(times), p95, len(queries))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"Refusing to write counters into {name!r}: use a database named *bench*.")
    call_command("migrate", verbosity=0)
    user_membership = Membership.objects.filter(role="hq_analyst").select_related("user").first()
    if user_membership is None:
        from legion.testing import factories as f

        user_membership = f.MembershipFactory(
            user__username="bench.analyst", role="hq_analyst", mission=None
        )
    client = StaffClient()
    client.force_login(user_membership.user)
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    measured = {}
    for cases in (args.baseline, args.cases):
        started = time.perf_counter()
        cells = fill(cases=cases, days=args.days, seed=15)
        took = time.perf_counter() - started
        print(f"{cases:>9} cases -> {cells} counter cells (filled in {took:.0f} s)")
        measured[cases] = measure(client, args.runs)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    print()
    print(
        f"| filter | p50 ms ({args.cases:,}) | p95 ms ({args.cases:,}) | SQL | "
        f"p95 ms ({args.baseline:,}) | p95 ratio |"
    )
    print("|---|---|---|---|---|---|")
    for name in filters():
        big, small = measured[args.cases][name], measured[args.baseline][name]
        print(
            f"| {name} | {big[0]:.0f} | {big[1]:.0f} | {big[2]} | {small[1]:.0f} | "
            f"{big[1] / small[1]:.2f} |"
        )


if __name__ == "__main__":
    main()
