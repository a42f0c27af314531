"""Scheduled jobs: one row per job, the schedule and what happened at its last run."""

from django.db import models


class ScheduledJob(models.Model):
    """A job the task workers run on a schedule (retention, re-screening, reminders, ...).

    The row is the job's lock and its record: a worker claims a due job by locking the
    row and moving `next_run_at` on (so no other worker claims the same run), and the
    run writes its outcome here for administrators to see."""

    class Status(models.TextChoices):
        NEVER = "never", "never run"
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        SUCCEEDED = "succeeded", "succeeded"
        FAILED = "failed", "failed (will be retried)"
        SKIPPED = "skipped", "skipped (already running elsewhere)"

    name = models.CharField(max_length=60, unique=True)
    enabled = models.BooleanField(default=True)
    interval_seconds = models.PositiveIntegerField()
    next_run_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status, default=Status.NEVER)
    # While set, a run is queued or running; a claim older than the lease is a lost run.
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_succeeded_at = models.DateTimeField(null=True, blank=True)
    # Consecutive failures; 0 after a success. The error is its class and a short text.
    failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    last_result = models.CharField(max_length=300, blank=True)
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["enabled", "next_run_at"], name="scheduled_job_due")]

    def __str__(self) -> str:
        return self.name
