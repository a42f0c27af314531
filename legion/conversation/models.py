"""The conversation on a case: internal notes between the mission's staff."""

from django.conf import settings
from django.db import models

from legion.cases.models import Case
from legion.crypto import EncryptedTextField


class CaseNote(models.Model):
    """A note staff of the mission write on a case. Never shown to the applicant."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the staff account is removed: who wrote it stays readable.
    author_label = models.CharField(max_length=150)
    body = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"], name="note_case_time")]

    def __str__(self) -> str:
        return f"note by {self.author_label} on case {self.case_id}"


class CaseMessage(models.Model):
    """A message between the applicant and the mission, shown to both."""

    class Sender(models.TextChoices):
        APPLICANT = "applicant", "applicant"
        MISSION = "mission", "mission"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=Sender)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=150)
    body = EncryptedTextField()
    # An attachment is a document of the case, through the same upload checks.
    document = models.ForeignKey(
        "cases.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the mission has answered or read it: the queue's "applicant replied".
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"], name="message_case_time")]

    def __str__(self) -> str:
        return f"message from the {self.sender} on case {self.case_id}"
