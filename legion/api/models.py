"""API tokens for staff integrations. Only a hash of each token is stored."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TokenScope(models.TextChoices):
    READ = "read", "read-only"
    READ_WRITE = "read_write", "read-write"


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for.")
    # The first characters of the token, so people can tell tokens apart.
    prefix = models.CharField(max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    # Read-only tokens are refused every write (403 read_only_token), whatever their
    # user's role would allow.
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    # Every token ends: after this moment it is refused (401 token_expired).
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user}, {self.name})"

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "live"

    def audit_label(self) -> dict:
        """What the audit log records of the token that acted (no secret)."""
        return {"id": self.pk, "prefix": self.prefix, "name": self.name, "scope": self.scope}


class ApplicantApiToken(models.Model):
    """An applicant's access to their own case through the API, given in exchange for a
    one-time link or code (or on starting a draft). Only its hash is stored; it ends
    after the portal's idle time without use, like a portal session."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="applicant_api_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"applicant access to case {self.case_id}"
