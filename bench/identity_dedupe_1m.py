"""Deduplicating a million person records with `legion match-people` (time and memory).

    .venv/bin/python bench/identity_dedupe_1m.py [--records 1000000] [--baseline]

Writes bench/out/people-<n>.csv (Legion's synthetic applicants: the 2022 nationality
mix, names in several scripts, ~30% of people with a second or third record carrying
typos, other romanisations, swapped fields, new passports, plus hard negatives), then
runs `legion match-people FILE --out links.csv -v 2` in a child process and reports
its wall time, CPU time, peak memory (the process and any children) and
precision/recall against the generator's truth, and the time of each phase as the
command itself reports it.

With --baseline it then runs plain Splink 5 on DuckDB on the same file in another
child process (a conventional model on the raw columns, trained as Splink's examples
do; see SPLINK_BASELINE), so that the ratio is measured in the same run on the same
machine under the same load. CPU time is reported because other engineers share the
two cores: wall time alone says as much about their work as about ours.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

# Plain Splink 5 on DuckDB, configured as Splink's own examples configure a person
# dedupe (docs/demos/examples/duckdb: febrl3, deduplicate_50k_synthetic): the raw
# columns, four blocking rules for prediction, the prior from deterministic rules, u
# from random sampling (max_pairs 1e7, as in the 50k example), m by EM on names and on
# date of birth. At a million records those two EM blocks hold 11.5 and 30.8 million
# pairs, so each EM pass is sampled to about 1e6 pairs with Splink 5's `max_pairs`
# (1e7 per pass took 290 s of CPU; EM on `surname` alone, 714 million pairs, is what
# ran for 40 minutes before). DuckDB keeps its default memory limit (80% of RAM)
# unless LEGION_BASELINE_MEMORY is set.
SPLINK_BASELINE = r"""
import os, sys, time
import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
def phase(name, started):
    cpu = time.process_time() - started[1]
    print(f"phase {name}: {time.perf_counter() - started[0]:.2f} s, CPU {cpu:.2f} s",
          file=sys.stderr, flush=True)
    return (time.perf_counter(), time.process_time())
started = (time.perf_counter(), time.process_time())
con = duckdb.connect()
con.execute("SET threads = 2")
if os.environ.get("LEGION_BASELINE_MEMORY"):
    con.execute(f"SET memory_limit = '{os.environ['LEGION_BASELINE_MEMORY']}'")
con.execute(f"CREATE TABLE people AS SELECT * FROM read_csv('{sys.argv[1]}', all_varchar=true)")
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
started = phase("read", started)
linker.training.estimate_probability_two_random_records_match(
    [block_on("passport_number"), block_on("given_name", "surname", "date_of_birth")], recall=0.7)
started = phase("train: prior from deterministic rules", started)
linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
started = phase("train: u by random sampling", started)
linker.training.estimate_parameters_using_expectation_maximisation(
    block_on("given_name", "surname"), estimate_without_term_frequencies=True, max_pairs=1e6)
started = phase("train: m by EM on names", started)
linker.training.estimate_parameters_using_expectation_maximisation(
    block_on("date_of_birth"), estimate_without_term_frequencies=True, max_pairs=1e6)
started = phase("train: m by EM on date of birth", started)
predictions = linker.inference.predict(threshold_match_probability=0.5)
con.execute(f"COPY (SELECT least(id_l, id_r) AS id_a, "
            f"greatest(id_l, id_r) AS id_b, match_probability AS score "
            f"FROM {predictions.physical_name} ORDER BY score DESC) TO '{sys.argv[2]}' (HEADER)")
