"""Portal forms. They turn what people type into values and say what is missing;
the rules about the values live in the services (legion.cases.intake and friends),
whose messages are attached to the same fields."""

import re
from datetime import date

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from legion import cldr
from legion.cases.intake import LANGUAGE_LEVELS, IntakeInvalid
from legion.cases.languages import SPOKEN_LANGUAGES, language_name
from legion.cases.letters import letter_code_normalise
from legion.cases.localisation import phone_example
from legion.cases.models import Case, Document, ServiceRecord, Sex
from legion.missions.models import Mission

DATE_PARTS = ("day", "month", "year")


class DatePartsWidget(forms.MultiWidget):
    """Day, month and year as three small text boxes (the GOV.UK date input), shown in
    the order the page's language writes dates: year, month, day in Japanese. The
    submitted names stay <name>_0 (day), _1 (month), _2 (year) in every language."""

    template_name = "portal/widgets/date_parts.html"

    @staticmethod
    def first_index() -> int:
        """The index of the box shown first, where an error link should move focus."""
        return DATE_PARTS.index(cldr.date_parts_order()[0])

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        for part, sub in zip(DATE_PARTS, subwidgets, strict=True):
            sub["part"] = part
        by_part = dict(zip(DATE_PARTS, subwidgets, strict=True))
        context["widget"]["subwidgets"] = [by_part[part] for part in cldr.date_parts_order()]
        return context

    def __init__(self, autocomplete: tuple[str, str, str] | None = None) -> None:
        names = autocomplete or ("off", "off", "off")
        widgets = [
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "input input--width-2" if i < 2 else "input input--width-4",
                    "autocomplete": names[i],
                }
            )
            for i in range(3)
        ]
        super().__init__(widgets)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DatePartsField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK messages for each mistake."""

    def __init__(self, *, messages: dict[str, str], autocomplete=None, **kwargs) -> None:
        self.messages = messages
        kwargs.setdefault("widget", DatePartsWidget(autocomplete))
        super().__init__(**kwargs)

    def clean(self, value):
        parts = [str(v or "").strip() for v in (value or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise forms.ValidationError(self.messages["required"], code="required")
            return None
        if not all(parts):
            raise forms.ValidationError(self.messages["incomplete"], code="incomplete")
        if not all(re.fullmatch(r"\d{1,4}", p) for p in parts) or len(parts[2]) != 4:
            raise forms.ValidationError(self.messages["invalid"], code="invalid")
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise forms.ValidationError(self.messages["invalid"], code="invalid") from None


def country_choices(blank_label: str = "") -> list[tuple[str, str]]:
    """Every country people live in, named and sorted in the language of the page."""
    return [("", blank_label), *cldr.country_choices()]


class PortalForm(forms.Form):
    """Portal forms validate on the server only: no browser-side `required` pop-ups,
    which differ per browser and language and bypass the error summary."""

    use_required_attribute = False

    @classmethod
    def for_case(cls, case: Case, *args, **kwargs) -> "PortalForm":
        """The form as the applicant of `case` sees it (examples fitting where they live)."""
        return cls(*args, **kwargs)


class ServiceForm(PortalForm):
    """A form whose fields are saved by a service; the service's messages land on them."""

    def apply_service_errors(self, error: IntakeInvalid) -> None:
        for field, message in error.errors.items():
            self.add_error(field if field in self.fields else None, message)


class MissionForm(ServiceForm):
    mission = forms.ChoiceField(
        label=_("Where will you apply?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the embassy or consulate where you will apply.")},
    )
    start_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        missions = Mission.objects.filter(is_active=True)
        self.fields["mission"].choices = sorted(
            ((m.code, m.name if m.city in m.name else f"{m.name} ({m.city})") for m in missions),
            key=lambda choice: choice[1],
        )
        self.fields["mission"].error_messages["invalid_choice"] = self.fields[
            "mission"
        ].error_messages["required"]


