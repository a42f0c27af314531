"""`legion worker`: the task worker (e-mails, screening batches, retention) that runs
beside `legion serve`. Today the database backend's worker (django-tasks-db); the
same command will run whichever backend TASKS configures."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


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
        call_command(
            "db_worker",
            interval=options["interval"],
            queue_name=options["queue_name"],
            batch=options["batch"],
            reload=False,
            verbosity=options["verbosity"],
        )
