"""Starting and filling in an application draft, for the portal and any other front end.

Each function validates everything it is given before it saves anything: on any
error it raises IntakeInvalid with one message per field, and nothing is stored.
Forms only turn text into values (a date, a number); the rules about those values
(old enough, passport not expired, years in order) live here, once.
"""

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from legion.cases.access import access_email_send
from legion.cases.eligibility import active_rules, age_on
from legion.cases.languages import SPOKEN_LANGUAGES, language_name
from legion.cases.lifecycle import case_guard_check
from legion.cases.models import Applicant, Case, CaseEvent, Document, ServiceRecord, Sex
from legion.cases.policy import FILL_DRAFT, CaseAccess
from legion.cases.services import CaseError, TransitionRefused, case_lock, case_submit, record_event
from legion.cases.states import CaseState
from legion.missions.actors import Actor
from legion.missions.models import Mission

MAX_LANGUAGES = 10
MAX_SERVICE_RECORDS = 10
EARLIEST_SERVICE_YEAR = 1950
EARLIEST_BIRTH = date(1900, 1, 1)
MAX_PASSPORT_YEARS = 20

LANGUAGE_LEVELS = (
    ("basic", gettext_lazy("Basic: simple everyday phrases")),
    ("good", gettext_lazy("Good: I can follow orders and briefings")),
    ("fluent", gettext_lazy("Fluent")),
    ("native", gettext_lazy("Native or bilingual")),
)


