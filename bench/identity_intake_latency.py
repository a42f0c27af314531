"""What identity screening adds to a submission, with a million applicants on file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/legion_intake_bench \
        .venv/bin/python bench/identity_intake_latency.py [--applicants 1000000] \
        [--submissions 400] [--reuse] [--profile]

Loads the demo configuration and `--applicants` submitted applicants through the bulk
path (legion.demo.bulk), indexes them for identity matching (features and blocking
keys, COPY), then submits `--submissions` new applications through `case_submit`:
half of them new people drawn from the same nationality and name mix, half
re-applications of people on file under another spelling (so that candidates are
found, scored and review items written). It times the screening step inside each
submission (duplicate check against all missions plus watch lists) and, as the
baseline of the same run, as many whole submissions with screening switched off;
the two kinds are interleaved so that both see the same load.

`--reuse` keeps the database when it already holds exactly `--applicants` loaded and
indexed applicants (a million take several minutes to load); otherwise the database
is emptied and loaded again. The bench's own submissions are deleted at the end (and
at the start, after an interrupted run), so every run starts from the same state.
`--profile` also prints a cProfile of the screening step alone.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legion.settings")

# Every bench submission has this address: found again (and removed) by its blind index.
BENCH_EMAIL = "applicant@intake-bench.invalid"
WARM_UP = 10
PERSON_FIELDS = (
    "given_name",
    "surname",
    "native_name",
    "date_of_birth",
    "nationality",
    "passport_number",
    "address_line_1",
    "address_line_2",
    "address_town",
    "address_postcode",
    "address_country",
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load_average() -> str:
    return f"{os.getloadavg()[0]:.1f}"


@contextlib.contextmanager
def indexes_dropped(tables: list[str]):
    """Drop the secondary indexes and foreign keys of these PostgreSQL tables for a
    bulk load, and build them again after it: sorting once beats maintaining
    fifteen million random-order index entries row by row."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


# What intake reads at random: the key index and the candidates' rows.
HOT_RELATIONS = (
    "identity_key_lookup",
    "identity_applicantfeatures",
    "identity_applicantfeatures_pkey",
    "cases_applicant",
    "cases_applicant_pkey",
    "cases_case",
    "cases_case_applicant_id_key",
)


