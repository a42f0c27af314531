"""Identity integrity: duplicate candidates across missions and watch-list hits.

Both are review items for HQ security; nothing is merged or rejected automatically.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from legion.crypto import EncryptedJSONField


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class ReviewDecision(models.Model):
    """Fields shared by both kinds of review item."""

    score = models.FloatField()
    # Per-field comparison: {"surname": {"level": "phonetic", "weight": 3.2, ...}, ...};
    # never the values compared (people.review_explanation): the page reads those from
    # the records.
    explanation = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=ReviewStatus, default=ReviewStatus.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class DuplicateCandidate(ReviewDecision):
    """Two cases that may be the same person; `case` is the newer one."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="duplicate_candidates"
    )
    other_case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["case", "other_case"], name="duplicate_pair_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.other_case_id} ({self.score:.2f})"


class WatchlistEntry(models.Model):
    """A person on an imported watch list (FollowTheMoney entity or CSV row)."""

    source = models.CharField(max_length=100)
    entity_id = models.CharField(max_length=200)
    schema = models.CharField(max_length=40, default="Person")
    caption = models.CharField(max_length=300)
    properties = models.JSONField(default=dict)
    imported_at = models.DateTimeField(auto_now=True)
    # False once a later import of the same source no longer lists the person: such
    # entries stop screening, but their past hits stay for the record.
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "entity_id"], name="watchlist_entity_once")
        ]

    def __str__(self) -> str:
        return f"{self.caption} ({self.source})"


class WatchlistHit(ReviewDecision):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="watchlist_hits")
    entry = models.ForeignKey(WatchlistEntry, on_delete=models.CASCADE, related_name="hits")

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["case", "entry"], name="watchlist_hit_once")]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.entry} ({self.score:.2f})"


class ApplicantFeatures(models.Model):
    """Normalised matching features of a submitted applicant (names in every known
    romanisation, phonetic keys, date of birth, home address), sealed; never the passport
    number, which stays encrypted on the applicant and is opened only to compare
    candidates."""

    applicant = models.OneToOneField(
        "cases.Applicant",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="identity_features",
    )
    # Sealed: normalised names, birth date and home are as telling as the applicant's own
    # record (the home is sealed there). Opened only to score a candidate.
    variants = EncryptedJSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "applicant features"

    def __str__(self) -> str:
        return f"features of applicant {self.applicant_id}"


class IdentityKey(models.Model):
    """One blocking key of an applicant or a watch-list entry: records that share a key
    are compared. Stored as "<rule>:<keyed hash>" (a blind index of the whole key, see
    people.identity_key_hasher): the index holds no name, birth date, home or number."""

    key = models.CharField(max_length=80)
    applicant = models.ForeignKey(
        "cases.Applicant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="identity_keys",
    )
    entry = models.ForeignKey(
        WatchlistEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="keys"
    )

    class Meta:
        indexes = [models.Index(fields=["key", "applicant"], name="identity_key_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(applicant__isnull=True, entry__isnull=False)
                | models.Q(applicant__isnull=False, entry__isnull=True),
                name="identity_key_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.key
