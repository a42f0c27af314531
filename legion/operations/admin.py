from django.contrib import admin

from legion.operations.models import ScheduledJob


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    """Administrators see every job's last run, next run and status; they may switch a
    job off or move its next run (to now, to run it at the next tick)."""

    list_display = (
        "name",
        "enabled",
        "status",
        "last_started_at",
        "last_finished_at",
        "next_run_at",
        "failures",
        "last_error",
        "runs",
    )
    list_filter = ("status", "enabled")
    fields = (
        "name",
        "enabled",
        "interval_seconds",
        "next_run_at",
        "status",
        "last_started_at",
        "last_finished_at",
        "last_succeeded_at",
        "failures",
        "last_error",
        "last_result",
        "runs",
    )
    readonly_fields = tuple(f for f in fields if f not in ("enabled", "next_run_at"))

    def has_add_permission(self, request) -> bool:
        return False  # the jobs are the code's (legion.operations.scheduler.JOBS)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
