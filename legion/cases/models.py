"""Applicants, their cases, service records, documents, decisions and the case event log."""

import secrets

from django.conf import settings
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import FSMField, FSMModelMixin

from legion.cases.states import CaseState
from legion.cases.workflow import CaseWorkflow
from legion.cldr import country_name
from legion.crypto import BlindIndexField, EncryptedTextField

# Crockford's base32 without I, L, O, U: references are read out over the phone.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A random, non-guessable case reference such as LGN-7K3M-9Q2P."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"LGN-{chars[:4]}-{chars[4:]}"


# Countries whose addresses put the postcode before the town ("10707 Berlin"); elsewhere
# it follows ("Aldershot GU11 3JX", "Fayetteville, NC 28314").
POSTCODE_BEFORE_TOWN = frozenset({
    "AM", "AR", "AT", "AZ", "BE", "BG", "BR", "BY", "CH", "CL", "CO", "CZ", "DE", "DK", "EE",
    "ES", "FI", "FR", "GE", "GR", "HR", "HU", "IL", "IS", "IT", "KZ", "LI", "LT", "LU", "LV",
    "MD", "MX", "NL", "NO", "PL", "PT", "RO", "RS", "RU", "SE", "SI", "SK", "TR", "UA",
})  # fmt: skip


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    OTHER = "X", _("Other or not stated")


class Applicant(models.Model):
    """The person behind one case. Personal data lives here so that erasure is one place."""

    given_name = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    # The name as written in the applicant's own script (Georgian, Cyrillic, Japanese...).
    native_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex, blank=True)
    place_of_birth = models.CharField(max_length=100, blank=True)
    nationality = CountryField(blank=True)
    second_nationality = CountryField(blank=True)
    passport_number = EncryptedTextField(blank=True)
    passport_number_index = BlindIndexField(source="passport_number", domain="passport")
    passport_country = CountryField(blank=True)
    passport_expiry = models.DateField(null=True, blank=True)
    # Contact details and home address are sealed like the passport number: a copied
    # database must not be a list of volunteers and where they live. E-mail and phone
    # are found through their blind indexes (the status-link request, screening).
    email = EncryptedTextField(blank=True, max_length=254, validators=[validate_email])
    email_index = BlindIndexField(source="email", domain="email", normalise="email")
    phone = EncryptedTextField(blank=True, max_length=40)
    phone_index = BlindIndexField(source="phone", domain="phone", normalise="phone")
    # Home address, as an embassy's visa form asks for it; identity matching compares the
    # street line, town and postcode. Postcodes are kept as written (formats differ by country).
    address_line_1 = EncryptedTextField(blank=True, max_length=100)  # building and street
    address_line_2 = EncryptedTextField(blank=True, max_length=100)
    address_town = EncryptedTextField(blank=True, max_length=100)  # town or city
    address_postcode = EncryptedTextField(blank=True, max_length=20)  # postcode or ZIP code
    address_country = CountryField(blank=True)  # country of residence
    # Working languages the applicant speaks, with a self-assessed level.
    languages = models.JSONField(default=list, blank=True)
    has_criminal_record = models.BooleanField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.given_name} {self.surname}".strip()

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def address_lines(self) -> list[str]:
        """The home address as it is written on an envelope: the filled-in lines only."""
        parts = (self.address_town, self.address_postcode)
        if self.address_country.code in POSTCODE_BEFORE_TOWN:
            parts = parts[::-1]
        town = " ".join(part for part in parts if part)
        lines = (
            self.address_line_1,
            self.address_line_2,
            town,
            country_name(self.address_country.code),
        )
        return [str(line) for line in lines if line]


class Case(CaseWorkflow, FSMModelMixin, models.Model):
    reference = models.CharField(max_length=20, unique=True, default=new_reference)
    mission = models.ForeignKey("missions.Mission", on_delete=models.PROTECT, related_name="cases")
    applicant = models.OneToOneField(Applicant, on_delete=models.PROTECT, related_name="case")
    state = FSMField(default=CaseState.DRAFT, choices=CaseState, protected=True, db_index=True)
    # Where an on_hold case returns to when the hold is lifted.
    held_from_state = models.CharField(max_length=30, choices=CaseState, blank=True)
    # Language the applicant uses with us: portal, e-mails, instructions.
    language = models.CharField(max_length=10, default="en")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["mission", "state", "submitted_at"]),
            models.Index(fields=["assigned_to", "state"]),
            # The queue's order (oldest or newest first, id breaking ties) within one
            # mission, read forwards or backwards: a page costs its rows, at any depth.
            models.Index(fields=["mission", "submitted_at", "id"], name="case_mission_submitted"),
        ]

    def __str__(self) -> str:
        return self.reference