def warm_caches() -> None:
    """Read the tables and indexes intake probes at random into the operating system's
    cache, as a running server has them: on this shared machine other benchmarks evict
    them between runs, and a cold read from disk (~0.1 ms a page, ~15 pages a
    submission) would measure the disk, not the screening."""
    from django.db import connection

    clock = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        cursor.execute(
            "SELECT sum(pg_prewarm(name, 'read')), "
            "pg_size_pretty(sum(pg_relation_size(name::regclass))) FROM unnest(%s::text[]) name",
            [list(HOT_RELATIONS)],
        )
        _pages, size = cursor.fetchone()
    spent = time.perf_counter() - clock
    print(f"read {size} of tables and indexes into the cache in {spent:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=1_000_000)
    parser.add_argument("--submissions", type=int, default=400)
    parser.add_argument("--reuse", action="store_true", help="keep a database of the right size")
    parser.add_argument("--profile", action="store_true", help="cProfile the screening step")
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
    from legion.crypto import email_index
    from legion.demo.addresses import address_random
    from legion.demo.bulk import cases_bulk_generate
    from legion.demo.names import NATIONALITY_WEIGHTS, name_for
    from legion.demo.setup import demo_configure
    from legion.identity import indexing, people, screening
    from legion.identity.models import ApplicantFeatures, DuplicateCandidate, IdentityKey
    from legion.missions.actors import Actor
    from legion.missions.models import Mission
    from legion.testing import factories as f

    def remove_bench_submissions() -> None:
        cases = Case.objects.filter(applicant__email_index=email_index(BENCH_EMAIL))
        applicant_ids = list(cases.values_list("applicant_id", flat=True))
        cases.delete()
        Applicant.objects.filter(pk__in=applicant_ids).delete()

    started_at = dt.datetime.now(dt.UTC)
    load_at_start = load_average()
    remove_bench_submissions()
    loaded = Applicant.objects.count()
    indexed = ApplicantFeatures.objects.count()
    submitted = Case.objects.exclude(state="draft").count()
    if args.reuse and loaded == args.applicants and indexed == submitted:
        print(f"reusing {loaded:,} applicants, {indexed:,} indexed")
    else:
        if loaded:
            print(f"emptying the database ({loaded:,} applicants, {args.applicants:,} wanted)")
            call_command("flush", interactive=False, verbosity=0)
        demo_configure()
        clock = time.perf_counter()
        cases_bulk_generate(count=args.applicants, seed=7)
        print(f"loaded {args.applicants:,} applicants in {time.perf_counter() - clock:.0f} s")
        clock = time.perf_counter()
        with indexes_dropped(["identity_identitykey", "identity_applicantfeatures"]):
            count = indexing.applicants_index_missing()
        print(f"indexed {count:,} applicants in {time.perf_counter() - clock:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"on file: {Applicant.objects.count():,} applicants, "
        f"{ApplicantFeatures.objects.count():,} indexed, {IdentityKey.objects.count():,} keys "
        f"({connection.vendor})"
    )

    if connection.vendor == "postgresql":
        warm_caches()
    from legion.identity.normalise import warm_up

    warm_up()  # as every web worker does at start (legion/wsgi.py)

    rng = random.Random(11)  # noqa: S311 (benchmark data)
    top = Applicant.objects.order_by("-pk").values_list("pk", flat=True).first()
    wanted = args.submissions + 2 * WARM_UP
    on_file = list(
        Applicant.objects.filter(
            pk__in=rng.sample(range(1, top + 1), wanted * 2), identity_features__isnull=False
        ).values(*PERSON_FIELDS)[:wanted]
    )
    rng.shuffle(on_file)
    missions = list(Mission.objects.all())
    nationalities = list(NATIONALITY_WEIGHTS)
    weights = [NATIONALITY_WEIGHTS[n] for n in nationalities]

    def applicant_for(i: int) -> dict:
        """Even: someone new; odd: a re-application of someone on file, respelt."""
        if i % 2:
            person = dict(on_file[i % len(on_file)])
            if i % 4 == 1:  # same passport, the given name transliterated otherwise
                person["given_name"] = person["given_name"].replace("y", "i")
            else:  # no passport given this time, names as in their own script if any
                person["passport_number"] = ""
                if person["native_name"]:
                    given, _, surname = person["native_name"].partition(" ")
                    person.update(given_name=given, surname=surname or person["surname"])
            person["native_name"] = ""
            return person
        nationality = rng.choices(nationalities, weights=weights)[0]
        name = name_for(nationality, rng)
        return {
            "given_name": name.given,
            "surname": name.surname,
            "native_name": name.native,
            "date_of_birth": dt.date(1965, 1, 1) + dt.timedelta(days=rng.randint(0, 39 * 365)),
            "nationality": nationality,
            "passport_number": f"{nationality}{rng.randint(10_000_000, 99_999_999)}",
            **address_random(nationality, rng).as_fields(),
        }

    screen_times: list[float] = []
    profile = cProfile.Profile() if args.profile else None
    original = screening.case_screen

    def timed_screen(*, case):
        if profile:
            profile.enable()
        start = time.perf_counter()
        try:
            return original(case=case)
        finally:
            screen_times.append(time.perf_counter() - start)
            if profile:
                profile.disable()

    def one_submission(person: dict, *, screening: bool) -> float:
        case = f.CaseFactory(
            mission=rng.choice(missions),
            **{f"applicant__{k}": v for k, v in person.items()},
            applicant__place_of_birth="",
            applicant__email=BENCH_EMAIL,
        )
        f.DocumentFactory(case=case, kind="passport")
        case_acknowledge_advisories(case=case)
        # case_submit imports case_screen from the module at call time.
        screening.case_screen = timed_screen if screening else (lambda *, case: None)
        start = time.perf_counter()
        case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
        return time.perf_counter() - start

    baseline: list[float] = []
    with_screening: list[float] = []
    try:
        for i in range(args.submissions + WARM_UP):
            person = applicant_for(i)
            # Interleaved, in random order: both kinds see the same load and caches.
            order = [True, False] if rng.random() < 0.5 else [False, True]
            for screening in order:
                spent = one_submission(person, screening=screening)
                if i >= WARM_UP:
                    (with_screening if screening else baseline).append(spent)
        flagged = (
            DuplicateCandidate.objects.filter(case__applicant__email_index=email_index(BENCH_EMAIL))
            .values("case")
            .distinct()
            .count()
        )
    finally:
        screening.case_screen = original
        remove_bench_submissions()
    # Synthetic names repeat, so most submissions above found their names normalised
    # already (as a long-running worker does for common names). What a name never
    # seen costs, measured on the same people with the cache emptied each time:
    from legion.identity.normalise import name_forms

    cold: list[float] = []
    for i in range(args.submissions):
        person = applicant_for(i)
        name_forms.cache_clear()
        clock = time.perf_counter()
        people.applicant_people(Applicant(**person))
        cold.append(time.perf_counter() - clock)
    screen_times = screen_times[WARM_UP:]

    ms = 1000
    p95_without, p95_with = percentile(baseline, 95), percentile(with_screening, 95)
    print(
        f"{args.submissions} submissions with and {args.submissions} without screening "
        f"(after {WARM_UP} of each to warm up); {flagged} screened submissions opened "
        "duplicate review items"
    )
    print(
        f"screening step alone: p50 {statistics.median(screen_times) * ms:.1f} ms, "
        f"p95 {percentile(screen_times, 95) * ms:.1f} ms, "
        f"p99 {percentile(screen_times, 99) * ms:.1f} ms"
    )
    print(
        f"normalising one applicant, names never seen before: p50 "
        f"{statistics.median(cold) * ms:.2f} ms, p95 {percentile(cold, 95) * ms:.2f} ms"
    )
    print(
        f"submission without screening (baseline): p50 {statistics.median(baseline) * ms:.1f} ms, "
        f"p95 {p95_without * ms:.1f} ms"
    )
    print(
        f"submission with screening: p50 {statistics.median(with_screening) * ms:.1f} ms, "
        f"p95 {p95_with * ms:.1f} ms; ratio of p95s {p95_with / p95_without:.2f}"
    )
    p50, p95, p99 = (percentile(screen_times, p) * ms for p in (50, 95, 99))
    print(
        f"\n| {args.applicants:,} | {p50:.1f} ms | {p95:.1f} ms | {p99:.1f} ms | "
        f"{p95_without * ms:.1f} / {p95_with * ms:.1f} ms | {p95_with / p95_without:.2f} | "
        f"{started_at:%d %b %Y %H:%M} UTC, load {load_at_start} → {load_average()} |"
    )
    if profile:
        print("\nProfile of the screening step (cProfile, by own time):")
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(20)
        stats.sort_stats("cumulative").print_stats(r"legion|psycopg/connection|query\.py", 30)


if __name__ == "__main__":
    main()
