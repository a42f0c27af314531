"""Deduplicating a million person records with `legion match-people` (time and memory).

    .venv/bin/python bench/identity_dedupe_1m.py [--records 1000000] [--baseline]

Writes bench/out/people-<n>.csv (Legion's synthetic applicants: the 2022 nationality
mix, names in several scripts, ~30% of people with a second or third record carrying
typos, other romanisations, swapped fields, new passports, plus hard negatives), then
runs `legion match-people FILE --out links.csv` in a child process and reports its
wall time, its peak memory (the child's maximum resident set size: DuckDB works
in-process) and precision/recall against the generator's truth.

With --baseline it also runs plain Splink 5 on DuckDB on the same file in another
child process (a conventional model on the raw columns, trained as Splink's examples
do: prior from deterministic rules, u from 1e6 random pairs, m by EM), so the ratio
is measured in the same run on the same machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

SPLINK_BASELINE = r"""
import sys, time
import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
con = duckdb.connect()
con.execute("SET threads = 2")
table = con.read_csv(sys.argv[1], all_varchar=True)
con.register("people_view", table)
con.execute("CREATE TABLE people AS SELECT * FROM people_view")
db_api = DuckDBAPI(connection=con)
settings = SettingsCreator(
    unique_id_column_name="id",
    link_type="dedupe_only",
    blocking_rules_to_generate_predictions=[
        block_on("given_name", "surname"),
        block_on("surname", "date_of_birth"),
        block_on("given_name", "date_of_birth"),
        block_on("passport_number"),
    ],
    comparisons=[
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                 datetime_format="%Y-%m-%d", invalid_dates_as_null=True),
        cl.ExactMatch("sex"),
        cl.ExactMatch("nationality"),
        cl.DamerauLevenshteinAtThresholds("passport_number", [1, 2]),
        cl.DamerauLevenshteinAtThresholds("place_of_birth", [1, 2]),
    ],
)
linker = Linker(db_api.register("people"), settings, log_level=None)
linker.training.estimate_probability_two_random_records_match(
    [block_on("passport_number"), block_on("given_name", "surname", "date_of_birth")], recall=0.7)
linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
predictions = linker.inference.predict(threshold_match_probability=0.5)
con.execute(f"COPY (SELECT unique_id_l AS id_a, unique_id_r AS id_b, match_probability AS score "
            f"FROM {predictions.physical_name} ORDER BY score DESC) TO '{sys.argv[2]}' (HEADER)")
"""


def make_set(records: int) -> tuple[Path, Path]:
    from legion.identity.synthetic import people, write_csv

    OUT.mkdir(parents=True, exist_ok=True)
    path, truth = OUT / f"people-{records}.csv", OUT / f"people-{records}.truth.csv"
    if path.exists() and truth.exists():
        return path, truth
    # About 1.39 records per person with the default duplicate share.
    data = people(int(records / 1.39), seed=1000, prefix="p")
    write_csv(data.records[:records], path)
    with truth.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "cluster"])
        writer.writerows((r.id, r.cluster) for r in data.records[:records])
    return path, truth


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def timed_child(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (GB) of a child process and its own
    children together (the normalisation workers), sampled every 0.2 s."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
    peak = 0
    while child.poll() is None:
        peak = max(peak, _tree_rss_kb(child.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return seconds, peak / 1024 / 1024


def quality(links: Path, truth: Path) -> tuple[float, float, int]:
    with truth.open() as handle:
        cluster = {row["id"]: row["cluster"] for row in csv.DictReader(handle)}
    sizes: dict[str, int] = {}
    for c in cluster.values():
        sizes[c] = sizes.get(c, 0) + 1
    true_pairs = sum(n * (n - 1) // 2 for n in sizes.values())
    found = hits = 0
    with links.open() as handle:
        for row in csv.DictReader(handle):
            if float(row["score"]) < 0.5:
                continue
            found += 1
            hits += cluster[row["id_a"]] == cluster[row["id_b"]]
    return (hits / found if found else 0.0), hits / true_pairs, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--baseline", action="store_true")
    args = parser.parse_args()
    path, truth = make_set(args.records)
    legion = str(Path(sys.executable).parent / "legion")
    links = OUT / "links-legion.csv"
    env_note = f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start"
    seconds, peak = timed_child(
        [legion, "match-people", str(path), "--out", str(links), "--no-progress"]
    )
    precision, recall, found = quality(links, truth)
    print(f"records: {args.records:,}; {env_note}")
    print(
        f"match-people: {seconds:.1f} s, peak RSS {peak:.2f} GB, {found:,} pairs >= 0.5, "
        f"precision {precision:.4f}, recall {recall:.4f}"
    )
    if args.baseline:
        base_links = OUT / "links-splink.csv"
        base_seconds, base_peak = timed_child(
            [sys.executable, "-c", SPLINK_BASELINE, str(path), str(base_links)]
        )
        base_precision, base_recall, base_found = quality(base_links, truth)
        print(
            f"Splink baseline: {base_seconds:.1f} s, peak RSS {base_peak:.2f} GB, "
            f"{base_found:,} pairs >= 0.5, precision {base_precision:.4f}, "
            f"recall {base_recall:.4f}"
        )
        print(
            f"ratio match-people / Splink: time {seconds / base_seconds:.2f}, "
            f"memory {peak / base_peak:.2f}"
        )


if __name__ == "__main__":
    main()
