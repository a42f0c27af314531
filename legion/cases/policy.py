"""The one access policy: which cases an actor may list, read and act on, which parts
of a case each role sees, and which actions besides transitions each role may take.

Every face (workspace pages, the API, the CLI, reports, identity review, exports) and
every service asks here; no face narrows or widens it, and none checks a role itself.

Scope, by who is asking:

- consular officers and consuls: the submitted cases of their missions (a draft is the
  applicant's until it is sent; consular officers may still act on one, to take an
  application down in person);
- defence attachés: the cases of their missions that reached an interview;
- HQ security: the cases other apps put in its scope through a registered scope
  extension (identity review items, break-the-glass grants);
- applicants: their own case, drafts included; the system: everything;
- HQ analysts and administrators: no case (aggregates and configuration only).

Fields (`CaseAccess`): the attaché never sees contact details or the passport, HQ
security sees identity and passport but not the interview, the applicant everything of
their own case except the assessments. Out-of-scope cases raise `CaseNotFound`, which
every face turns into its "not found" (404 page, 404 JSON, CLI exit 1), so a case
outside one's scope is indistinguishable from one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from legion.audit.services import audit_case_view
from legion.cases.errors import CaseError
from legion.cases.models import Case, Document
from legion.cases.states import CaseState
from legion.missions.models import HQ_ROLES, Membership, Mission, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

    from legion.missions.actors import Actor


class NotInScope(CaseError):
    """A case or mission the actor may not reach, or that does not exist (the same)."""


class CaseNotFound(NotInScope):
    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("No such case."), code="not_found")


class MissionNotFound(NotInScope):
    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("No such mission."), code="not_found")


# ------------------------------------------------------------------ who asked

# While a test (tests/test_mission_isolation.py) records, every question asked of the
# policy is noted: "case" (which cases), "mission" (one mission), "staff" (what the
# actor may do anywhere). A route that answers without asking fails that test.
_consultations: ContextVar[list[str] | None] = ContextVar("policy_consultations", default=None)


def _asked(what: str) -> None:
    noted = _consultations.get()
    if noted is not None:
        noted.append(what)


@contextmanager
def policy_consultations() -> Iterator[list[str]]:
    """Record which questions are asked of the policy inside the block."""
    noted: list[str] = []
    token = _consultations.set(noted)
    try:
        yield noted
    finally:
        _consultations.reset(token)


# ------------------------------------------------------------------ scope extensions

ScopeExtension = Callable[["Actor"], Q]
_extensions: dict[str, list[ScopeExtension]] = {}


def case_scope_extend(*, role: str, extension: ScopeExtension) -> ScopeExtension:
    """Let an app above `cases` widen a role's scope (HQ security: review items from
    identity, break-the-glass grants from audit), registered from its AppConfig.ready()
    so that `cases` never imports it. Idempotent: once per function and role."""
    registered = _extensions.setdefault(role, [])
    if extension not in registered:
        registered.append(extension)
    return extension


def case_scope_extensions() -> dict[str, tuple[ScopeExtension, ...]]:
    """What is registered (for tests and for reading the system)."""
    return {role: tuple(found) for role, found in _extensions.items()}


# ------------------------------------------------------------------ which cases

# Staff who work a mission's whole pipeline.
PIPELINE_ROLES = frozenset({Role.CONSULAR_OFFICER, Role.CONSUL})


def _had_interview() -> Q:
    # The interviews app sits above cases: reach its table through the relation's
    # model rather than an import.
    interview = Case._meta.get_field("interviews").related_model
    return Q(Exists(interview.objects.filter(case=OuterRef("pk"))))


def _staff_scope(actor: Actor, *, acting: bool) -> Q | None:
    pipeline = set().union(*(actor.mission_ids(role) for role in PIPELINE_ROLES))
    attache = actor.mission_ids(Role.DEFENCE_ATTACHE) - pipeline
    scope = Q(mission_id__in=sorted(pipeline))
    if attache:
        scope |= Q(mission_id__in=sorted(attache)) & _had_interview()
    for role in actor.hq_roles():
        for extension in _extensions.get(role, ()):
            scope |= extension(actor)
    scope &= ~Q(state=CaseState.DRAFT)
    if acting and (officer_at := actor.mission_ids(Role.CONSULAR_OFFICER)):
        # Taking an application down in person: the officer fills in the draft.
        scope |= Q(mission_id__in=sorted(officer_at), state=CaseState.DRAFT)
    return scope


def _cases(actor: Actor, *, acting: bool) -> QuerySet[Case]:
    _asked("case")
    cases = Case.objects.all()
    if actor.is_system:
        return cases
    if actor.is_applicant:
        return cases.filter(pk=actor.applicant_case_id)
    if actor.user is None or not actor.user.is_active or not actor.memberships:
        return cases.none()
    return cases.filter(_staff_scope(actor, acting=acting))


def cases_for(actor: Actor) -> QuerySet[Case]:
    """The cases this actor may list and read: the one selector of cases behind every
    page, API operation, command, report and export (see the module docstring)."""
    return _cases(actor, acting=False)


def case_for(
    actor: Actor,
    reference: str,
    *,
    for_update: bool = False,
    viewed: str = "",
    request: HttpRequest | None = None,
) -> Case:
    """One case by reference within the actor's scope, or `CaseNotFound`.

    `for_update` locks the case for the caller's transaction; it is the scope to act
    in (which adds the drafts a consular officer may fill in). `viewed` names what of
    its personal data the caller is about to show; the view is written to the audit
    log."""
    cases = _cases(actor, acting=for_update)
    if for_update:
        cases = cases.select_for_update(of=("self",))
    case = (
        cases.select_related("applicant", "mission", "assigned_to")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if case is None:
        raise CaseNotFound()
    if viewed:
        audit_case_view(actor=actor, case=case, request=request, what=viewed)
    return case


# ------------------------------------------------------------------ which fields

IDENTITY = "identity"  # names, date and place of birth, sex, nationality, languages
CONTACT = "contact"  # e-mail, phone, home address
PASSPORT = "passport"  # number, issuing country, expiry
ELIGIBILITY = "eligibility"  # rule results, advisories acknowledged
DOCUMENTS = "documents"  # the kinds in `document_kinds`
INTERVIEW = "interview"  # the booked interview: time, place, language
ASSESSMENTS = "assessments"  # the attaché's and the consul's signed assessments
TRAVEL = "travel"  # visa and travel instructions
FIELD_GROUPS = (IDENTITY, CONTACT, PASSPORT, ELIGIBILITY, DOCUMENTS, INTERVIEW, ASSESSMENTS, TRAVEL)

EXPERIENCE_KINDS = frozenset({Document.Kind.SERVICE_RECORD, Document.Kind.MEDICAL_LICENCE})
IDENTITY_KINDS = frozenset({Document.Kind.PASSPORT, Document.Kind.PHOTO})
ALL_KINDS = frozenset(Document.Kind.values)

_EVERYTHING = frozenset(FIELD_GROUPS)
FIELDS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.CONSULAR_OFFICER: _EVERYTHING,
    Role.CONSUL: _EVERYTHING,
    Role.DEFENCE_ATTACHE: frozenset({IDENTITY, ELIGIBILITY, DOCUMENTS, INTERVIEW, ASSESSMENTS}),
    Role.HQ_SECURITY: frozenset({IDENTITY, PASSPORT, DOCUMENTS}),
}
APPLICANT_FIELDS = _EVERYTHING - {ASSESSMENTS}
KINDS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.CONSULAR_OFFICER: ALL_KINDS,
    Role.CONSUL: ALL_KINDS,
    Role.DEFENCE_ATTACHE: EXPERIENCE_KINDS,
    Role.HQ_SECURITY: IDENTITY_KINDS,
}

# ------------------------------------------------------------------ which actions

ASSIGN = "assign"  # assign the case to an officer of its mission
TRANSFER = "transfer"  # move it to another mission
BOOK_INTERVIEW = "book_interview"
REVIEW_DOCUMENTS = "review_documents"  # verify or reject uploaded documents
ADD_DOCUMENTS = "add_documents"
FILL_DRAFT = "fill_draft"  # change the application before it is sent
WRITE_NOTE = "write_note"  # internal notes (and reading them)
MESSAGE = "message"  # the conversation with the applicant
REQUEST_INFORMATION = "request_information"
SIGN_MILITARY = "sign_military"
SIGN_CONSULAR = "sign_consular"
CASE_ACTIONS = frozenset(
    {
        ASSIGN,
        TRANSFER,
        BOOK_INTERVIEW,
        REVIEW_DOCUMENTS,
        ADD_DOCUMENTS,
        FILL_DRAFT,
        WRITE_NOTE,
        MESSAGE,
        REQUEST_INFORMATION,
        SIGN_MILITARY,
        SIGN_CONSULAR,
    }
)
_MISSION_STAFF = frozenset({Role.CONSULAR_OFFICER, Role.CONSUL, Role.DEFENCE_ATTACHE})
ACTIONS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.CONSULAR_OFFICER: frozenset(
        {
            ASSIGN,
            TRANSFER,
            BOOK_INTERVIEW,
            REVIEW_DOCUMENTS,
            ADD_DOCUMENTS,
            FILL_DRAFT,
            WRITE_NOTE,
            MESSAGE,
            REQUEST_INFORMATION,
        }
    ),
    Role.CONSUL: frozenset({WRITE_NOTE, MESSAGE, SIGN_CONSULAR}),
    Role.DEFENCE_ATTACHE: frozenset({WRITE_NOTE, MESSAGE, SIGN_MILITARY}),
}
APPLICANT_ACTIONS = frozenset({BOOK_INTERVIEW, ADD_DOCUMENTS, FILL_DRAFT, MESSAGE})
SYSTEM_ACTIONS = frozenset({ADD_DOCUMENTS, FILL_DRAFT})


@dataclass(frozen=True)
class CaseAccess:
    """What one actor sees of one case and which actions besides transitions they may
    take on it. Ask for it only about a case from `cases_for`/`case_for`: scope first."""

    fields: frozenset[str]
    document_kinds: frozenset[str]
    actions: frozenset[str]

    @classmethod
    def of(cls, actor: Actor, case: Case) -> CaseAccess:
        _asked("case")
        if actor.is_system:
            return cls(_EVERYTHING, ALL_KINDS, SYSTEM_ACTIONS)
        if actor.is_applicant:
            if actor.applicant_case_id != case.pk:
                return cls(frozenset(), frozenset(), frozenset())
            return cls(APPLICANT_FIELDS, ALL_KINDS, APPLICANT_ACTIONS)
        roles = actor.roles_at(case.mission_id) | (actor.hq_roles() & {Role.HQ_SECURITY})
        fields: set[str] = set()
        kinds: set[str] = set()
        actions: set[str] = set()
        for role in roles:
            fields |= FIELDS_BY_ROLE.get(role, frozenset())
            kinds |= KINDS_BY_ROLE.get(role, frozenset())
            actions |= ACTIONS_BY_ROLE.get(role, frozenset())
        return cls(frozenset(fields), frozenset(kinds), frozenset(actions))

    def sees(self, group: str) -> bool:
        if group not in FIELD_GROUPS:
            raise ValueError(f"Unknown field group {group!r}")
        return group in self.fields

    def may(self, action: str) -> bool:
        if action not in CASE_ACTIONS:
            raise ValueError(f"Unknown case action {action!r}")
        return action in self.actions

    def sees_document(self, document: Document) -> bool:
        return DOCUMENTS in self.fields and document.kind in self.document_kinds

    # Named for templates, which cannot pass arguments.
    @property
    def sees_identity(self) -> bool:
        return IDENTITY in self.fields

    @property
    def sees_contact(self) -> bool:
        return CONTACT in self.fields

    @property
    def sees_passport(self) -> bool:
        return PASSPORT in self.fields

    @property
    def sees_eligibility(self) -> bool:
        return ELIGIBILITY in self.fields

    @property
    def sees_documents(self) -> bool:
        return DOCUMENTS in self.fields and bool(self.document_kinds)

    @property
    def sees_interview(self) -> bool:
        return INTERVIEW in self.fields

    @property
    def sees_assessments(self) -> bool:
        return ASSESSMENTS in self.fields

    @property
    def sees_travel(self) -> bool:
        return TRAVEL in self.fields

    @property
    def reviews_documents(self) -> bool:
        return REVIEW_DOCUMENTS in self.actions

    @property
    def manages_case(self) -> bool:
        """Assignment, transfer and booking from the case page."""
        return {ASSIGN, TRANSFER, BOOK_INTERVIEW} <= self.actions

    @property
    def signs_military(self) -> bool:
        return SIGN_MILITARY in self.actions

    @property
    def signs_consular(self) -> bool:
        return SIGN_CONSULAR in self.actions

    @property
    def writes_notes(self) -> bool:
        return WRITE_NOTE in self.actions

    @property
    def requests_information(self) -> bool:
        return REQUEST_INFORMATION in self.actions


# ------------------------------------------------------------------ missions

WORK_QUEUE = "work_queue"  # the mission's queue and calendar
BULK_ACTIONS = "bulk_actions"  # verify, schedule, assign or reject many cases at once
MANAGE_SLOTS = "manage_slots"  # open and cancel interview slots
TAKE_APPLICATIONS = "take_applications"  # take an application down in person
SEARCH_PASSPORTS = "search_passports"  # find cases by passport number
SEE_SLOTS = "see_slots"  # the mission's interview slots (API)
MISSION_ACTIONS = frozenset(
    {WORK_QUEUE, BULK_ACTIONS, MANAGE_SLOTS, TAKE_APPLICATIONS, SEARCH_PASSPORTS, SEE_SLOTS}
)
MISSION_ACTIONS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.CONSULAR_OFFICER: MISSION_ACTIONS,
    Role.CONSUL: frozenset({WORK_QUEUE, MANAGE_SLOTS, SEARCH_PASSPORTS, SEE_SLOTS}),
    Role.DEFENCE_ATTACHE: frozenset({WORK_QUEUE, SEE_SLOTS}),
}


def missions_for(actor: Actor) -> list[Mission]:
    """The missions where this staff member holds a mission role, by name: the missions
    whose queue and calendar they work with."""
    _asked("mission")
    seen: dict[int, Mission] = {}
    for membership in actor.memberships:
        if membership.mission is not None:
            seen[membership.mission_id] = membership.mission
    return sorted(seen.values(), key=lambda m: m.name)


def mission_for(actor: Actor, code: str, *, action: str = WORK_QUEUE) -> Mission:
    """The mission with this code if the actor may take `action` there (by default:
    work its queue, which every mission role may), or `MissionNotFound`."""
    if action not in MISSION_ACTIONS:
        raise ValueError(f"Unknown mission action {action!r}")
    mission = Mission.objects.filter(code=code).first()
    if mission is None or not MissionAccess.of(actor, mission).may(action):
        raise MissionNotFound()
    return mission


def case_assignees(*, mission_id: int) -> list[AbstractBaseUser]:
    """The people a case of this mission can be assigned to: its active consular
    officers, by name."""
    return [
        m.user
        for m in Membership.objects.filter(
            mission_id=mission_id, role=Role.CONSULAR_OFFICER, user__is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__username")
    ]


def may_be_assigned(*, user: AbstractBaseUser, mission_id: int) -> bool:
    """Whether cases of this mission can be assigned to this user."""
    return bool(
        user.is_active
        and Membership.objects.filter(
            user=user, mission_id=mission_id, role=Role.CONSULAR_OFFICER
        ).exists()
    )


@dataclass(frozen=True)
class MissionAccess:
    """What one staff member may do at one mission outside a single case."""

    actions: frozenset[str]
    assessment_kinds: tuple[str, ...]  # "military", "consular": the ones they sign here
    whole_mission: bool  # every case of the mission, not only those of their role
    role_labels: tuple[str, ...]

    @classmethod
    def of(cls, actor: Actor, mission: Mission) -> MissionAccess:
        _asked("mission")
        roles = actor.roles_at(mission.pk) if actor.is_staff else set()
        actions: set[str] = set()
        for role in roles:
            actions |= MISSION_ACTIONS_BY_ROLE.get(role, frozenset())
        if actor.is_staff and actor.hq_roles():
            actions.add(SEE_SLOTS)  # HQ plans across missions
        kinds = tuple(
            kind
            for kind, role in (("military", Role.DEFENCE_ATTACHE), ("consular", Role.CONSUL))
            if role in roles
        )
        labels = tuple(str(Role(role).label) for role in sorted(roles))
        return cls(frozenset(actions), kinds, bool(roles & PIPELINE_ROLES), labels)

    def may(self, action: str) -> bool:
        if action not in MISSION_ACTIONS:
            raise ValueError(f"Unknown mission action {action!r}")
        return action in self.actions

    # Named for templates.
    @property
    def works_in_bulk(self) -> bool:
        return BULK_ACTIONS in self.actions

    @property
    def manages_slots(self) -> bool:
        return MANAGE_SLOTS in self.actions

    @property
    def takes_applications(self) -> bool:
        return TAKE_APPLICATIONS in self.actions

    @property
    def searches_passports(self) -> bool:
        return SEARCH_PASSPORTS in self.actions


# ------------------------------------------------------------------ staff, anywhere

REVIEW_IDENTITY = "review_identity"  # duplicate and watch-list items
BREAK_GLASS = "break_glass"
CONFIGURE = "configure"  # missions, staff, rules, advisories (the admin)
ALL_STATISTICS = "all_statistics"  # every mission's aggregates
STAFF_ACTIONS = frozenset({REVIEW_IDENTITY, BREAK_GLASS, CONFIGURE, ALL_STATISTICS})
STAFF_ACTIONS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.HQ_SECURITY: frozenset({REVIEW_IDENTITY, BREAK_GLASS, ALL_STATISTICS}),
    Role.HQ_ANALYST: frozenset({ALL_STATISTICS}),
    Role.ADMINISTRATOR: frozenset({CONFIGURE, ALL_STATISTICS}),
}


@dataclass(frozen=True)
class StaffAccess:
    """What a staff member may do that belongs to no mission and no case."""

    actions: frozenset[str]
    is_staff: bool  # holds any staff role at all
    hq_roles: frozenset[str]

    @classmethod
    def of(cls, actor: Actor) -> StaffAccess:
        _asked("staff")
        hq = frozenset(actor.hq_roles() & HQ_ROLES) if actor.is_staff else frozenset()
        actions: set[str] = set()
        for role in hq:
            actions |= STAFF_ACTIONS_BY_ROLE.get(role, frozenset())
        return cls(frozenset(actions), bool(actor.is_staff and actor.memberships), hq)

    def may(self, action: str) -> bool:
        if action not in STAFF_ACTIONS:
            raise ValueError(f"Unknown staff action {action!r}")
        return action in self.actions

    @property
    def hq_role_labels(self) -> list[str]:
        return sorted(str(Role(role).label) for role in self.hq_roles)

    @property
    def reviews_identity(self) -> bool:
        return REVIEW_IDENTITY in self.actions

    @property
    def breaks_glass(self) -> bool:
        return BREAK_GLASS in self.actions

    @property
    def configures(self) -> bool:
        return CONFIGURE in self.actions

    @property
    def sees_all_statistics(self) -> bool:
        return ALL_STATISTICS in self.actions
