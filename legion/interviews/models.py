"""Interview slots, bookings and the two signed assessments (attaché and consul)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InterviewSlot(models.Model):
    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.PROTECT, related_name="interview_slots"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, help_text="Room and address at the mission.")
    capacity = models.PositiveSmallIntegerField(default=1)
    # Languages the panel can hold this interview in; empty means the mission's languages.
    languages = models.JSONField(default=list, blank=True)
    is_cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["mission", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="slot_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="slot_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.mission.code} {self.starts_at:%Y-%m-%d %H:%M}"


class Interview(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="interviews")
    slot = models.ForeignKey(InterviewSlot, on_delete=models.PROTECT, related_name="interviews")
    status = models.CharField(max_length=10, choices=Status, default=Status.BOOKED)
    language = models.CharField(max_length=10, default="en")
    booked_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-booked_at"]
        constraints = [
            # A case has at most one live (booked or held) interview at a time.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=["booked", "held"]),
                name="interview_one_live_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} at {self.slot}"


class Assessment(models.Model):
    """One interviewer's signed assessment. The attaché judges military suitability,
    the consul identity and the visa; `interviewed` needs both."""

    class Kind(models.TextChoices):
        MILITARY = "military", _("Military suitability (defence attaché)")
        CONSULAR = "consular", _("Identity and visa (consul)")

    class Suitability(models.TextChoices):
        SUITABLE = "suitable", _("Suitable")
        SUITABLE_WITH_TRAINING = "suitable_with_training", _("Suitable after short training")
        NOT_SUITABLE = "not_suitable", _("Not suitable")

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=10, choices=Kind)
    favourable = models.BooleanField()
    # Military assessment.
    suitability = models.CharField(max_length=30, choices=Suitability, blank=True)
    recommended_role = models.CharField(max_length=100, blank=True)
    # Consular assessment.
    identity_confirmed = models.BooleanField(null=True, blank=True)
    language_ok = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_by_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interview", "kind"], name="assessment_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.interview}"
