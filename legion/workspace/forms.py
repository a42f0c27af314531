"""Forms of the staff workspace. They only validate input; services decide."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django_countries import countries

from legion.cases.instructions import DOCUMENTS_TO_BRING, EQUIPMENT
from legion.cases.intake import LANGUAGE_LEVELS
from legion.cases.languages import SPOKEN_LANGUAGES, language_name
from legion.cases.models import ServiceRecord
from legion.cases.travel import visa_type_labels
from legion.interviews.models import Assessment


def _language_choices(codes: list[str]) -> list[tuple[str, str]]:
    return [(code, f"{language_name(code)} ({code})") for code in codes]


class SlotForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    minutes = forms.IntegerField(min_value=5, max_value=480, initial=45, label="Minutes")
    location = forms.CharField(max_length=200, initial="Interview room 1")
    capacity = forms.IntegerField(min_value=1, max_value=50, initial=1)
    languages = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for the mission's usual interview languages.",
    )
    repeat_until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Repeat on weekdays until",
        help_text="Optional: a series of slots, Monday to Friday, up to this day.",
    )
    day_ends = forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        label="Back to back until",
        help_text="Optional: more slots each day, one after another, until this time.",
    )

    def __init__(self, *args, languages: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = _language_choices(languages)

    @property
    def is_series(self) -> bool:
        return bool(self.cleaned_data.get("repeat_until") or self.cleaned_data.get("day_ends"))


class BookingForm(forms.Form):
    slot = forms.TypedChoiceField(coerce=int, label="Slot")
    language = forms.ChoiceField(label="Interview language")

    def __init__(self, *args, slots: list, languages: list[str], zone, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [
            (
                slot.pk,
                f"{slot.starts_at.astimezone(zone):%a %d %b %Y, %H:%M} · {slot.location}"
                f" · {slot.capacity - slot.booked} of {slot.capacity} free",
            )
            for slot in slots
        ]
        self.fields["language"].choices = _language_choices(languages)


class MilitaryAssessmentForm(forms.Form):
    suitability = forms.ChoiceField(
        choices=Assessment.Suitability.choices, widget=forms.RadioSelect
    )
    recommended_role = forms.CharField(
        max_length=100, required=False, help_text="e.g. infantry, combat medic, sniper, driver"
    )
    favourable = forms.TypedChoiceField(
        choices=[("yes", "Favourable"), ("no", "Unfavourable")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Overall",
    )
    notes = forms.CharField(widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        if data.get("favourable") and data.get("suitability") == "not_suitable":
            raise forms.ValidationError(
                "A favourable assessment cannot rate the applicant as not suitable."
            )
        if data.get("favourable") is False and not data.get("notes", "").strip():
            self.add_error("notes", "Explain an unfavourable assessment: it becomes the reason.")
        return data


YES_NO = [("yes", "Yes"), ("no", "No")]


class ConsularAssessmentForm(forms.Form):
    identity_confirmed = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Identity confirmed against the passport",
    )
    language_ok = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Working language sufficient",
    )
    favourable = forms.TypedChoiceField(
        choices=[("yes", "Favourable"), ("no", "Unfavourable")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Overall (identity and visa)",
    )
    notes = forms.CharField(widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        if data.get("favourable") and data.get("identity_confirmed") is False:
            raise forms.ValidationError(
                "A favourable assessment needs the identity to be confirmed."
            )
        if data.get("favourable") is False and not data.get("notes", "").strip():
            self.add_error("notes", "Explain an unfavourable assessment: it becomes the reason.")
        return data


class DatalistInput(forms.TextInput):
    """A text input that suggests values (an HTML datalist) and still takes any text."""

    def __init__(self, options: list[str], attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.options = options

    def render(self, name, value, attrs=None, renderer=None) -> str:
        list_id = f"{(attrs or {}).get('id', name)}-options"
        field = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}">', ((o,) for o in self.options))
        return field + format_html('<datalist id="{}">{}</datalist>', list_id, options)


class VisaIssueForm(forms.Form):
    visa_type = forms.CharField(
        max_length=60, help_text="One of the legion's visa types, or another as printed."
    )
    visa_number = forms.CharField(max_length=40)
    valid_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = visa_type_labels()
        self.fields["visa_type"].widget = DatalistInput(labels)
        self.fields["visa_type"].initial = labels[0] if labels else "D (long stay)"

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", "The visa must be valid until a date after it starts.")
        return data


class VisaRefuseForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class InstructionsForm(forms.Form):
    entry_point = forms.CharField(max_length=200, help_text="Border crossing or airport.")
    assembly_point = forms.CharField(
        max_length=300,
        help_text="Confidential: shown only to the applicant and the mission.",
    )
    report_by = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    documents_to_bring = forms.MultipleChoiceField(
        choices=[(k, str(v)) for k, v in DOCUMENTS_TO_BRING.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    equipment = forms.MultipleChoiceField(
        choices=[(k, str(v)) for k, v in EQUIPMENT.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    other_equipment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One item per line, in the applicant's language.",
    )
    contacts = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Written as is into the instructions; use the applicant's language.",
    )

    def clean_report_by(self) -> dt.date:
        from django.utils import timezone

        day = self.cleaned_data["report_by"]
        if day < timezone.localdate():
            raise forms.ValidationError("The report-by date is in the past.")
        return day

    def equipment_list(self) -> list[str]:
        extra = [
            line.strip()
            for line in self.cleaned_data.get("other_equipment", "").splitlines()
            if line.strip()
        ]
        return [*self.cleaned_data["equipment"], *extra]


class TransferForm(forms.Form):
    mission = forms.ChoiceField()
    reason = forms.CharField(max_length=500)

    def __init__(self, *args, missions: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mission"].choices = [(m.code, m.name) for m in missions]


def _countries(blank: str) -> list[tuple[str, str]]:
    return [("", blank), *((code, name) for code, name in countries)]


class TakeApplicationStartForm(forms.Form):
    """Step one of taking an application: what decides the legal advice to read out."""

    nationality = forms.ChoiceField(label="Nationality (the passport's)")
    channel = forms.ChoiceField(
        label="How did the application reach you?",
        choices=[("phone", "By phone"), ("email", "By e-mail"), ("in_person", "In person")],
        widget=forms.RadioSelect,
        initial="phone",
    )
    language = forms.ChoiceField(
        label="Language the applicant reads",
        help_text="Used for the legal advice you read out, the e-mails and the instructions.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = _countries("Choose…")
        self.fields["language"].choices = list(settings.LANGUAGES)


DATE = forms.DateInput(attrs={"type": "date"})
DOCUMENT_QUESTIONS = (
    "passport_file",
    "criminal_record_file",
    "service_record_file",
    "medical_licence_file",
)
COUNTRY_QUESTIONS = ("second_nationality", "passport_country", "address_country", "service_country")
FIELDS_OF_EXPERIENCE = (
    "service_kind",
    "service_country",
    "service_branch",
    "service_start_year",
    "service_end_year",
    "service_specialty",
    "service_rank",
    "service_deployments",
    "service_licence_number",
)
YES_NO = [("no", "No"), ("yes", "Yes")]


class TakeApplicationForm(forms.Form):
    """Step two: the questions of the portal, as the officer asks them. The fields are
    text; the assisted-intake service reads and checks them like the portal's answers."""

    given_name = forms.CharField(label="Given names (as in the passport)", required=False)
    surname = forms.CharField(label="Surname (as in the passport)", required=False)
    native_name = forms.CharField(label="Name in another script", required=False)
    date_of_birth = forms.CharField(label="Date of birth", widget=DATE, required=False)
    sex = forms.ChoiceField(
        choices=[("", "Choose…"), ("M", "Male"), ("F", "Female"), ("X", "Other or not stated")],
        required=False,
    )
    place_of_birth = forms.CharField(required=False)
    second_nationality = forms.ChoiceField(required=False)
    passport_number = forms.CharField(required=False)
    passport_country = forms.ChoiceField(label="Passport issued by", required=False)
    passport_expiry = forms.CharField(label="Passport valid until", widget=DATE, required=False)
    email = forms.CharField(label="E-mail address", required=False)
    phone = forms.CharField(label="Phone number", required=False)
    address_line_1 = forms.CharField(label="Address line 1", required=False)
    address_line_2 = forms.CharField(label="Address line 2", required=False)
    address_town = forms.CharField(label="Town or city", required=False)
    address_postcode = forms.CharField(label="Postcode", required=False)
    address_country = forms.ChoiceField(label="Country of residence", required=False)
    language_1 = forms.ChoiceField(label="Working language", required=False)
    level_1 = forms.ChoiceField(label="Level", required=False)
    language_2 = forms.ChoiceField(label="Second language", required=False)
    level_2 = forms.ChoiceField(label="Level", required=False)
    has_criminal_record = forms.ChoiceField(
        label="Criminal record?", choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    service_kind = forms.ChoiceField(label="Experience", required=False)
    service_country = forms.ChoiceField(label="Country served in", required=False)
    service_branch = forms.CharField(label="Branch, unit or profession", required=False)
    service_start_year = forms.CharField(label="From (year)", required=False)
    service_end_year = forms.CharField(label="To (year)", required=False)
    service_specialty = forms.CharField(label="Specialty", required=False)
    service_rank = forms.CharField(label="Rank", required=False)
    service_deployments = forms.CharField(label="Deployments", required=False)
    service_licence_number = forms.CharField(label="Licence number (medical)", required=False)
    passport_file = forms.FileField(label="Passport scan", required=False)
    criminal_record_file = forms.FileField(label="Criminal record certificate", required=False)
    service_record_file = forms.FileField(label="Proof of service", required=False)
    medical_licence_file = forms.FileField(label="Medical licence", required=False)
    advisory_read_out = forms.BooleanField(
        label="I have read the legal advice and the risk notice above to the applicant, "
        "and they said they understood them.",
        required=False,
    )

    SECTIONS = (
        ("Name", ("given_name", "surname", "native_name")),
        ("Birth", ("date_of_birth", "sex", "place_of_birth")),
        (
            "Passport",
            ("second_nationality", "passport_number", "passport_country", "passport_expiry"),
        ),
        ("Contact", ("email", "phone")),
        (
            "Home address",
            (
                "address_line_1",
                "address_line_2",
                "address_town",
                "address_postcode",
                "address_country",
            ),
        ),
        ("Languages", ("language_1", "level_1", "language_2", "level_2")),
        ("Experience", FIELDS_OF_EXPERIENCE),
        ("Criminal record", ("has_criminal_record",)),
        (
            "Documents",
            (
                "passport_file",
                "criminal_record_file",
                "service_record_file",
                "medical_licence_file",
            ),
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in (
            "second_nationality",
            "passport_country",
            "address_country",
            "service_country",
        ):
            self.fields[name].choices = _countries("—")
        spoken = [("", "—"), *_language_choices(list(SPOKEN_LANGUAGES))]
        levels = [("", "—"), *((code, str(label)) for code, label in LANGUAGE_LEVELS)]
        for number in (1, 2):
            self.fields[f"language_{number}"].choices = spoken
            self.fields[f"level_{number}"].choices = levels
        self.fields["service_kind"].choices = [("", "None"), *ServiceRecord.Kind.choices]

    def sections(self):
        for title, names in self.SECTIONS:
            yield title, [self[name] for name in names]

    def row(self, *, nationality: str, language: str) -> dict:
        """The answers as the assisted-intake service reads them (spreadsheet columns)."""
        data = dict(self.cleaned_data)
        languages = [
            f"{data.pop(f'language_{n}')}:{data.pop(f'level_{n}') or 'good'}"
            for n in (1, 2)
            if data.get(f"language_{n}")
        ]
        for n in (1, 2):
            data.pop(f"language_{n}", None)
            data.pop(f"level_{n}", None)
        data = {k: v for k, v in data.items() if v not in (None, "")}
        data["advisory_read_out"] = "yes" if self.cleaned_data["advisory_read_out"] else "no"
        return {
            **data,
            "languages": ", ".join(languages),
            "nationality": nationality,
            "language": language,
        }