class ServiceRecord(models.Model):
    """Documented experience: military, law enforcement, or a licensed medical profession."""

    class Kind(models.TextChoices):
        MILITARY = "military", _("Military")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        MEDICAL = "medical", _("Licensed medical profession")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="service_records")
    kind = models.CharField(max_length=20, choices=Kind)
    country = CountryField()
    branch = models.CharField(
        max_length=100, help_text="Army, navy, police unit; or the profession for medical."
    )
    specialty = models.CharField(max_length=100, blank=True)
    rank = models.CharField(max_length=60, blank=True)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    deployments = models.TextField(blank=True, help_text="e.g. peacekeeping, Afghanistan 2010")
    licence_number = EncryptedTextField(blank=True)
    licence_number_index = BlindIndexField(source="licence_number", domain="licence")

    class Meta:
        ordering = ["start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="service_record_years_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.branch} ({self.country.code})"

    def years(self, current_year: int) -> int:
        return max(0, (self.end_year or current_year) - self.start_year)


def document_storage():
    from legion.cases.storage import document_storage as storage

    return storage()


def document_upload_to(document: "Document", filename: str) -> str:
    # Never the applicant's file name on disk: names can identify people.
    return f"documents/{secrets.token_hex(16)}"


class Document(models.Model):
    class Kind(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        SERVICE_RECORD = "service_record", _("Proof of military or law-enforcement service")
        MEDICAL_LICENCE = "medical_licence", _("Medical licence")
        CRIMINAL_RECORD = "criminal_record", _("Criminal record certificate")
        PHOTO = "photo", _("Photo")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind)
    file = models.FileField(upload_to=document_upload_to, storage=document_storage)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sha256"], name="document_unique_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.original_name})"


class CaseEvent(models.Model):
    """Append-only history of a case: transitions, assignments, transfers, reviews."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("State change")
        ASSIGNMENT = "assignment", _("Assignment")
        TRANSFER = "transfer", _("Transfer")
        DOCUMENT = "document", _("Document")
        INTERVIEW = "interview", _("Interview")
        NOTE = "note", _("Note")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, choices=CaseState, blank=True)
    to_state = models.CharField(max_length=30, choices=CaseState, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept even if the user is deleted: who acted must survive.
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_state}->{self.to_state}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Case events are append-only")


class EligibilityRule(models.Model):
    """One configurable eligibility rule; the engine in eligibility.py knows each code."""

    class Code(models.TextChoices):
        AGE = "age", _("Age")
        EXPERIENCE = "experience", _("Military, law-enforcement or medical experience")
        PASSPORT_VALIDITY = "passport_validity", _("Passport validity")
        CRIMINAL_RECORD = "criminal_record", _("No criminal record")
        EXCLUDED_NATIONALITY = "excluded_nationality", _("Nationality not excluded")
        WORKING_LANGUAGE = "working_language", _("Working language")
        ADVISORY = "advisory", _("Legal advisory acknowledged")

    code = models.CharField(max_length=30, choices=Code, unique=True)
    enabled = models.BooleanField(default=True)
    # Parameters per code, e.g. {"min_age": 18, "max_age": 60} or {"countries": ["RU"]}.
    parameters = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.get_code_display()


class VisaType(models.Model):
    """A kind of visa the missions issue, with the label applicants read in their
    language (cases/translation.py). Staff pick one; the decision keeps its label."""

    code = models.CharField(max_length=20, unique=True, help_text="As on the visa, e.g. D.")
    label = models.CharField(
        max_length=60, unique=True, help_text="What staff pick, e.g. D (long stay, volunteer)."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code", "label"]

    def __str__(self) -> str:
        return self.label


class VisaDecision(models.Model):
    class Decision(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REFUSED = "refused", _("Refused")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="visa")
    decision = models.CharField(max_length=10, choices=Decision)
    visa_type = models.CharField(max_length=60, blank=True)
    visa_number = EncryptedTextField(blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.case} visa {self.decision}"

    @property
    def visa_type_label(self) -> str:
        """The visa type in the active language, where it is a configured type (the
        decision keeps its English label, or the code)."""
        known = VisaType.objects.filter(
            models.Q(label_en=self.visa_type) | models.Q(code=self.visa_type)
        ).first()
        return known.label if known else self.visa_type


class TravelInstructions(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="instructions")
    entry_point = models.CharField(max_length=200)
    # Confidential: only the applicant (after the visa) and the mission may see it.
    assembly_point = EncryptedTextField()
    report_by = models.DateField()
    documents_to_bring = models.JSONField(default=list)
    equipment = models.JSONField(default=list)
    contacts = models.TextField()
    notes = models.TextField(blank=True)
    language = models.CharField(max_length=10)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "travel instructions"

    def __str__(self) -> str:
        return f"{self.case} travel instructions"


class TravelLetter(models.Model):
    """The letter on the travel instructions that a border guard or the assembly point
    checks without logging in: its code (printed and in a QR code) answers only valid
    or not, the mission, the validity dates and the holder's initials."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="travel_letter")
    # Sealed, so the PDF can print it again; looked up by its keyed hash only.
    code = EncryptedTextField()
    code_index = models.CharField(max_length=40, unique=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    issued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.case} travel letter"


class AccessToken(models.Model):
    """A one-time link or code e-mailed to an applicant; only its hash is stored."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"access token for {self.case_id}"
