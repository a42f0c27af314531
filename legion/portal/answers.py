"""The applicant's answers as "check your answers" rows, and the document checklist."""

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legion import cldr
from legion.cases.intake import LANGUAGE_LEVELS
from legion.cases.languages import language_name
from legion.cases.localisation import display_name
from legion.cases.models import Case, Document, ServiceRecord
from legion.portal.wizard import BY_SECTION


@dataclass(frozen=True)
class Row:
    label: str | Promise
    value: str | list[str]
    change_url: str
    change_label: str | Promise

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def _change(section: str) -> str:
    return BY_SECTION[section].url() + "?return=check"


def answer_rows(case: Case) -> list[Row]:
    """One row per answer, each with a link back to the page that asked it."""
    a = case.applicant
    levels = dict(LANGUAGE_LEVELS)
    sex = a.get_sex_display() if a.sex else ""
    rows = [
        Row(
            gettext_lazy("Embassy or consulate"),
            case.mission.name,
            _change("mission"),
            gettext_lazy("embassy or consulate"),
        ),
        Row(
            gettext_lazy("Name"),
            display_name(a.given_name, a.surname),
            _change("name"),
            gettext_lazy("name"),
        ),
        Row(
            gettext_lazy("Name in your own script"),
            a.native_name,
            _change("name"),
            gettext_lazy("name in your own script"),
        ),
        Row(
            gettext_lazy("Date of birth"),
            _date(a.date_of_birth),
            _change("birth"),
            gettext_lazy("date of birth"),
        ),
        Row(gettext_lazy("Sex"), str(sex), _change("birth"), gettext_lazy("sex")),
        Row(
            gettext_lazy("Place of birth"),
            a.place_of_birth,
            _change("birth"),
            gettext_lazy("place of birth"),
        ),
        Row(
            gettext_lazy("Nationality"),
            cldr.country_name(a.nationality.code),
            _change("nationality"),
            gettext_lazy("nationality"),
        ),
        Row(
            gettext_lazy("Second nationality"),
            cldr.country_name(a.second_nationality.code),
            _change("nationality"),
            gettext_lazy("second nationality"),
        ),
        Row(
            gettext_lazy("Passport"),
            [
                v
                for v in (
                    a.passport_number,
                    cldr.country_name(a.passport_country.code),
                    _("Expires %(date)s") % {"date": _date(a.passport_expiry)}
                    if a.passport_expiry
                    else "",
                )
                if v
            ],
            _change("passport"),
            gettext_lazy("passport details"),
        ),
        Row(
            gettext_lazy("E-mail address"),
            a.email,
            _change("contact"),
            gettext_lazy("e-mail address"),
        ),
        Row(
            gettext_lazy("Phone number"), a.phone, _change("contact"), gettext_lazy("phone number")
        ),
        Row(
            gettext_lazy("Language for e-mails"),
            language_name(case.language),
            _change("contact"),
            gettext_lazy("language for e-mails"),
        ),
        Row(
            gettext_lazy("Home address"),
            a.address_lines,
            _change("address"),
            gettext_lazy("home address"),
        ),
        Row(
            gettext_lazy("Languages you can work in"),
            [
                f"{language_name(i['code'])}: {levels.get(i.get('level'), '')}"
                for i in a.languages or []
            ],
            _change("languages"),
            gettext_lazy("languages"),
        ),
        Row(
            gettext_lazy("Experience"),
            [experience_summary(r) for r in case.service_records.all()] or _("None"),
            _change("experience"),
            gettext_lazy("experience"),
        ),
        Row(
            gettext_lazy("Criminal record"),
            ""
            if a.has_criminal_record is None
            else (_("Yes") if a.has_criminal_record else _("No")),
            _change("criminal_record"),
            gettext_lazy("answer about a criminal record"),
        ),
        Row(
            gettext_lazy("Documents"),
            [
                format_html("{}: <bdi>{}</bdi>", d.get_kind_display(), d.original_name)
                for d in case.documents.all()
            ],
            _change("documents"),
            gettext_lazy("documents"),
        ),
    ]
    return rows


def experience_summary(record: ServiceRecord) -> SafeString:
    """One line per experience entry. Each part is isolated (<bdi>), so that an entry
    written in Arabic or Hebrew does not reverse the order of the list around it."""
    years = f"{record.start_year}–{record.end_year or ''}"
    parts = [
        record.get_kind_display(),
        record.branch,
        cldr.country_name(record.country.code),
        years,
    ]
    if record.specialty:
        parts.append(record.specialty)
    return format_html_join(", ", "<bdi>{}</bdi>", ((p,) for p in parts if p))


@dataclass(frozen=True)
class Needed:
    kind: str
    label: str | Promise
    hint: str | Promise
    required: bool
    uploaded: bool


def documents_checklist(case: Case) -> list[Needed]:
    """Which documents this applicant should upload, given their experience entries."""
    uploaded = {d.kind for d in case.documents.exclude(status=Document.Status.REJECTED)}
    kinds = {r.kind for r in case.service_records.all()}
    K = Document.Kind
    items = [
        Needed(
            K.PASSPORT,
            K.PASSPORT.label,
            gettext_lazy("The page with your photo, all four corners visible."),
            True,
            K.PASSPORT in uploaded,
        ),
        Needed(
            K.CRIMINAL_RECORD,
            K.CRIMINAL_RECORD.label,
            gettext_lazy(
                "From the police or courts of your country, less than 6 months old. "
                "If you do not have it yet, you can send it later."
            ),
            True,
            K.CRIMINAL_RECORD in uploaded,
        ),
    ]
    if kinds & {ServiceRecord.Kind.MILITARY, ServiceRecord.Kind.LAW_ENFORCEMENT} or not kinds:
        items.append(
            Needed(
                K.SERVICE_RECORD,
                K.SERVICE_RECORD.label,
                gettext_lazy("For example a discharge certificate, service record or military ID."),
                bool(kinds),
                K.SERVICE_RECORD in uploaded,
            )
        )
    if ServiceRecord.Kind.MEDICAL in kinds:
        items.append(
            Needed(
                K.MEDICAL_LICENCE,
                K.MEDICAL_LICENCE.label,
                gettext_lazy("Your current licence or registration with the professional body."),
                True,
                K.MEDICAL_LICENCE in uploaded,
            )
        )
    items.append(
        Needed(
            K.PHOTO,
            K.PHOTO.label,
            gettext_lazy("Optional. A recent passport-style photo."),
            False,
            K.PHOTO in uploaded,
        )
    )
    return items
