"""Legal advisories per nationality, the risk notice shown to all, and acknowledgements."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Stance(models.TextChoices):
    PERMITTED = "permitted", _("Permitted")
    INDIVIDUAL_DECISION = "individual_decision", _("Individual decision")
    WARNED = "warned", _("Warned: legal consequences possible")
    DISCOURAGED = "discouraged", _("Discouraged")
    CONFLICTING = "conflicting", _("Conflicting statements")
    NO_POSITION = "no_position", _("No position recorded")


class Advisory(models.Model):
    """What a government has said about its nationals joining the legion.

    An advisory with no nationality is the risk notice shown to every applicant
    (e.g. that captured foreign volunteers may be denied prisoner-of-war status).
    """

    nationality = CountryField(blank=True, unique=True)
    stance = models.CharField(max_length=30, choices=Stance, default=Stance.NO_POSITION)
    source = models.CharField(max_length=300, help_text="Who said it, and where.")
    source_url = models.URLField(blank=True)
    reviewed_on = models.DateField(help_text="When the text was last checked against sources.")
    # Bumped whenever a text changes, so an acknowledgement names what was read.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "advisories"
        ordering = ["nationality"]

    def __str__(self) -> str:
        return str(self.nationality.name) if self.nationality else "Risk notice (all nationalities)"

    @property
    def is_risk_notice(self) -> bool:
        return not self.nationality


class AdvisoryText(models.Model):
    advisory = models.ForeignKey(Advisory, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["advisory", "language"], name="advisory_text_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.advisory} [{self.language}]"


class Acknowledgement(models.Model):
    """An applicant's explicit acknowledgement of the exact advisory text they were shown."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="acknowledgements"
    )
    advisory = models.ForeignKey(
        Advisory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nationality = CountryField(blank=True)
    stance = models.CharField(max_length=30, choices=Stance)
    advisory_version = models.PositiveIntegerField()
    language = models.CharField(max_length=10)
    text = models.TextField(help_text="The text shown, kept verbatim.")
    text_sha256 = models.CharField(max_length=64)
    acknowledged_at = models.DateTimeField(auto_now_add=True)
    # The staff member who read the text out to the applicant (an application taken by
    # phone, e-mail, in person or from a spreadsheet); empty when the applicant read it.
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["acknowledged_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.nationality or 'risk notice'} v{self.advisory_version}"
