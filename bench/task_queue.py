"""Which task queue for several nodes: the database queue (django-tasks-db, the embedded
default, the baseline), Redis streams (django-tasks-redis) or Celery on a Redis broker
(django-tasks-celery), all behind Django's tasks framework.

    .venv/bin/python bench/task_queue.py --db postgres://postgres@127.0.0.1:5432/legion_bench \
        --redis redis://127.0.0.1:6379/8 --count 2000

For each queue, in turn and under the same load:
1. enqueue: a child process enqueues `--count` tasks one by one, as requests do (each
   `enqueue` is what a request pays), and reports the mean and p95 time of one;
2. drain: one worker process (`legion worker`, or `celery worker --pool solo` for Celery)
   runs them; the time from its start until the last task has run gives tasks per second.
The task adds one to a Redis counter, so completion is counted the same way for all.
Bounded: loopback only, at most 20,000 tasks per queue, 300 s per drain.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
COUNTER = "legion-bench:tasks-done"
QUEUES = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "redis",
    "celery": "django_tasks_celery.CeleryBackend",
}


def environment(queue: str, args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.db,
        REDIS_URL=args.redis,
        LEGION_TASK_BACKEND=QUEUES[queue],
        LEGION_BENCH_REDIS=args.redis,
        DJANGO_SETTINGS_MODULE="legion.settings",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="ERROR",
    )
    return env


def enqueue_here(count: int) -> None:
    """Child: enqueue `count` tasks, print the time each took (seconds) as JSON."""
    import django

    django.setup()
    if "Celery" in os.environ["LEGION_TASK_BACKEND"]:
        from bench.task_queue_celery import app

        app.set_default()
    from bench.task_queue_tasks import count_done

    times = []
    for number in range(count):
        started = time.perf_counter()
        count_done.enqueue(number)
        times.append(time.perf_counter() - started)
    print(json.dumps(times))


def worker_command(queue: str) -> list[str]:
    if queue == "celery":
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bench.task_queue_celery",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "ERROR",
            "--without-gossip",
            "--without-mingle",
        ]
    return [str(ROOT / ".venv" / "bin" / "legion"), "worker", "--interval", "0.1"]


def run_queue(queue: str, args: argparse.Namespace, counter: redis.Redis) -> dict:
    env = environment(queue, args)
    counter.flushdb()
    started = time.perf_counter()
    child = subprocess.run(  # noqa: S603 (our interpreter, our script)
        [sys.executable, __file__, "--enqueue", str(args.count)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    enqueue_wall = time.perf_counter() - started
    times = json.loads(child.stdout.strip().splitlines()[-1])
    log = (ROOT / "var" / f"bench-task-queue-{queue}.log").open("wb")
    worker = subprocess.Popen(  # noqa: S603 (our worker command)
        worker_command(queue),
        env=env,
        cwd=ROOT,
        # Workers log every task: to a file, never to a pipe nobody reads (it fills, and
        # the worker blocks on its next line).
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    started = time.perf_counter()
    try:
        while int(counter.get(COUNTER) or 0) < args.count:
            if time.perf_counter() - started > 300:
                raise SystemExit(f"{queue}: drain took over 300 s")
            if worker.poll() is not None:
                raise SystemExit(f"{queue}: worker exited (see {log.name})")
            time.sleep(0.05)
        drain = time.perf_counter() - started
    finally:
        # Measured already: no graceful stop to wait for.
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        log.close()
    times.sort()
    return {
        "queue": queue,
        "enqueue_mean_ms": statistics.mean(times) * 1000,
        "enqueue_p95_ms": times[int(len(times) * 0.95)] * 1000,
        "enqueue_wall_s": enqueue_wall,
        "drain_s": drain,
        "tasks_per_s": args.count / drain,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/legion_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--queues", default="database,redis,celery")
    parser.add_argument("--enqueue", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.enqueue is not None:
        enqueue_here(args.enqueue)
        return
    if not 0 < args.count <= 20_000:
        raise SystemExit("--count must be 1..20000")
    for url in (args.db, args.redis):
        if "127.0.0.1" not in url and "localhost" not in url:
            raise SystemExit("loopback only")
    env = environment("database", args)
    subprocess.run(  # noqa: S603 (our legion command)
        [str(ROOT / ".venv" / "bin" / "legion"), "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    counter = redis.Redis.from_url(args.redis)
    print(f"load average at start: {os.getloadavg()[0]:.1f}; {args.count} tasks per queue")
    results = [run_queue(queue, args, counter) for queue in args.queues.split(",")]
    baseline = results[0]
    print("| queue | enqueue mean | enqueue p95 | drain (1 worker) | tasks/s | ratio |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['queue']} | {r['enqueue_mean_ms']:.2f} ms | {r['enqueue_p95_ms']:.2f} ms "
            f"| {r['drain_s']:.1f} s | {r['tasks_per_s']:.0f} "
            f"| {r['tasks_per_s'] / baseline['tasks_per_s']:.2f} |"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
