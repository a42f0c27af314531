"""The Celery app of bench/task_queue.py: a Redis broker, no result store (Legion reads
no task results), Django's tasks registered on it by django-tasks-celery."""

import os

import django
from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legion.settings")
django.setup()

app = Celery("legion-bench", broker=os.environ["LEGION_BENCH_REDIS"])
app.conf.task_ignore_result = True
app.conf.broker_connection_retry_on_startup = True
app.set_default()

import bench.task_queue_tasks  # noqa: E402, F401  (registers the task with this app)
