"""The columns of a case export, each in the field group that decides who sees it: the
same groups the case page shows by role (legion/workspace/access.CaseAccess). Messages,
notes and documents are never exported."""

from collections.abc import Callable
from dataclasses import dataclass

from legion.cases.models import Case
from legion.workspace.access import CaseAccess


@dataclass(frozen=True)
class Column:
    header: str
    group: str  # "case", "contact", "passport"
    value: Callable[[Case], object]


def _date(value) -> str:
    return value.isoformat() if value else ""


COLUMNS = (
    Column("reference", "case", lambda c: c.reference),
    Column("state", "case", lambda c: c.state),
    Column("mission", "case", lambda c: c.mission.code),
    Column("submitted_at", "case", lambda c: _date(c.submitted_at)),
    Column("assigned_to", "case", lambda c: c.assigned_to.get_username() if c.assigned_to else ""),
    Column("given_name", "case", lambda c: c.applicant.given_name),
    Column("surname", "case", lambda c: c.applicant.surname),
    Column("native_name", "case", lambda c: c.applicant.native_name),
    Column("date_of_birth", "case", lambda c: _date(c.applicant.date_of_birth)),
    Column("nationality", "case", lambda c: c.applicant.nationality.code or ""),
    Column("email", "contact", lambda c: c.applicant.email),
    Column("phone", "contact", lambda c: c.applicant.phone),
    Column("passport_number", "passport", lambda c: c.applicant.passport_number),
    Column("passport_country", "passport", lambda c: c.applicant.passport_country.code or ""),
    Column("passport_expiry", "passport", lambda c: _date(c.applicant.passport_expiry)),
)


def columns_for(access: CaseAccess) -> tuple[Column, ...]:
    """The columns a role may see."""
    groups = {"case"}
    if access.sees_contact:
        groups.add("contact")
    if access.sees_passport:
        groups.add("passport")
    return tuple(c for c in COLUMNS if c.group in groups)
