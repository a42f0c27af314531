"""What staff would lose if names were sealed and searched through a blind index.

    .venv/bin/python bench/name_search_blind_index.py [--applicants 20000] [--queries 500]

Loads the demo configuration and N applicants through the bulk path into a fresh SQLite
database under /tmp (never the caller's database), then asks the staff queue's name
search (`legion.workspace.selectors._search`, the code the queue runs: every word in
some part of the name, in the script typed or romanised; trigram indexes on PostgreSQL)
and a blind index of exact normalised tokens (what sealed names would allow: an HMAC
per name word, of every romanised form of it, so that a Cyrillic query still meets a
Latin name) the same questions, drawn from applicants on file:

- the surname as written;                    - given name and surname;
- the first four letters of the surname;     - the first three of the given name and
- one part of a compound surname                the whole surname ("Vol Kovalenko");
  ("Smith" for "Smith-Jones");               - the surname with one letter dropped
                                               (a typo: neither is expected to find it).

Reports, per kind of question, how often the person asked for is among the results
(recall) and the median number of cases returned, and the time of each way to answer.
"""

import argparse
import hashlib
import hmac
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
WORKDIR = Path(tempfile.mkdtemp(prefix="legion-name-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legion.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from legion.cases.models import Case  # noqa: E402
from legion.demo.bulk import cases_bulk_generate  # noqa: E402
from legion.demo.setup import demo_configure  # noqa: E402
from legion.identity.normalise import name_forms  # noqa: E402
from legion.workspace.selectors import _search  # noqa: E402

KEY = os.urandom(32)


def token_hashes(word: str) -> set[str]:
    """The blind-index entries of one name word: an HMAC of each romanised form."""
    forms = {f for f in name_forms(word).forms if " " not in f} or {word.lower()}
    return {hmac.new(KEY, f.encode(), hashlib.sha256).hexdigest()[:40] for f in forms}


def words(*parts: str) -> list[str]:
    return [w for part in parts for w in part.replace("-", " ").split() if w]


def questions(rng: random.Random, given: str, surname: str) -> dict[str, str]:
    asked = {
        "surname": surname,
        "given name + surname": f"{given} {surname}",
        "surname, first 4 letters": surname[:4],
        "given name, first 3 letters + surname": f"{given[:3]} {surname}",
    }
    parts = words(surname)
    if len(parts) > 1:
        asked["one part of a compound surname"] = rng.choice(parts)
    if len(surname) > 4:
        drop = rng.randrange(1, len(surname))
        asked["surname with a typo (one letter dropped)"] = surname[:drop] + surname[drop + 1 :]
    return asked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    call_command("migrate", verbosity=0)
    demo_configure()
    started = time.perf_counter()
    cases_bulk_generate(count=args.applicants, seed=3)
    print(f"{args.applicants:,} applicants loaded in {time.perf_counter() - started:.0f} s")

    rows = list(
        Case.objects.values_list(
            "pk", "applicant__given_name", "applicant__surname", "applicant__native_name"
        )
    )
    index: dict[str, set[int]] = defaultdict(set)
    for pk, given, surname, native in rows:
        for word in words(given, surname, native):
            for entry in token_hashes(word):
                index[entry].add(pk)

    def blind_search(text: str) -> set[int]:
        found: set[int] | None = None
        for word in words(text):
            matches = set().union(*(index.get(h, set()) for h in token_hashes(word)))
            found = matches if found is None else found & matches
        return found or set()

    rng = random.Random(11)  # noqa: S311 (benchmark sampling)
    cases = Case.objects.all()
    results: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for pk, given, surname, _native in rng.sample(rows, args.queries):
        for kind, text in questions(rng, given, surname).items():
            t0 = time.perf_counter()
            trigram = set(_search(cases, text, by_passport=False).values_list("pk", flat=True))
            t1 = time.perf_counter()
            blind = blind_search(text)
            t2 = time.perf_counter()
            for way, found, spent in (("search", trigram, t1 - t0), ("blind", blind, t2 - t1)):
                results[kind][f"{way} found"].append(pk in found)
                results[kind][f"{way} size"].append(len(found))
                results[kind][f"{way} ms"].append(spent * 1000)

    print(f"\nload average at start {load:.1f}, {args.queries} people asked for\n")
    print(
        "| question | n | queue search: found | cases returned (median) "
        "| blind index: found | cases returned (median) |"
    )
    print("|---|---|---|---|---|---|")
    for kind, r in results.items():
        n = len(r["search found"])
        print(
            f"| {kind} | {n} | {sum(r['search found']) / n:.1%} "
            f"| {statistics.median(r['search size']):.0f} "
            f"| {sum(r['blind found']) / n:.1%} | {statistics.median(r['blind size']):.0f} |"
        )
    search_ms = [t for r in results.values() for t in r["search ms"]]
    blind_ms = [t for r in results.values() for t in r["blind ms"]]
    print(
        f"\nmedian time per question: queue search {statistics.median(search_ms):.1f} ms "
        f"(SQLite, no trigram index), blind index {statistics.median(blind_ms):.3f} ms (in memory)"
    )


if __name__ == "__main__":
    main()
