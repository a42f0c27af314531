"""`legion worker`: the task worker. It first queues again every outbox message a
previous worker left undelivered (killed mid-attempt, or its task lost), then runs
django-tasks-db's worker with the same options as `legion db_worker`."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from legion.outbox.services import outbox_recover


class Command(DbWorkerCommand):
    help = "Run the task worker (outbox deliveries, reminders); recovers the outbox first."

    def handle(self, *args, **options) -> None:
        recovered = outbox_recover()
        if recovered:
            self.stderr.write(f"Outbox: {recovered} undelivered message(s) queued again.")
        super().handle(*args, **options)
