"""The conversation on a case: internal notes between the mission's staff."""

from django.conf import settings
from django.db import models

from legion.cases.models import Case, Document
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
        indexes = [
            models.Index(fields=["case", "created_at"], name="message_case_time"),
            # The queue's "applicant replied": the few messages still unanswered.
            models.Index(
                fields=["case"],
                name="message_unanswered",
                condition=models.Q(sender="applicant", handled_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"message from the {self.sender} on case {self.case_id}"


class InformationRequest(models.Model):
    """The mission asks the applicant for a named document or an answer, by a date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information_requests")
    question = EncryptedTextField()
    # Blank: an answer is wanted; otherwise the kind of document.
    document_kind = models.CharField(max_length=20, blank=True, choices=Document.Kind)
    due_on = models.DateField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["answered_at", "due_on"], name="rfi_open_due"),
            # The queue's "waiting for the applicant": the open requests only.
            models.Index(
                fields=["case"], name="rfi_open_case", condition=models.Q(answered_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"request for information on case {self.case_id}"
