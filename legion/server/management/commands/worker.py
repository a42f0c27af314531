"""`legion worker`: the task worker (e-mails, screening batches, retention) that runs
beside `legion serve`: the worker of whichever queue TASKS configures, the database's
(django-tasks-db) or Redis's (django-tasks-redis). At start it queues again every outbox
message a previous worker left undelivered (killed mid-attempt, or its task lost), and
ticks the scheduler of scheduled jobs every 30 seconds (legion.operations.scheduler)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.tasks import task_backends
from django_tasks_redis import RedisTaskBackend
from django_tasks_redis.management.commands.run_redis_tasks import Command as RedisWorker

from legion.operations.scheduler import SchedulerThread, scheduled_jobs_ensure, scheduler_tick
from legion.outbox.services import outbox_recover

SCHEDULER_TICK_SECONDS = 30


class Command(BaseCommand):
    help = "Run the background task worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls when idle"
        )
        parser.add_argument("--queue-name", default="*", help="queues to process ('*': all)")
        parser.add_argument(
            "--batch", action="store_true", help="process what is queued, then exit"
        )

    def handle(self, *args, **options) -> None:
        if recovered := outbox_recover():
            self.stderr.write(f"Outbox: {recovered} undelivered message(s) queued again.")
        # Scheduled jobs (retention, re-screening, outbox retries, reminders, the weekly
        # report) are claimed by a tick beside the task loop; the reminders' own chain
        # of tasks is no longer booked (the "reminders" job runs the same service).
        scheduled_jobs_ensure()
        if options["batch"]:
            scheduler_tick()
        else:
            SchedulerThread(interval=SCHEDULER_TICK_SECONDS).start()
        if isinstance(task_backends["default"], RedisTaskBackend):
            queue = options["queue_name"]
            call_command(
                RedisWorker(),
                queue_name=None if queue == "*" else queue,
                continuous=not options["batch"],
                interval=options["interval"],
                verbosity=options["verbosity"],
            )
            return
        call_command(
            "db_worker",
            interval=options["interval"],
            queue_name=options["queue_name"],
            batch=options["batch"],
            reload=False,
            verbosity=options["verbosity"],
        )
