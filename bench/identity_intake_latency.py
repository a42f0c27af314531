"""What identity screening adds to a submission, with a million applicants on file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/legion_identity_bench \
        .venv/bin/python bench/identity_intake_latency.py [--applicants 1000000] [--submissions 400]

Loads the demo configuration and `--applicants` submitted applicants through the bulk
path (legion.demo.bulk), indexes them for identity matching (features and blocking
keys, COPY), then submits `--submissions` new applications through `case_submit`:
half of them are new people, half re-applications of people on file under another
spelling (so that candidates are found and scored). It times the screening step
inside each submission (duplicate check against all missions plus watch lists) and,
as the baseline in the same run, whole submissions with screening switched off.
The database is reused between runs; drop it to start again.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legion.settings")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=1_000_000)
    parser.add_argument("--submissions", type=int, default=400)
    args = parser.parse_args()

    import django

    django.setup()
    import tempfile

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="legion-bench-media-")
    call_command("migrate", verbosity=0)

    from legion.advisories.services import case_acknowledge_advisories
    from legion.cases.models import Applicant, Case
    from legion.cases.services import case_submit
    from legion.demo.bulk import cases_bulk_generate
    from legion.demo.setup import demo_configure
    from legion.identity import services
    from legion.identity.models import ApplicantFeatures, IdentityKey
    from legion.missions.actors import Actor
    from legion.missions.models import Mission
    from legion.testing import factories as f

    if not Mission.objects.exists():
        demo_configure()
    have = Applicant.objects.count()
    if have < args.applicants:
        started = time.perf_counter()
        cases_bulk_generate(count=args.applicants - have, seed=7)
        print(
            f"loaded {args.applicants - have:,} applicants in {time.perf_counter() - started:.0f} s"
        )
    started = time.perf_counter()
    indexed = services.applicants_index_missing()
    if indexed:
        print(f"indexed {indexed:,} applicants in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"on file: {Applicant.objects.count():,} applicants, "
        f"{ApplicantFeatures.objects.count():,} indexed, {IdentityKey.objects.count():,} keys "
        f"({connection.vendor})"
    )

    rng = random.Random(11)  # noqa: S311 (benchmark data)
    on_file = list(
        Applicant.objects.filter(identity_features__isnull=False)
        .order_by("?")
        .values("given_name", "surname", "date_of_birth", "nationality", "passport_number")[
            : args.submissions
        ]
    )
    missions = list(Mission.objects.all())
    screen_times: list[float] = []
    original = services.case_screen

    def timed_screen(*, case):
        start = time.perf_counter()
        try:
            return original(case=case)
        finally:
            screen_times.append(time.perf_counter() - start)

    def one_submission(i: int, *, screening: bool) -> float:
        person = on_file[i % len(on_file)]
        if i % 2:  # a re-application under another spelling
            applicant = {
                **person,
                "given_name": person["given_name"].replace("y", "i"),
                "passport_number": person["passport_number"] if i % 4 == 1 else "",
            }
        else:  # someone new
            applicant = {
                "given_name": rng.choice(["Amara", "Lukas", "Kenji", "Olena", "Tomasz"]),
                "surname": f"Newcomer{i}",
                "date_of_birth": person["date_of_birth"],
                "nationality": person["nationality"],
                "passport_number": f"N{i:08d}",
            }
        case = f.CaseFactory(
            mission=rng.choice(missions),
            **{f"applicant__{k}": v for k, v in applicant.items()},
        )
        f.DocumentFactory(case=case, kind="passport")
        case_acknowledge_advisories(case=case)
        services.case_screen = timed_screen if screening else (lambda *, case: None)
        start = time.perf_counter()
        case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
        return time.perf_counter() - start

    # case_submit imports case_screen from the module at call time.
    baseline = [one_submission(i, screening=False) for i in range(args.submissions)]
    with_screening = [one_submission(i, screening=True) for i in range(args.submissions)]
    services.case_screen = original
    ms = 1000
    flagged = Case.objects.filter(duplicate_candidates__isnull=False).distinct().count()
    print(
        f"submissions: {args.submissions} with and {args.submissions} without screening; "
        f"{flagged} cases with duplicate review items so far"
    )
    print(
        f"screening step alone: p50 {statistics.median(screen_times) * ms:.1f} ms, "
        f"p95 {percentile(screen_times, 95) * ms:.1f} ms, "
        f"p99 {percentile(screen_times, 99) * ms:.1f} ms"
    )
    print(
        f"submission without screening (baseline): p50 {statistics.median(baseline) * ms:.1f} ms, "
        f"p95 {percentile(baseline, 95) * ms:.1f} ms"
    )
    print(
        f"submission with screening: p50 {statistics.median(with_screening) * ms:.1f} ms, "
        f"p95 {percentile(with_screening, 95) * ms:.1f} ms; ratio of p95s "
        f"{percentile(with_screening, 95) / percentile(baseline, 95):.2f}"
    )


if __name__ == "__main__":
    main()
