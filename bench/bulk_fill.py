"""The bulk fill (`legion demo --bulk`) in one process against several, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/legion_wave_fill \
        .venv/bin/python bench/bulk_fill.py --cases 50000 --rounds 2 --processes 2

Needs a migrated PostgreSQL database (the demo configuration is loaded if missing; cases
already there stay). Each round adds `--cases` cases with one process, then the same
number with `--processes`, so both see the same load on a shared machine; it prints wall
time, cases per second, CPU time of this process and its children (Python) and of the
PostgreSQL server's backends over the fill, and the ratio of the wall times.
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

import psutil  # noqa: E402
from django.db import connection  # noqa: E402

from legion.demo.bulk import cases_bulk_generate  # noqa: E402
from legion.demo.setup import demo_configure  # noqa: E402
from legion.missions.models import Mission  # noqa: E402


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process so far (the backends of the fill among them)."""
    total = 0.0
    for process in psutil.process_iter(["name"]):
        if process.info["name"] in ("postgres", "postmaster"):
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
    return total


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def fill(cases: int, processes: int, seed: int) -> dict:
    connection.close()
    cpu, pg, start = own_cpu(), postgres_cpu(), time.perf_counter()
    cases_bulk_generate(count=cases, seed=seed, processes=processes)
    wall = time.perf_counter() - start
    return {
        "processes": processes,
        "wall": wall,
        "rate": cases / wall,
        "python_cpu": own_cpu() - cpu,
        "postgres_cpu": postgres_cpu() - pg,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bulk_fill.py measures PostgreSQL fills: set DATABASE_URL")
    if not 1 <= args.cases <= 1_000_000 or not 1 <= args.rounds <= 5:
        sys.exit("--cases 1..1,000,000 and --rounds 1..5")
    if not Mission.objects.exists():
        demo_configure()
    print(f"load before {os.getloadavg()}")
    runs = []
    for number in range(args.rounds):
        for processes in (1, args.processes):
            run = fill(args.cases, processes, seed=1000 + 10 * number + processes)
            runs.append(run)
            print(
                f"{args.cases:,} cases, {processes} process(es): {run['wall']:.1f} s wall, "
                f"{run['rate']:.0f} cases/s, Python CPU {run['python_cpu']:.1f} s, "
                f"PostgreSQL CPU {run['postgres_cpu']:.1f} s, load {os.getloadavg()[0]:.1f}"
            )
    one = statistics.mean(r["wall"] for r in runs if r["processes"] == 1)
    many = statistics.mean(r["wall"] for r in runs if r["processes"] == args.processes)
    per_case = statistics.mean(
        (r["python_cpu"] + r["postgres_cpu"]) / args.cases * 1000 for r in runs
    )
    print(
        f"wall time {args.processes} processes / 1 process: {many / one:.2f}; "
        f"CPU per case (Python + PostgreSQL): {per_case:.2f} ms; "
        f"so a million takes at least {per_case * 1000 / 2 / 60:.1f} min of two whole cores"
    )
    print(f"load after {os.getloadavg()}")


if __name__ == "__main__":
    main()
