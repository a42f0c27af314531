"""Case exports: one row per export a staff member asked for, and its file (sealed at
rest like documents) until the download link expires."""

import uuid

from django.conf import settings
from django.db import models

from legion.cases.models import document_storage


def export_upload_to(instance: "CaseExport", filename: str) -> str:
    # A random name: the file name says nothing about the mission or the filters.
    return f"exports/{instance.pk}"


class CaseExport(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Status(models.TextChoices):
        PENDING = "pending", "being prepared"
        READY = "ready", "ready"
        FAILED = "failed", "failed"
        EXPIRED = "expired", "expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_exports"
    )
    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="+")
    # The queue's filters as its query string has them (the search text included: it is
    # the user's own, shown only to them; the audit log records the filters without it).
    filters = models.JSONField(default=dict)
    format = models.CharField(max_length=4, choices=Format)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    columns = models.JSONField(default=list)
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_upload_to, storage=document_storage, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["status", "expires_at"], name="export_expiry")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.get_status_display()})"
