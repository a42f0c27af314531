"""Forms of the staff workspace. They only validate input; services decide."""

import datetime as dt

from django import forms

from legion.cases.instructions import DOCUMENTS_TO_BRING, EQUIPMENT
from legion.cases.languages import language_name
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


class VisaIssueForm(forms.Form):
    visa_type = forms.CharField(max_length=60, initial="D (long stay)")
    visa_number = forms.CharField(max_length=40)
    valid_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

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
