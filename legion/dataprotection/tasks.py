"""The retention policy as a scheduled task: it runs, then books its next run a day later
(`legion retention --schedule` books the first; the database task worker runs them)."""

import datetime as dt

from django.conf import settings
from django.tasks import task, task_backends
from django.utils import timezone

from legion.dataprotection.erasure import retention_apply


def retention_schedule(*, delay: dt.timedelta | None = None) -> None:
    """Book the next retention run (now, or after `delay`), if the task backend can defer."""
    backend = task_backends[retention_run.backend]
    if delay and not backend.supports_defer:
        return
    when = timezone.now() + delay if delay else None
    retention_run.using(run_after=when).enqueue()


@task
def retention_run() -> list[str]:
    """Erase the cases past their retention period, then book tomorrow's run."""
    erased = retention_apply()
    retention_schedule(delay=dt.timedelta(hours=settings.LEGION_RETENTION_INTERVAL_HOURS))
    return erased
