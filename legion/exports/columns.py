"""The columns of a case export, each in the field group that decides who sees it: the
same field groups the case page shows by role (the access policy's CaseAccess).
Messages, notes and documents are never exported."""

from collections.abc import Callable
from dataclasses import dataclass

from legion.cases.models import Case
from legion.cases.policy import CONTACT, IDENTITY, PASSPORT, CaseAccess


@dataclass(frozen=True)
class Column:
    header: str
    group: str  # "case" (whoever may list the case) or a field group of the policy
    value: Callable[[Case], object]


def _date(value) -> str:
    return value.isoformat() if value else ""


COLUMNS = (
    Column("reference", "case", lambda c: c.reference),
    Column("state", "case", lambda c: c.state),
    Column("mission", "case", lambda c: c.mission.code),
    Column("submitted_at", "case", lambda c: _date(c.submitted_at)),
    Column("assigned_to", "case", lambda c: c.assigned_to.get_username() if c.assigned_to else ""),
    Column("given_name", IDENTITY, lambda c: c.applicant.given_name),
    Column("surname", IDENTITY, lambda c: c.applicant.surname),
    Column("native_name", IDENTITY, lambda c: c.applicant.native_name),
    Column("date_of_birth", IDENTITY, lambda c: _date(c.applicant.date_of_birth)),
    Column("nationality", IDENTITY, lambda c: c.applicant.nationality.code or ""),
    Column("email", CONTACT, lambda c: c.applicant.email),
    Column("phone", CONTACT, lambda c: c.applicant.phone),
    Column("passport_number", PASSPORT, lambda c: c.applicant.passport_number),
    Column("passport_country", PASSPORT, lambda c: c.applicant.passport_country.code or ""),
    Column("passport_expiry", PASSPORT, lambda c: _date(c.applicant.passport_expiry)),
)


def columns_for(access: CaseAccess) -> tuple[Column, ...]:
    """The columns a role may see."""
    return tuple(c for c in COLUMNS if c.group == "case" or access.sees(c.group))
