"""Keys of requests that may be retried: the first outcome, to give again to a retry."""

from django.db import models

from legion.crypto import EncryptedTextField


class IdempotencyKey(models.Model):
    """One retryable request: who sent it (`owner`), its key, a fingerprint of what it
    asked, and the outcome it got. The outcome may hold personal data (a case as the API
    returned it), so it is sealed like passport numbers."""

    owner = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    outcome = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key[:12]}"