class NameForm(ServiceForm):
    given_name = forms.CharField(
        label=_("Given names"),
        error_messages={"required": _("Enter your given names.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
    )
    surname = forms.CharField(
        label=_("Surname"),
        error_messages={"required": _("Enter your surname.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
    )
    native_name = forms.CharField(
        label=_("Your full name in your own script (optional)"),
        help_text=_(
            "If your name is written in another alphabet, for example Cyrillic, "
            "Georgian or Japanese, enter it as you write it."
        ),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class BirthForm(ServiceForm):
    date_of_birth = DatePartsField(
        label=_("Date of birth"),
        help_text=_("For example, 27 3 1988"),
        autocomplete=("bday-day", "bday-month", "bday-year"),
        messages={
            "required": _("Enter your date of birth."),
            "incomplete": _("Date of birth must include a day, a month and a year."),
            "invalid": _("Date of birth must be a real date, like 27 3 1988."),
        },
    )
    sex = forms.ChoiceField(
        label=_("Sex, as shown in your passport"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select your sex as shown in your passport."),
            "invalid_choice": _("Select your sex as shown in your passport."),
        },
    )
    place_of_birth = forms.CharField(
        label=_("Place of birth (optional)"),
        help_text=_("Town or city, as shown in your passport"),
        required=False,
    )


class NationalityForm(ServiceForm):
    nationality = forms.ChoiceField(
        label=_("Your nationality"),
        help_text=_(
            "If you have two nationalities, choose the one of the passport you will travel "
            "with. We show you the legal advice of that country."
        ),
        error_messages={
            "required": _("Select your nationality."),
            "invalid_choice": _("Select your nationality from the list."),
        },
    )
    second_nationality = forms.ChoiceField(
        label=_("Second nationality (optional)"),
        required=False,
        error_messages={"invalid_choice": _("Select your second nationality from the list.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = country_choices(str(_("Select a country")))
        self.fields["second_nationality"].choices = country_choices(str(_("None")))


class PassportForm(ServiceForm):
    passport_number = forms.CharField(
        label=_("Passport number"),
        error_messages={"required": _("Enter your passport number.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "input input--width-10"}
        ),
    )
    passport_country = forms.ChoiceField(
        label=_("Country that issued your passport"),
        error_messages={
            "required": _("Select the country that issued your passport."),
            "invalid_choice": _("Select the country that issued your passport from the list."),
        },
    )
    passport_expiry = DatePartsField(
        label=_("Expiry date"),
        help_text=_("For example, 14 8 2031"),
        messages={
            "required": _("Enter the expiry date of your passport."),
            "incomplete": _("Passport expiry date must include a day, a month and a year."),
            "invalid": _("Passport expiry date must be a real date, like 14 8 2031."),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["passport_country"].choices = country_choices(str(_("Select a country")))


def interface_language_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES]


class ContactForm(ServiceForm):
    email = forms.CharField(
        label=_("E-mail address"),
        help_text=_("We send your reference number and links to your application here."),
        error_messages={"required": _("Enter your e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        help_text=_("With the country code, for example %(example)s"),
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "type": "tel", "class": "input input--width-20"}
        ),
    )
    language = forms.ChoiceField(
        label=_("Which language should we use when we write to you?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the language we should use with you."),
            "invalid_choice": _("Select the language we should use with you."),
        },
    )

    def __init__(self, *args, residence: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = interface_language_choices()
        self.fields["phone"].help_text = self.fields["phone"].help_text % {
            "example": phone_example(residence)
        }

    @classmethod
    def for_case(cls, case: Case, *args, **kwargs) -> "ContactForm":
        """The phone example is a number of the applicant's country of residence: their
        home address's country, or until they give it, the country of their mission."""
        residence = case.applicant.address_country.code or case.mission.country.code
        return cls(*args, residence=residence, **kwargs)


class AddressForm(ServiceForm):
    """The home address in the GOV.UK "Addresses" pattern: one fieldset of separate
    boxes that browsers can fill in, and no guessing of the format of a country's
    postcode (many countries have none)."""

    fieldset = True  # the boxes are one question: legend as the page heading

    address_line_1 = forms.CharField(
        label=_("Address line 1"),
        error_messages={"required": _("Enter address line 1, typically the building and street.")},
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line_2 = forms.CharField(
        label=_("Address line 2 (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    address_town = forms.CharField(
        label=_("Town or city"),
        error_messages={"required": _("Enter your town or city.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "address-level2", "class": "input input--width-20"}
        ),
    )
    address_postcode = forms.CharField(
        label=_("Postcode or ZIP code (optional)"),
        help_text=_("Leave this empty if addresses in your country have no postcode."),
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "spellcheck": "false",
                "class": "input input--width-10",
            }
        ),
    )
    address_country = forms.ChoiceField(
        label=_("Country"),
        error_messages={
            "required": _("Select the country you live in."),
            "invalid_choice": _("Select the country you live in from the list."),
        },
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["address_country"].choices = country_choices(str(_("Select a country")))


class CriminalRecordForm(ServiceForm):
    has_criminal_record = forms.TypedChoiceField(
        label=_("Do you have a criminal record?"),
        help_text=_(
            "Include convictions in any country. Later you upload a criminal record "
            "certificate from your country."
        ),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select yes if you have a criminal record."),
            "invalid_choice": _("Select yes if you have a criminal record."),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        initial = kwargs.get("initial") or {}
        if initial.get("has_criminal_record") in (True, False):
            kwargs["initial"] = {
                "has_criminal_record": "yes" if initial["has_criminal_record"] else "no"
            }
        super().__init__(*args, **kwargs)


def spoken_language_choices() -> list[tuple[str, str]]:
    return [("", str(_("Select a language"))), *cldr.language_choices(SPOKEN_LANGUAGES)]


class LanguageAddForm(ServiceForm):
    code = forms.ChoiceField(
        label=_("Language"),
        error_messages={
            "required": _("Select a language from the list."),
            "invalid_choice": _("Select a language from the list."),
        },
    )
    level = forms.ChoiceField(
        label=_("How well do you speak it?"),
        choices=LANGUAGE_LEVELS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how well you speak this language."),
            "invalid_choice": _("Select how well you speak this language."),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = spoken_language_choices()


class YearField(forms.IntegerField):
    widget = forms.TextInput(attrs={"inputmode": "numeric", "class": "input input--width-4"})


class ServiceRecordForm(ServiceForm):
    kind = forms.ChoiceField(
        label=_("What kind of experience is it?"),
        choices=ServiceRecord.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the kind of experience."),
            "invalid_choice": _("Select the kind of experience."),
        },
    )
    country = forms.ChoiceField(
        label=_("Country"),
        help_text=_("Where you served, or where you are licensed"),
        error_messages={
            "required": _("Select the country where you served or work."),
            "invalid_choice": _("Select the country from the list."),
        },
    )
    branch = forms.CharField(
        label=_("Branch, unit or profession"),
        help_text=_("For example: Army, Parachute Regiment; National Police; paramedic"),
        error_messages={"required": _("Enter the branch of service, unit or profession.")},
    )
    specialty = forms.CharField(
        label=_("Specialty (optional)"),
        help_text=_("For example: infantry, combat medic, sapper, drone operator"),
        required=False,
    )
    rank = forms.CharField(label=_("Last rank (optional)"), required=False)
    start_year = YearField(
        label=_("Year you started"),
        error_messages={
            "required": _("Enter the year you started."),
            "invalid": _("Enter the year you started as 4 numbers, like 2006."),
        },
    )
    end_year = YearField(
        label=_("Year you finished (optional)"),
        help_text=_("Leave empty if you still serve or work"),
        required=False,
        error_messages={"invalid": _("Enter the year you finished as 4 numbers, like 2014.")},
    )
    deployments = forms.CharField(
        label=_("Deployments and missions (optional)"),
        help_text=_("For example: UN peacekeeping, Lebanon 2012; Afghanistan 2010"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    licence_number = forms.CharField(
        label=_("Licence or registration number (medical professions)"),
        required=False,
        widget=forms.TextInput(attrs={"class": "input input--width-20"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(str(_("Select a country")))


# What the applicant is asked to upload, in order; the photo is optional.
UPLOAD_KINDS = (
    Document.Kind.PASSPORT,
    Document.Kind.CRIMINAL_RECORD,
    Document.Kind.SERVICE_RECORD,
    Document.Kind.MEDICAL_LICENCE,
    Document.Kind.PHOTO,
)


class DocumentUploadForm(PortalForm):
    kind = forms.ChoiceField(
        label=_("Which document is it?"),
        error_messages={
            "required": _("Select which document this is."),
            "invalid_choice": _("Select which document this is."),
        },
    )
    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_("PDF, JPG or PNG, up to %(size)s"),
        error_messages={
            "required": _("Select a file to upload."),
            "empty": _("The selected file is empty."),
            "invalid": _("Select a file to upload."),
            "missing": _("Select a file to upload."),
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        from django.template.defaultfilters import filesizeformat

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", str(_("Select a document"))),
            *((k.value, k.label) for k in UPLOAD_KINDS),
        ]
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "size": filesizeformat(settings.LEGION_MAX_UPLOAD_BYTES)
        }


class AdvisoryForm(PortalForm):
    confirm = forms.BooleanField(
        label=_(
            "I have read and understood the legal advice for my nationality and the "
            "warning about prisoner-of-war status."
        ),
        error_messages={
            "required": _("Confirm that you have read and understood the legal advice.")
        },
    )


class SaveForm(ServiceForm):
    email = ContactForm.base_fields["email"]


class AccessRequestForm(PortalForm):
    reference = forms.CharField(
        label=_("Reference number"),
        help_text=_("It starts with LGN, for example LGN-7K3M-9Q2P"),
        error_messages={"required": _("Enter your reference number.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "input input--width-10"}
        ),
    )
    email = forms.EmailField(
        label=_("E-mail address you applied with"),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address in the correct format, like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class LetterCodeForm(PortalForm):
    """The code printed on a travel letter, typed by a border guard."""

    code = forms.CharField(
        label=_("Code on the travel letter"),
        help_text=_("16 letters and numbers, for example 7K3M-9Q2P-XW4D-H8RT"),
        max_length=40,
        error_messages={"required": _("Enter the code printed on the travel letter.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "input input--width-20",
            }
        ),
    )

    def clean_code(self) -> str:
        code = letter_code_normalise(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(
                _("The code has 16 letters and numbers. Check it and enter it again.")
            )
        return code


class AccessCodeForm(PortalForm):
    reference = AccessRequestForm.base_fields["reference"]
    code = forms.CharField(
        label=_("Code from the e-mail"),
        help_text=_("8 letters and numbers, for example 4F7K-Q2MZ"),
        max_length=20,
        error_messages={
            "required": _("Enter the code from the e-mail."),
            "max_length": _("The code has 8 letters and numbers."),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "input input--width-10",
            }
        ),
    )


class InterviewBookForm(PortalForm):
    slot = forms.TypedChoiceField(
        label=_("Choose a time"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select an interview time."),
            "invalid_choice": _(
                "That interview time is no longer available. Please choose another."
            ),
        },
    )
    language = forms.ChoiceField(
        label=_("Language of the interview"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the language of the interview."),
            "invalid_choice": _("Select the language of the interview."),
        },
    )

    def __init__(self, *args, slots=(), languages=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(s.pk, str(s.pk)) for s in slots]
        self.fields["language"].choices = [(c, language_name(c)) for c in languages]


class ReasonForm(PortalForm):
    reason = forms.CharField(
        label=_("Why are you cancelling?"),
        max_length=1000,
        error_messages={
            "required": _("Tell us why you are cancelling."),
            "max_length": _("Your reason must be 1000 characters or fewer."),
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("Would you like to tell us why? (optional)"),
        required=False,
        max_length=1000,
        error_messages={"max_length": _("Your reason must be 1000 characters or fewer.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessageForm(PortalForm):
    body = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        error_messages={
            "required": _("Please write your message."),
            "max_length": _("Your message must be 5000 characters or fewer."),
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    file = forms.FileField(
        label=_("Add a document (optional)"),
        help_text=_("PDF, JPG or PNG"),
        required=False,
        error_messages={"empty": _("The selected file is empty.")},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )
