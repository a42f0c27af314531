"""Scheduled work on the task worker: retention, re-screening after watch-list updates,
outbox retries, reminders and the weekly report.

Every `legion worker` ticks the scheduler (a thread beside its task loop). A tick claims
the due jobs: in one transaction it locks their rows (skipping rows another worker holds),
moves each one's next run on and marks it queued, and queues one `scheduled_job_run`
task per job after the commit. Two workers ticking at the same moment therefore queue a
run once: the second finds the rows locked or no longer due. The run itself holds the
job's shared lock too (legion.operations.locks), so a run that outlives its interval
never overlaps the next one.

A failing run is recorded (status, error class, consecutive failures), logged at ERROR
and shown in the admin and /metrics, and retried after a back-off (a minute, doubling,
at most the job's interval). Administrators see last run, next run and status in the
admin (Operations › Scheduled jobs), where they can switch a job off or move its next
run to now.
"""

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from legion.operations.locks import LockHeld, shared_lock
from legion.operations.models import ScheduledJob

logger = logging.getLogger("legion.operations.scheduler")

RETRY_SECONDS = 60
# A claim older than this is a run that was lost (its worker died before it started).
CLAIM_LEASE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[], object]
    doc: str


def _retention() -> object:
    from legion.dataprotection.erasure import retention_apply

    return len(retention_apply())


def _rescreening() -> object:
    from legion.operations.jobs import watchlists_rescreen_changed

    return watchlists_rescreen_changed()


def _outbox_retries() -> object:
    from legion.operations.jobs import outbox_overdue_requeue

    return outbox_overdue_requeue()


def _reminders() -> object:
    from legion.conversation.services import information_requests_remind

    return information_requests_remind()


def _weekly_report() -> object:
    from legion.operations.jobs import weekly_report_send

    return weekly_report_send()


def jobs() -> dict[str, Job]:
    """The jobs, by name (intervals from the settings)."""
    hours = dt.timedelta(hours=1)
    return {
        job.name: job
        for job in (
            Job(
                "retention",
                settings.LEGION_RETENTION_INTERVAL_HOURS * hours,
                _retention,
                "erase cases past their retention period",
            ),
            Job(
                "rescreening",
                dt.timedelta(minutes=15),
                _rescreening,
                "screen open cases against watch-list entries changed since the last run",
            ),
            Job(
                "outbox_retries",
                dt.timedelta(minutes=5),
                _outbox_retries,
                "queue again the messages whose delivery is overdue",
            ),
            Job("reminders", 24 * hours, _reminders, "remind applicants of requests due soon"),
            Job(
                "weekly_report",
                7 * 24 * hours,
                _weekly_report,
                "e-mail the week's figures (aggregates only) to the administrators",
            ),
        )
    }


def scheduled_jobs_ensure() -> None:
    """A row for every job of the code (new ones due now); intervals follow the code."""
    now = timezone.now()
    for job in jobs().values():
        ScheduledJob.objects.get_or_create(
            name=job.name,
            defaults={"interval_seconds": int(job.every.total_seconds()), "next_run_at": now},
        )
        ScheduledJob.objects.filter(name=job.name).exclude(
            interval_seconds=int(job.every.total_seconds())
        ).update(interval_seconds=int(job.every.total_seconds()))


def scheduler_tick(*, now: dt.datetime | None = None) -> list[str]:
    """Claim every due job and queue its run; the names claimed by this tick."""
    now = now or timezone.now()
    claimed = []
    with transaction.atomic():
        due = (
            ScheduledJob.objects.select_for_update(skip_locked=True)
            .filter(enabled=True, next_run_at__lte=now)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
            .order_by("name")
        )
        for job in due:
            job.claimed_at = now
            job.status = ScheduledJob.Status.QUEUED
            job.next_run_at = now + dt.timedelta(seconds=job.interval_seconds)
            job.save(update_fields=["claimed_at", "status", "next_run_at"])
            claimed.append(job.name)
        for name in claimed:
            transaction.on_commit(lambda name=name: scheduled_job_run.enqueue(name))
    return claimed


def scheduled_job_execute(*, name: str) -> str:
    """Run one claimed job now and record the outcome on its row."""
    job = jobs().get(name)
    if job is None:
        ScheduledJob.objects.filter(name=name).update(claimed_at=None)
        return "unknown"
    started = timezone.now()
    ScheduledJob.objects.filter(name=name).update(
        status=ScheduledJob.Status.RUNNING, last_started_at=started
    )
    try:
        with shared_lock(f"scheduled-job:{name}", seconds=int(job.every.total_seconds()) + 60):
            result = job.run()
    except LockHeld:
        ScheduledJob.objects.filter(name=name).update(
            status=ScheduledJob.Status.SKIPPED, claimed_at=None
        )
        return "skipped"
    except Exception as exc:
        _failed(name, exc)
        return "failed"
    finished = timezone.now()
    row = ScheduledJob.objects.get(name=name)
    row.status = ScheduledJob.Status.SUCCEEDED
    row.claimed_at = None
    row.last_finished_at = row.last_succeeded_at = finished
    row.failures = 0
    row.last_error = ""
    row.last_result = str(result)[:300]
    row.runs += 1
    row.save()
    logger.info("scheduled job succeeded", extra={"job": name})
    return "succeeded"


def _failed(name: str, exc: Exception) -> None:
    """Record the failure and book the retry: a minute, doubling, at most the interval."""
    row = ScheduledJob.objects.get(name=name)
    row.failures += 1
    row.runs += 1
    row.status = ScheduledJob.Status.FAILED
    row.claimed_at = None
    row.last_finished_at = timezone.now()
    # The class and the first line only: an exception's text is not a place for data.
    row.last_error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
    retry = min(RETRY_SECONDS * 2 ** (row.failures - 1), row.interval_seconds)
    row.next_run_at = row.last_finished_at + dt.timedelta(seconds=retry)
    row.save()
    logger.error("scheduled job %s failed (%s), retry in %s s", name, type(exc).__name__, retry)


@task
def scheduled_job_run(name: str) -> str:
    """Thin: run the claimed job `name` (queued by scheduler_tick)."""
    return scheduled_job_execute(name=name)


class SchedulerThread(threading.Thread):
    """Beside a worker's task loop: a tick every `interval` seconds, for the process's life."""

    def __init__(self, *, interval: float) -> None:
        super().__init__(name="legion-scheduler", daemon=True)
        self.interval = interval

    def run(self) -> None:
        while True:
            try:
                scheduler_tick()
            except Exception:  # a database hiccup must not end the ticks
                logger.exception("scheduler tick failed")
            finally:
                close_old_connections()
            time.sleep(self.interval)
