"""Applications taken down by staff: by phone, e-mail or in person (the workspace form),
or many at once from a spreadsheet (`legion import applications`).

Both go through one service, `application_take`, which asks the same questions with the
same checks as the portal (legion/cases/intake.py, legion/cases/documents.py), records
that the staff member read the legal advice and the risk notice out to the applicant,
and submits the application through the same path as the portal (identity screening
included); the applicant then gets the usual e-mail with the reference and access link.

Answers arrive as text (a form, a CSV cell) or as the values a spreadsheet holds (a
date, a number); `answers_read` turns them into the values the intake services take and
says, per column, what could not be read.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from legion.advisories.services import case_acknowledge_advisories
from legion.cases.documents import DocumentRefused, document_upload
from legion.cases.intake import (
    APPLICANT_FIELDS,
    LANGUAGE_LEVELS,
    IntakeInvalid,
    draft_add_language,
    draft_add_service_record,
    draft_check,
    draft_start,
    draft_submit,
    draft_update,
)
from legion.cases.models import Case, Document
from legion.cases.policy import TAKE_APPLICATIONS, MissionAccess
from legion.cases.services import CaseError, TransitionRefused
from legion.missions.actors import Actor
from legion.missions.models import Mission

CHANNELS = ("phone", "email", "in_person", "import")
DATE_FIELDS = ("date_of_birth", "passport_expiry")
COUNTRY_FIELDS = ("nationality", "second_nationality", "passport_country", "address_country")
SERVICE_COLUMNS = {
    "service_kind": "kind",
    "service_country": "country",
    "service_branch": "branch",
    "service_start_year": "start_year",
    "service_end_year": "end_year",
    "service_specialty": "specialty",
    "service_rank": "rank",
    "service_deployments": "deployments",
    "service_licence_number": "licence_number",
}
# Document columns: the kind of document each one holds.
DOCUMENT_COLUMNS = {
    "passport_file": Document.Kind.PASSPORT,
    "criminal_record_file": Document.Kind.CRIMINAL_RECORD,
    "service_record_file": Document.Kind.SERVICE_RECORD,
    "medical_licence_file": Document.Kind.MEDICAL_LICENCE,
    "photo_file": Document.Kind.PHOTO,
}
YES = ("yes", "y", "true", "1", "ja", "так", "sí", "si", "oui", "tak", "はい")
NO = ("no", "n", "false", "0", "nein", "ні", "non", "nie", "いいえ")


@dataclass
class TakenApplication:
    """One application as a staff member took it down, ready for `application_take`."""

    answers: dict[str, Any]
    languages: list[tuple[str, str]] = field(default_factory=list)
    service_record: dict[str, Any] | None = None
    documents: list[tuple[str, IO[bytes]]] = field(default_factory=list)
    advisory_read_out: bool = False


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("Write the date as year-month-day, for example 1988-03-27.")) from None


def _country(value: Any) -> str:
    text = _text(value)
    if not text or text.upper() in countries:
        return text.upper()
    code = countries.by_name(text)
    if not code:
        raise ValueError(
            _("“%(value)s” is not a country: write its two-letter code, for example GB.")
            % {"value": text}
        )
    return code


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("Write yes or no."))


def _languages(value: Any) -> list[tuple[str, str]]:
    """`"en:native, uk:good"` as (code, level) pairs."""
    levels = dict(LANGUAGE_LEVELS)
    pairs = []
    for item in _text(value).replace(";", ",").split(","):
        if not item.strip():
            continue
        code, _sep, level = item.strip().partition(":")
        level = level.strip().lower() or "good"
        if level not in levels:
            raise ValueError(
                _(
                    "Write each language as code:level, with a level of %(levels)s, "
                    "for example en:native."
                )
                % {"levels": ", ".join(levels)}
            )
        pairs.append((code.strip().lower(), level))
    return pairs


def answers_read(
    row: Mapping[str, Any], *, open_file=None
) -> tuple[TakenApplication, dict[str, str]]:
    """Read one application from named values (form fields, spreadsheet columns).

    Returns the application and a message per column that could not be read; columns
    that are not questions of the application are reported too, so that a misspelt
    column heading is not silently ignored. `open_file(name)` opens a document column's
    file (a path next to a spreadsheet); forms pass their uploaded files instead.
    """
    known = {*APPLICANT_FIELDS, "language", "languages", "advisory_read_out", "channel"}
    known |= set(SERVICE_COLUMNS) | set(DOCUMENT_COLUMNS)
    errors: dict[str, str] = {}
    for column in row:
        if column not in known:
            errors[column] = _("Not a question of the application; check the column heading.")
    answers: dict[str, Any] = {}
    for name in (*APPLICANT_FIELDS, "language"):
        if name not in row:
            continue
        try:
            if name in DATE_FIELDS:
                answers[name] = _date(row[name])
            elif name in COUNTRY_FIELDS:
                answers[name] = _country(row[name])
            elif name == "has_criminal_record":
                answers[name] = _yes_no(row[name])
            elif name == "sex":
                answers[name] = _text(row[name]).upper()[:1]
            else:
                answers[name] = _text(row[name])
        except ValueError as exc:
            errors[name] = str(exc)
    answers.setdefault("language", "en")
    if not answers["language"]:
        answers["language"] = "en"
    application = TakenApplication(answers=answers)
    try:
        application.languages = _languages(row.get("languages"))
    except ValueError as exc:
        errors["languages"] = str(exc)
    if not application.languages and "languages" not in errors:
        errors["languages"] = _("Add at least one language the applicant can work in.")
    record = {key: _text(row.get(column)) for column, key in SERVICE_COLUMNS.items()}
    if any(record.values()):
        for year in ("start_year", "end_year"):
            if record[year] and not record[year].isdigit():
                errors[f"service_{year}"] = _("Write the year as four digits, for example 2009.")
            record[year] = int(record[year]) if record[year].isdigit() else None
        record["country"] = record["country"].upper()
        application.service_record = record
    for column, kind in DOCUMENT_COLUMNS.items():
        value = row.get(column)
        if not value:
            continue
        if hasattr(value, "read"):
            application.documents.append((kind, value))
            continue
        try:
            application.documents.append((kind, open_file(_text(value))))
        except (OSError, ValueError, TypeError):
            errors[column] = _("The file “%(name)s” cannot be opened.") % {"name": _text(value)}
    try:
        application.advisory_read_out = bool(_yes_no(row.get("advisory_read_out")))
    except ValueError as exc:
        errors["advisory_read_out"] = str(exc)
    return application, errors


def may_take_applications(*, actor: Actor, mission: Mission) -> bool:
    """Whether this actor takes applications down for the mission (the access policy:
    its consular officers)."""
    return MissionAccess.of(actor, mission).may(TAKE_APPLICATIONS)


def application_check(*, application: TakenApplication) -> dict[str, str]:
    """Everything wrong with an application before anything is stored, one message per
    question (the same checks as the portal's pages)."""
    errors: dict[str, str] = {}
    answers = {k: v for k, v in application.answers.items() if v not in (None, "")}
    required = ("given_name", "surname", "date_of_birth", "sex", "nationality")
    required += ("passport_number", "passport_country", "passport_expiry", "email")
    required += ("address_line_1", "address_town", "address_country", "has_criminal_record")
    for name in required:
        answers.setdefault(name, "")
    try:
        draft_check(changes=answers)
    except IntakeInvalid as exc:
        errors.update(exc.errors)
    if not any(kind == Document.Kind.PASSPORT for kind, _file in application.documents):
        errors["passport_file"] = _("A scan or photo of the passport is required.")
    if not application.advisory_read_out:
        errors["advisory_read_out"] = _(
            "Read the legal advice and the risk notice to the applicant, then confirm it."
        )
    return errors


def _stored_files(case: Case | None) -> list[str]:
    if case is None:
        return []
    return list(Document.objects.filter(case=case).values_list("file", flat=True))


def application_take(
    *, mission_code: str, actor: Actor, application: TakenApplication, channel: str
) -> Case:
    """Take one complete application down for its applicant and submit it.

    All of it or nothing: any refused answer or document raises IntakeInvalid (a message
    per question) and leaves no case and no stored file behind. Must be called by a
    consular officer of the mission (the intake services refuse anyone else)."""
    if channel not in CHANNELS:
        raise ValueError(f"Unknown channel {channel!r}")
    mission = Mission.objects.filter(code=mission_code, is_active=True).first()
    if mission is None or not may_take_applications(actor=actor, mission=mission):
        raise TransitionRefused(
            _("Only consular officers of this mission take applications."), code="forbidden"
        )
    errors = application_check(application=application)
    if errors:
        raise IntakeInvalid(errors)
    stored: list[str] = []
    case = None
    try:
        with transaction.atomic():
            case = draft_start(
                mission_code=mission_code,
                language=application.answers["language"],
                taken_by=actor,
                channel=channel,
            )
            reference = case.reference
            answers = {k: v for k, v in application.answers.items() if k != "language"}
            draft_update(reference=reference, actor=actor, changes=answers)
            for code, level in application.languages:
                try:
                    draft_add_language(reference=reference, actor=actor, code=code, level=level)
                except IntakeInvalid as exc:
                    message = " ".join(exc.errors.values())
                    raise IntakeInvalid({"languages": f"{code}: {message}"}) from None
            if application.service_record:
                try:
                    draft_add_service_record(
                        reference=reference, actor=actor, **application.service_record
                    )
                except IntakeInvalid as exc:
                    errors = {f"service_{k}": v for k, v in exc.errors.items()}
                    raise IntakeInvalid(errors) from None
            for kind, uploaded in application.documents:
                try:
                    document_upload(
                        reference=reference, actor=actor, kind=kind, uploaded_file=uploaded
                    )
                except DocumentRefused as exc:
                    column = next(c for c, k in DOCUMENT_COLUMNS.items() if k == kind)
                    raise IntakeInvalid({column: exc.message}) from None
                stored = _stored_files(case)
            case.refresh_from_db()
            case_acknowledge_advisories(case=case, taken_by=actor.user)
            case = draft_submit(reference=reference, actor=actor)
    except BaseException:
        _delete_files(stored)
        raise
    return case


def _delete_files(names: Iterable[str]) -> None:
    storage = Document._meta.get_field("file").storage
    for name in names:
        if name:
            storage.delete(name)


@dataclass
class ImportLine:
    line: int
    reference: str = ""
    name: str = ""
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportReport:
    lines: list[ImportLine]
    committed: bool

    @property
    def failed(self) -> list[ImportLine]:
        return [line for line in self.lines if line.errors]


class _RollBack(Exception):
    pass


def applications_import(
    *,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    mission_code: str,
    actor: Actor,
    dry_run: bool,
    open_file=None,
    progress=None,
) -> ImportReport:
    """Take many applications from a spreadsheet, all or nothing.

    Every line is checked and taken exactly as `application_take` would; a line that is
    refused is reported (line, column, reason) and the others are still checked, so one
    run lists every problem. Unless `dry_run`, and only when no line was refused, all of
    them are committed together; otherwise nothing is kept (no case, no file).
    """
    lines: list[ImportLine] = []
    stored: list[str] = []
    committed = False
    try:
        with transaction.atomic():
            for number, row in rows:
                line = ImportLine(line=number)
                lines.append(line)
                application, unreadable = answers_read(row, open_file=open_file)
                # Every problem of the line at once; what could not be read says why first.
                line.errors = {**application_check(application=application), **unreadable}
                line.name = " ".join(
                    str(application.answers.get(k) or "") for k in ("given_name", "surname")
                ).strip()
                if not line.errors:
                    try:
                        with transaction.atomic():
                            case = application_take(
                                mission_code=mission_code,
                                actor=actor,
                                application=application,
                                channel="import",
                            )
                            stored += _stored_files(case)
                            line.reference = case.reference
                    except IntakeInvalid as exc:
                        line.errors = exc.errors
                    except CaseError as exc:
                        line.errors = {"": exc.message}
                if progress is not None:
                    progress(line)
            if dry_run or any(line.errors for line in lines):
                raise _RollBack
            committed = True
    except _RollBack:
        _delete_files(stored)
    except BaseException:
        _delete_files(stored)
        raise
    return ImportReport(lines=lines, committed=committed)
