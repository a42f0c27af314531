"""The tamper-evident audit log and break-the-glass grants.

An AuditEntry holds no foreign keys and no personal data: actors, cases and missions
are copied in as plain values, so deleting a user or erasing an applicant never
changes a row and never breaks the chain. Each row's `hash` is an HMAC (keyed with
LEGION_AUDIT_KEY, which is not in the database) over its content and the previous
row's hash, so altering, inserting or deleting a row shows up in `legion audit-verify`.
"""

from django.conf import settings
from django.db import models


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("The audit log is append-only")

    def delete(self):
        raise ValueError("The audit log is append-only")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=60, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    case_reference = models.CharField(max_length=20, blank=True)
    mission_code = models.CharField(max_length=40, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The audit log is append-only")


class BreakGlassGrant(models.Model):
    """HQ security opened a case outside its scope, for a stated reason, until a time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_label = models.CharField(max_length=150)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_label} → {self.case_id} until {self.expires_at:%Y-%m-%d %H:%M}"