phase("predict and write", started)
"""


def make_set(records: int) -> tuple[Path, Path]:
    from devtools.synthetic import people, write_csv

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


@dataclass
class Run:
    seconds: float  # wall time of the child process
    peak_gb: float  # peak resident memory of it and its children
    cpu_seconds: float  # user + system CPU of it and its children
    phases: list[str]  # "phase NAME: S s, CPU C s" lines it printed


def timed_child(
    command: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Run:
    """Run a command and measure it: wall time; peak resident memory, the larger of
    the kernel's maximum for the process (exact) and the sum over the process tree
    sampled every 0.1 s (children included); CPU time from the kernel. Its stderr goes
    to `log`, and the phase lines in it are returned."""
    started = time.perf_counter()
    with log.open("w") as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)  # noqa: S603
        peak = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss_kb(child.pid))
            time.sleep(0.1)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code:
        raise subprocess.CalledProcessError(code, command, stderr=log.read_text()[-2000:])
    peak = max(peak, usage.ru_maxrss)  # kilobytes on Linux
    phases = [line for line in log.read_text().splitlines() if line.startswith("phase ")]
    return Run(seconds, peak / 1024 / 1024, usage.ru_utime + usage.ru_stime, phases)


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
    parser.add_argument("--baseline", action="store_true", help="also run plain Splink")
    parser.add_argument(
        "--before",
        type=Path,
        metavar="DIR",
        help="also run match-people from the legion package in DIR, an earlier version "
        "(git archive COMMIT legion | tar -x -C DIR), for a before/after ratio",
    )
    args = parser.parse_args()
    path, truth = make_set(args.records)
    legion = str(Path(sys.executable).parent / "legion")
    started = dt.datetime.now(dt.UTC).strftime("%d %b %Y, %H:%M UTC")
    load = os.getloadavg()
    print(
        f"{args.records:,} records, {started}, {os.cpu_count()} cores, load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) at start"
    )
    links = OUT / "links-legion.csv"
    ours = timed_child(
        [legion, "match-people", str(path), "--out", str(links), "--no-progress", "-v", "2"],
        OUT / "match-people.log",
    )
    runs = [("match-people", ours, quality(links, truth))]
    if args.before:
        old_links = OUT / "links-before.csv"
        # The earlier package shadows this tree's editable install on sys.path (from
        # its own directory: `python -c` puts the working directory first).
        code = "import sys; from legion.cli import main; sys.argv[0] = 'legion'; main()"
        command = [sys.executable, "-c", code, "match-people", str(path)]
        old = timed_child(
            [*command, "--out", str(old_links), "--no-progress"],
            OUT / "match-people-before.log",
            env={**os.environ, "PYTHONPATH": str(args.before.resolve())},
            cwd=args.before,
        )
        runs.append((f"match-people before ({args.before.name})", old, quality(old_links, truth)))
    if args.baseline:
        base_links = OUT / "links-splink.csv"
        base = timed_child(
            [sys.executable, "-c", SPLINK_BASELINE, str(path), str(base_links)],
            OUT / "splink.log",
        )
        runs.append(("plain Splink 5 + DuckDB", base, quality(base_links, truth)))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print()
    print(
        "| run | wall time | CPU time | peak memory | pairs >= 0.5 | precision | recall "
        "| time ratio | memory ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    reference = runs[-1][1]
    for name, run, (precision, recall, found) in runs:
        print(
            f"| {name} | {run.seconds:.1f} s | {run.cpu_seconds:.1f} s | {run.peak_gb:.2f} GB "
            f"| {found:,} | {precision:.4f} | {recall:.4f} "
            f"| {run.seconds / reference.seconds:.2f} | {run.peak_gb / reference.peak_gb:.2f} |"
        )
    print()
    print("The last row is the reference of the ratios.")
    for name, run, _quality in runs[1:]:
        print(
            f"match-people / {name}: wall time {ours.seconds / run.seconds:.2f}, "
            f"CPU time {ours.cpu_seconds / run.cpu_seconds:.2f}, "
            f"memory {ours.peak_gb / run.peak_gb:.2f}"
        )
    for name, run, _quality in runs:
        if not run.phases:
            continue
        print()
        print(f"{name}, by phase:")
        for line in run.phases:
            print(f"    {line}")


if __name__ == "__main__":
    main()