class IntakeInvalid(CaseError):
    """Some answers cannot be accepted; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())), code="invalid")
        self.errors = errors


def passport_number_normalised(number: str) -> str:
    """Passport numbers as printed, without spaces, dashes or case differences."""
    return re.sub(r"[^0-9A-Z]", "", number.upper())


def _minimum_age() -> int | None:
    params = dict(active_rules()).get("age")
    return None if params is None else int(params.get("min_age", 18))


def draft_lock(reference: str, actor: Actor) -> Case:
    """The draft, locked, if this actor may fill it in; refuses once it has been sent."""
    case = case_lock(reference=reference, actor=actor)
    if not CaseAccess.of(actor, case).may(FILL_DRAFT):
        raise TransitionRefused(
            _("Only the applicant or a consular officer of this mission can change a draft."),
            code="forbidden",
        )
    if case.state != CaseState.DRAFT:
        raise CaseError(
            _("This application has been sent and can no longer be changed."), code="not_draft"
        )
    return case


def _active_mission(code: str) -> Mission | None:
    return Mission.objects.filter(code=code, is_active=True).first() if code else None


def _valid_language(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


def draft_start(
    *, mission_code: str, language: str, taken_by: Actor | None = None, channel: str = "portal"
) -> Case:
    """Open a new, empty draft at a mission; `language` is the one the applicant uses.

    `taken_by` is the staff member who takes the application down (by phone, e-mail, in
    person, or from a spreadsheet: `channel`); the history names them from the start."""
    errors = {}
    mission = _active_mission(mission_code)
    if mission is None:
        errors["mission"] = _("Select the embassy or consulate where you will apply.")
    if not _valid_language(language):
        errors["language"] = _("Select the language we should use with you.")
    if errors:
        raise IntakeInvalid(errors)
    with transaction.atomic():
        applicant = Applicant.objects.create(given_name="", surname="")
        case = Case.objects.create(mission=mission, applicant=applicant, language=language)
        record_event(
            case=case,
            kind=CaseEvent.Kind.NOTE,
            action="start",
            actor=taken_by or Actor.applicant(case.pk),
            data={"mission": mission.code, "channel": channel},
        )
    return case


def draft_set_mission(*, reference: str, actor: Actor, mission_code: str) -> Case:
    """Choose another mission for a draft (before it is sent, the applicant may change it)."""
    mission = _active_mission(mission_code)
    if mission is None:
        raise IntakeInvalid({"mission": _("Select the embassy or consulate where you will apply.")})
    with transaction.atomic():
        case = draft_lock(reference, actor)
        if case.mission_id != mission.pk:
            previous = case.mission.code
            case.mission = mission
            case.save(update_fields=["mission", "updated_at"])
            record_event(
                case=case,
                kind=CaseEvent.Kind.NOTE,
                action="choose_mission",
                actor=actor,
                data={"from": previous, "to": mission.code},
            )
    return case


# ---- the applicant's answers ---------------------------------------------------------


def _text(value: Any, *, required: str | None, max_length: int, too_long: str) -> str:
    text = " ".join(str(value or "").split())
    if not text and required:
        raise ValidationError(required)
    if len(text) > max_length:
        raise ValidationError(too_long)
    return text


def _country(value: Any, *, required: str | None, invalid: str) -> str:
    code = str(value or "").strip().upper()
    if not code:
        if required:
            raise ValidationError(required)
        return ""
    if code not in countries:
        raise ValidationError(invalid)
    return code


def _clean_given_name(value: Any) -> str:
    return _text(
        value,
        required=_("Enter your given names."),
        max_length=100,
        too_long=_("Given names must be 100 characters or fewer."),
    )


def _clean_surname(value: Any) -> str:
    return _text(
        value,
        required=_("Enter your surname."),
        max_length=100,
        too_long=_("Surname must be 100 characters or fewer."),
    )


def _clean_native_name(value: Any) -> str:
    return _text(
        value,
        required=None,
        max_length=200,
        too_long=_("Your name in your own script must be 200 characters or fewer."),
    )


def _clean_place_of_birth(value: Any) -> str:
    return _text(
        value,
        required=None,
        max_length=100,
        too_long=_("Place of birth must be 100 characters or fewer."),
    )


def _clean_date_of_birth(value: Any) -> date:
    if value is None or value == "":
        raise ValidationError(_("Enter your date of birth."))
    if not isinstance(value, date):
        raise ValidationError(_("Date of birth must be a real date."))
    today = timezone.localdate()
    if value >= today:
        raise ValidationError(_("Date of birth must be in the past."))
    if value < EARLIEST_BIRTH:
        raise ValidationError(_("Date of birth must be after 1 January 1900."))
    minimum = _minimum_age()
    if minimum is not None and age_on(value, today) < minimum:
        raise ValidationError(_("You must be %(min)d or older to apply.") % {"min": minimum})
    return value


def _clean_sex(value: Any) -> str:
    if value not in Sex.values:
        raise ValidationError(_("Select your sex as shown in your passport."))
    return value


def _clean_nationality(value: Any) -> str:
    return _country(
        value,
        required=_("Select your nationality."),
        invalid=_("Select your nationality from the list."),
    )


def _clean_second_nationality(value: Any) -> str:
    return _country(
        value, required=None, invalid=_("Select your second nationality from the list.")
    )


def _clean_passport_number(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError(_("Enter your passport number."))
    normalised = passport_number_normalised(text)
    if not 5 <= len(normalised) <= 20 or re.search(r"[^0-9A-Za-z \-]", text):
        raise ValidationError(_("Passport number must be 5 to 20 letters and numbers."))
    return normalised


def _clean_passport_country(value: Any) -> str:
    return _country(
        value,
        required=_("Select the country that issued your passport."),
        invalid=_("Select the country that issued your passport from the list."),
    )


def _clean_passport_expiry(value: Any) -> date:
    if value is None or value == "":
        raise ValidationError(_("Enter the expiry date of your passport."))
    if not isinstance(value, date):
        raise ValidationError(_("Passport expiry date must be a real date."))
    today = timezone.localdate()
    if value < today:
        raise ValidationError(_("Your passport has expired. You need a valid passport to apply."))
    if value.year > today.year + MAX_PASSPORT_YEARS:
        raise ValidationError(
            _("Passport expiry date must be within the next %(years)d years.")
            % {"years": MAX_PASSPORT_YEARS}
        )
    return value


def _clean_email(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError(_("Enter your e-mail address."))
    try:
        validate_email(text)
    except ValidationError:
        raise ValidationError(
            _("Enter an e-mail address in the correct format, like name@example.com.")
        ) from None
    if len(text) > 254:
        raise ValidationError(_("E-mail address must be 254 characters or fewer."))
    local, _sep, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def _clean_phone(value: Any) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        return ""
    digits = re.sub(r"\D", "", text)
    if re.search(r"[^0-9+()\-. ]", text) or not 6 <= len(digits) <= 17:
        raise ValidationError(
            _("Enter a phone number in the correct format, like +44 7700 900 982.")
        )
    return text


def _clean_address_line_1(value: Any) -> str:
    return _text(
        value,
        required=None,
        max_length=100,
        too_long=_("Address line 1 must be 100 characters or fewer."),
    )


def _clean_address_line_2(value: Any) -> str:
    return _text(
        value,
        required=None,
        max_length=100,
        too_long=_("Address line 2 must be 100 characters or fewer."),
    )


def _clean_address_town(value: Any) -> str:
    return _text(
        value,
        required=None,
        max_length=100,
        too_long=_("Town or city must be 100 characters or fewer."),
    )


def _clean_address_postcode(value: Any) -> str:
    # Kept as written: formats differ from country to country, and some have none.
    text = _text(
        value,
        required=None,
        max_length=20,
        too_long=_("Postcode or ZIP code must be 20 characters or fewer."),
    )
    if not re.fullmatch(r"[A-Za-z0-9 \-]*", text):
        raise ValidationError(
            _("Postcode or ZIP code must only include letters, numbers, spaces and hyphens.")
        )
    return text


def _clean_address_country(value: Any) -> str:
    return _country(
        value, required=None, invalid=_("Select the country you live in from the list.")
    )


def _clean_has_criminal_record(value: Any) -> bool:
    if value not in (True, False):
        raise ValidationError(_("Select yes if you have a criminal record."))
    return value


def _clean_language(value: Any) -> str:
    if not _valid_language(str(value or "")):
        raise ValidationError(_("Select the language we should use with you."))
    return value


APPLICANT_FIELDS = {
    "given_name": _clean_given_name,
    "surname": _clean_surname,
    "native_name": _clean_native_name,
    "date_of_birth": _clean_date_of_birth,
    "sex": _clean_sex,
    "place_of_birth": _clean_place_of_birth,
    "nationality": _clean_nationality,
    "second_nationality": _clean_second_nationality,
    "passport_number": _clean_passport_number,
    "passport_country": _clean_passport_country,
    "passport_expiry": _clean_passport_expiry,
    "email": _clean_email,
    "phone": _clean_phone,
    "address_line_1": _clean_address_line_1,
    "address_line_2": _clean_address_line_2,
    "address_town": _clean_address_town,
    "address_postcode": _clean_address_postcode,
    "address_country": _clean_address_country,
    "has_criminal_record": _clean_has_criminal_record,
}
# Not an applicant field: the language of the case (e-mails, instructions).
CASE_FIELDS = {"language": _clean_language}


def _validate(cleaners: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(cleaners)
    if unknown:
        raise ValueError(f"Not a draft field: {', '.join(sorted(unknown))}")
    cleaned, errors = {}, {}
    for name, value in changes.items():
        try:
            cleaned[name] = cleaners[name](value)
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    if errors:
        raise IntakeInvalid(errors)
    return cleaned


def draft_check(*, changes: Mapping[str, Any]) -> None:
    """Check some answers without saving them: IntakeInvalid with one message per field.

    For a page some of whose answers could not be read at all: the others are checked
    too, so the applicant sees every problem of the page at once."""
    _validate({**APPLICANT_FIELDS, **CASE_FIELDS}, changes)


def draft_update(*, reference: str, actor: Actor, changes: Mapping[str, Any]) -> Case:
    """Save some of the applicant's answers (the fields of one page, or of an API call).

    `changes` maps field names of APPLICANT_FIELDS (and "language") to new values.
    All are checked first; on any error nothing is saved.
    """
    cleaned = _validate({**APPLICANT_FIELDS, **CASE_FIELDS}, changes)
    with transaction.atomic():
        case = draft_lock(reference, actor)
        applicant = case.applicant
        first = cleaned.get("nationality", applicant.nationality.code or "")
        second = cleaned.get("second_nationality", applicant.second_nationality.code or "")
        if second and second == first:
            field = "second_nationality" if "second_nationality" in cleaned else "nationality"
            raise IntakeInvalid(
                {field: _("Your second nationality must be different from your main one.")}
            )
        if "language" in cleaned:
            case.language = cleaned.pop("language")
            case.save(update_fields=["language", "updated_at"])
        for name, value in cleaned.items():
            setattr(applicant, name, value)
        # Model checks (lengths, country codes) for the fields of this change only: a draft
        # is incomplete by nature, and the blank fields of later pages are not errors yet.
        unchanged = [f.name for f in Applicant._meta.fields if f.name not in cleaned]
        applicant.full_clean(exclude=[*unchanged, "passport_number"])
        applicant.save()
    return case


def _language_entry(code: str, level: str) -> dict[str, str]:
    errors = {}
    if code not in SPOKEN_LANGUAGES:
        errors["code"] = _("Select a language from the list.")
    if level not in dict(LANGUAGE_LEVELS):
        errors["level"] = _("Select how well you speak this language.")
    if errors:
        raise IntakeInvalid(errors)
    return {"code": code, "level": level}


def draft_add_language(*, reference: str, actor: Actor, code: str, level: str) -> list[dict]:
    """Add a working language with a self-assessed level."""
    entry = _language_entry(code, level)
    with transaction.atomic():
        case = draft_lock(reference, actor)
        languages = list(case.applicant.languages or [])
        if any(item.get("code") == code for item in languages):
            raise IntakeInvalid(
                {
                    "code": _("You have already added %(language)s.")
                    % {"language": language_name(code, in_sentence=True)}
                }
            )
        if len(languages) >= MAX_LANGUAGES:
            raise IntakeInvalid(
                {"code": _("You can add up to %(count)d languages.") % {"count": MAX_LANGUAGES}}
            )
        languages.append(entry)
        case.applicant.languages = languages
        case.applicant.save(update_fields=["languages"])
    return languages


def draft_remove_language(*, reference: str, actor: Actor, code: str) -> list[dict]:
    """Remove a working language from the draft."""
    with transaction.atomic():
        case = draft_lock(reference, actor)
        languages = [i for i in case.applicant.languages or [] if i.get("code") != code]
        case.applicant.languages = languages
        case.applicant.save(update_fields=["languages"])
    return languages


def _service_record_errors(
    *, kind: str, country: str, branch: str, start_year: Any, end_year: Any, licence_number: str
) -> dict[str, str]:
    this_year = timezone.localdate().year
    errors: dict[str, str] = {}
    if kind not in ServiceRecord.Kind.values:
        errors["kind"] = _("Select the kind of experience.")
    if not country:
        errors["country"] = _("Select the country where you served or work.")
    elif country not in countries:
        errors["country"] = _("Select the country from the list.")
    if not branch:
        errors["branch"] = (
            _("Enter your profession, for example paramedic or nurse.")
            if kind == ServiceRecord.Kind.MEDICAL
            else _("Enter the branch of service or unit, for example Army, Parachute Regiment.")
        )
    if start_year is None:
        errors["start_year"] = _("Enter the year you started.")
    elif not EARLIEST_SERVICE_YEAR <= start_year <= this_year:
        errors["start_year"] = _("The year you started must be between %(first)d and %(last)d.") % {
            "first": EARLIEST_SERVICE_YEAR,
            "last": this_year,
        }
    if end_year is not None:
        if end_year > this_year:
            errors["end_year"] = _("The year you finished cannot be in the future.")
        elif start_year is not None and end_year < start_year:
            errors["end_year"] = _(
                "The year you finished must be the same as or after the year you started."
            )
    if kind == ServiceRecord.Kind.MEDICAL and not licence_number:
        errors["licence_number"] = _("Enter your licence or registration number.")
    return errors


def draft_add_service_record(
    *,
    reference: str,
    actor: Actor,
    kind: str,
    country: str,
    branch: str,
    start_year: int | None,
    end_year: int | None = None,
    specialty: str = "",
    rank: str = "",
    deployments: str = "",
    licence_number: str = "",
) -> ServiceRecord:
    """Add one entry of military, law-enforcement or medical experience."""
    values = {
        "branch": " ".join(branch.split()),
        "specialty": " ".join(specialty.split()),
        "rank": " ".join(rank.split()),
        "deployments": deployments.strip(),
        "licence_number": licence_number.strip(),
    }
    country = country.strip().upper()
    errors = _service_record_errors(
        kind=kind,
        country=country,
        branch=values["branch"],
        start_year=start_year,
        end_year=end_year,
        licence_number=values["licence_number"],
    )
    limits = {
        "branch": 100,
        "specialty": 100,
        "rank": 60,
        "deployments": 2000,
        "licence_number": 60,
    }
    for name, limit in limits.items():
        if len(values[name]) > limit and name not in errors:
            errors[name] = _("This answer must be %(count)d characters or fewer.") % {
                "count": limit
            }
    if errors:
        raise IntakeInvalid(errors)
    with transaction.atomic():
        case = draft_lock(reference, actor)
        if case.service_records.count() >= MAX_SERVICE_RECORDS:
            raise IntakeInvalid(
                {"kind": _("You can add up to %(count)d entries.") % {"count": MAX_SERVICE_RECORDS}}
            )
        record = ServiceRecord(
            case=case,
            kind=kind,
            country=country,
            start_year=start_year,
            end_year=end_year,
            **values,
        )
        record.full_clean()
        record.save()
    return record


def draft_remove_service_record(*, reference: str, actor: Actor, record_id: int) -> None:
    """Remove one experience entry from the draft."""
    with transaction.atomic():
        case = draft_lock(reference, actor)
        deleted, _rows = case.service_records.filter(pk=record_id).delete()
        if not deleted:
            raise CaseError(_("No such entry."), code="not_found")


# ---- completeness and submission -----------------------------------------------------

# The sections of an application, in the order they are asked.
SECTIONS = (
    "mission",
    "name",
    "birth",
    "nationality",
    "passport",
    "contact",
    "address",
    "languages",
    "experience",
    "criminal_record",
    "documents",
    "advisory",
)


def draft_missing(*, case: Case) -> dict[str, str]:
    """The sections that still need an answer before the draft can be sent, each with a
    message saying what is missing. Experience is not required: applicants without it
    may still apply and are offered other ways to help."""
    applicant = case.applicant
    missing: dict[str, str] = {}
    if not (applicant.given_name and applicant.surname):
        missing["name"] = _("Enter your name.")
    if not (applicant.date_of_birth and applicant.sex):
        missing["birth"] = _("Enter your date of birth and sex.")
    if not applicant.nationality:
        missing["nationality"] = _("Select your nationality.")
    if not (applicant.passport_number and applicant.passport_country and applicant.passport_expiry):
        missing["passport"] = _("Enter your passport details.")
    if not applicant.email:
        missing["contact"] = _("Enter your e-mail address.")
    if not (applicant.address_line_1 and applicant.address_town and applicant.address_country):
        missing["address"] = _(
            "Enter your home address: at least address line 1, town or city, and country."
        )
    if not applicant.languages:
        missing["languages"] = _("Add at least one language you can work in.")
    if applicant.has_criminal_record is None:
        missing["criminal_record"] = _("Answer the question about a criminal record.")
    if not case.documents.filter(kind=Document.Kind.PASSPORT).exists():
        missing["documents"] = _("Upload a scan or photo of your passport.")
    if not case_guard_check("advisory_acknowledged", case):
        missing["advisory"] = _("Read the legal advice and confirm you have understood it.")
    return missing


def draft_submit(*, reference: str, actor: Actor) -> Case:
    """Send a complete draft to the mission and e-mail the applicant a one-time link.

    Sending twice (a double click, the back button) is refused with code "not_draft";
    the case is sent once.
    """
    with transaction.atomic():
        case = draft_lock(reference, actor)
        missing = draft_missing(case=case)
        if missing:
            raise IntakeInvalid(missing)
        case = case_submit(reference=reference, actor=actor)
        # In the outbox with the submission: a crash after the commit loses no e-mail,
        # and a mail server that is down delays it without failing the submission.
        access_email_send(case=case, purpose="submitted")
    return case
