"""Tasks of the conversation: thin, they call the service. The reminder task books its
own next run; `legion worker` books the first one when none is waiting."""

import datetime as dt

from django.tasks import task, task_backends
from django.utils import timezone

from legion.conversation.services import information_requests_remind

REMINDER_INTERVAL = dt.timedelta(hours=24)


@task
def remind_information_requests() -> int:
    """Daily: remind applicants of requests for information due soon, then book the
    next run."""
    reminded = information_requests_remind()
    reminders_schedule(delay=REMINDER_INTERVAL)
    return reminded


def reminders_schedule(*, delay: dt.timedelta | None = None) -> None:
    """Book a reminder run (now, or after `delay` if the task backend can defer)."""
    backend = task_backends[remind_information_requests.backend]
    if delay and not backend.supports_defer:
        return
    when = timezone.now() + delay if delay else None
    remind_information_requests.using(run_after=when).enqueue()


def reminders_ensure_scheduled() -> bool:
    """Book a reminder run unless the database queue already holds one; True if booked.
    Two workers starting at once may book two chains: harmless, because each request is
    claimed once (`reminded_at`) however often the service runs."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends[remind_information_requests.backend]
    if isinstance(backend, DatabaseBackend):
        waiting = DBTaskResult.objects.filter(
            task_path=remind_information_requests.module_path, status="READY"
        )
        if waiting.exists():
            return False
    reminders_schedule()
    return True
