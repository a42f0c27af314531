"""The task bench/task_queue.py queues: it counts itself done in Redis, nothing else."""

import os
from functools import cache

import redis
from django.tasks import task


@cache
def _counter() -> redis.Redis:
    return redis.Redis.from_url(os.environ["LEGION_BENCH_REDIS"])


@task
def count_done(number: int) -> int:
    _counter().incr("legion-bench:tasks-done")
    return number
