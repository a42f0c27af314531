"""The fast bulk path: benchmark volumes (up to millions of cases) in minutes.

    from legion.demo.bulk import cases_bulk_generate
    cases_bulk_generate(count=1_000_000, seed=1)      # or: legion demo --bulk 1000000

Unlike `applicants_generate` (which calls the workflow services for every step), this
writes rows in chunks straight into the tables, without model instances: COPY on
PostgreSQL (psycopg's `cursor.copy`), INSERT ... executemany on SQLite. Memory stays
bounded by one chunk (`batch_size` cases and what belongs to them).

Each case gets the 2022 nationality mix and the demo state mix, and what the services
would have left behind on its way there, in the same proportions as the realistic path:
- documents (passport, criminal-record certificate, proof of service or a medical
  licence, most with a photo), pending, verified or rejected as the state implies;
- a service record; an officer of the mission assigned once the review started;
- an interview in a slot of the mission (booked, or held with both signed assessments)
  for every case that reached `interview_scheduled`;
- the visa decision (issued, or refused for a share of the rejections) and the travel
  instructions;
- the acknowledgements of the advisories shown at submission;
- one CaseEvent per step (uploads, document reviews, assignment, transitions,
  assessments), in time order from the submission, with the mission's staff as actors.

Encrypted fields (passport, visa and licence numbers, assembly points, and whatever
the models seal) are sealed by their own fields and every blind index is filled by its
own field, so search by passport number works on bulk data as on real data.
What it leaves out, to stay fast: the files behind the document records (downloads
answer "file missing"), identity screening (no duplicate or watch-list review items),
the audit chain and outgoing messages. Use it only for benchmarks and demos.
Measured rates are in bench/RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from legion.advisories.models import Acknowledgement
from legion.advisories.services import advisory_for_nationality, risk_notice
from legion.cases.instructions import DEFAULT_DOCUMENTS, DEFAULT_EQUIPMENT
from legion.cases.models import (
    REFERENCE_ALPHABET,
    Applicant,
    Case,
    CaseEvent,
    Document,
    ServiceRecord,
    TravelInstructions,
    VisaDecision,
)
from legion.cases.states import CaseState as S
from legion.crypto import BlindIndexField, EncryptedTextField
from legion.demo import content
from legion.demo.addresses import address_random
from legion.demo.applicants import BRANCHES, DEPLOYMENTS, SPECIALTIES, STATE_WEIGHTS
from legion.demo.names import (
    MISSION_FOR_NATIONALITY,
    MOTHER_TONGUE,
    NATIONALITY_WEIGHTS,
    name_for,
)
from legion.interviews.models import Assessment, Interview, InterviewSlot
from legion.missions.models import Membership, Mission, Role

# The canonical path to each state: (action, from, to) steps.
_FORWARD = [
    ("submit", S.DRAFT, S.SUBMITTED),
    ("start_review", S.SUBMITTED, S.IN_REVIEW),
    ("schedule_interview", S.IN_REVIEW, S.INTERVIEW_SCHEDULED),
    ("complete_interview", S.INTERVIEW_SCHEDULED, S.INTERVIEWED),
    ("open_visa", S.INTERVIEWED, S.VISA_PENDING),
    ("issue_visa", S.VISA_PENDING, S.VISA_ISSUED),
    ("issue_instructions", S.VISA_ISSUED, S.INSTRUCTIONS_ISSUED),
    ("record_arrival", S.INSTRUCTIONS_ISSUED, S.ARRIVED),
]


def _path_to(state: str) -> list[tuple[str, str, str]]:
    for index, (_, _, target) in enumerate(_FORWARD):
        if target == state:
            return _FORWARD[: index + 1]
    review = _FORWARD[:2]
    return {
        S.DRAFT: [],
        S.REJECTED: [*review, ("reject", S.IN_REVIEW, S.REJECTED)],
        S.REFERRED: [*review, ("refer", S.IN_REVIEW, S.REFERRED)],
        S.WITHDRAWN: [_FORWARD[0], ("withdraw", S.SUBMITTED, S.WITHDRAWN)],
        S.ON_HOLD: [_FORWARD[0], ("hold", S.SUBMITTED, S.ON_HOLD)],
    }[state]


PATHS = {state: _path_to(state) for state in S.values}
# Rejections happen at three points of the path, as on the realistic path: at review
# (most), after an unfavourable interview, or when the consul refuses the visa.
REJECTION_PATHS = {
    "review": PATHS[S.REJECTED],
    "interview": [*_FORWARD[:4], ("reject_after_interview", S.INTERVIEWED, S.REJECTED)],
    "visa": [*_FORWARD[:5], ("refuse_visa", S.VISA_PENDING, S.REJECTED)],
}
REJECTION_WEIGHTS = {"review": 70, "interview": 20, "visa": 10}
REASONS = {
    "reject": "Not eligible: no documented military, law-enforcement or medical experience",
    "refer": "Referred to humanitarian and non-combat volunteering",
    "hold": "Security check",
    "reject_after_interview": "Military suitability (defence attaché): not suitable",
    "refuse_visa": "Visa refused by the consul",
    "withdraw": "Changed plans",
}
FINAL = {S.ARRIVED, S.REJECTED, S.REFERRED, S.WITHDRAWN}
# States whose documents have been reviewed (verified) on the way.
REVIEWED = {
    S.INTERVIEW_SCHEDULED,
    S.INTERVIEWED,
    S.VISA_PENDING,
    S.VISA_ISSUED,
    S.INSTRUCTIONS_ISSUED,
    S.ARRIVED,
}
DOCUMENT_FILES = {
    Document.Kind.PASSPORT: ("passport.pdf", "application/pdf"),
    Document.Kind.CRIMINAL_RECORD: ("criminal_record_certificate.pdf", "application/pdf"),
    Document.Kind.SERVICE_RECORD: ("service_record.pdf", "application/pdf"),
    Document.Kind.MEDICAL_LICENCE: ("medical_licence.pdf", "application/pdf"),
    Document.Kind.PHOTO: ("photo.jpg", "image/jpeg"),
}
PORTAL_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
# The most rows one case can write to each table (with room to spare): the size of a
# parallel process's block of ids per case.
ROWS_PER_CASE = {
    Applicant: 1,
    Case: 1,
    InterviewSlot: 2,
    Interview: 2,
    Assessment: 3,
    Document: 8,
    ServiceRecord: 2,
    VisaDecision: 2,
    TravelInstructions: 2,
    Acknowledgement: 4,
    CaseEvent: 40,
}
SLOT_CAPACITY = 4
SLOT_MINUTES = 30


def _reference(rng: random.Random, seen: set[str], part: tuple[int, int] = (0, 1)) -> str:
    """A new reference; with `part` = (k, n) only those whose first letter's place in
    the alphabet is k modulo n, so n processes never make the same one."""
    k, n = part
    while True:
        bits = rng.getrandbits(40)
        if (bits & 31) % n != k:
            continue
        chars = "".join(REFERENCE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(8))
        reference = f"LGN-{chars[:4]}-{chars[4:]}"
        if reference not in seen:
            seen.add(reference)
            return reference


class _Table:
    """Rows for one model, written in one COPY (or executemany) per chunk.

    Every concrete field is written; a field a row leaves out gets its default, so
    fields added to the model later keep working. Sealed fields are sealed and blind
    indexes computed by their own field classes; on SQLite every value goes through
    the field's database preparation, on PostgreSQL only the values that need it.
    """

    def __init__(self, model: type[models.Model], now: dt.datetime) -> None:
        self.model = model
        self.fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in self.fields]
        self.defaults = {
            f.attname: now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default()
            for f in self.fields
        }
        self.indexes = [f for f in self.fields if isinstance(f, BlindIndexField)]
        self.position = {name: i for i, name in enumerate(self.attnames)}
        self.template = [self.defaults[name] for name in self.attnames]
        fast = connection.vendor == "postgresql"
        self.prepare: list[Callable[[Any], Any] | None] = [
            self._preparer(f) if not fast or self._needs_preparation(f) else None
            for f in self.fields
        ]
        self.rows: list[list[Any]] = []

    @staticmethod
    def _needs_preparation(f: models.Field) -> bool:
        return isinstance(f, (EncryptedTextField, models.JSONField))

    @staticmethod
    def _preparer(f: models.Field) -> Callable[[Any], Any]:
        if isinstance(f, models.JSONField) and connection.vendor == "postgresql":
            return json.dumps  # COPY's text format takes JSON as its text
        return lambda value: f.get_db_prep_save(value, connection)

    def add(self, **values: Any) -> None:
        if self.indexes:
            holder = SimpleNamespace(**{**self.defaults, **values})
            for index in self.indexes:
                values[index.attname] = index.pre_save(holder, True)
        row = self.template.copy()
        position = self.position
        for name, value in values.items():
            row[position[name]] = value
        self.rows.append(row)

    def flush(self) -> int:
        if not self.rows:
            return 0
        prepare = [(i, p) for i, p in enumerate(self.prepare) if p is not None]
        for row in self.rows:
            for i, p in prepare:
                row[i] = p(row[i])
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is several times faster than INSERT on PostgreSQL.
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(self.fields))
                # Only model metadata goes into the statement; every value is a parameter.
                sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
                cursor.executemany(sql, self.rows)
        written = len(self.rows)
        self.rows = []
        return written


class _Ids:
    """The next free primary key of each table (explicit ids let rows refer to each
    other within one chunk without reading anything back). A process of a parallel
    fill takes its ids from a block of its own (`block`), and never beyond its end."""

    def __init__(self, models_: Iterable[type[models.Model]]) -> None:
        self.next = {m: (m.objects.aggregate(top=Max("id"))["top"] or 0) + 1 for m in models_}
        self.end: dict[type[models.Model], int] = {}

    def block(self, start: dict, cases: int, part: int) -> None:
        """Ids for `cases` cases from part number `part` of blocks starting at `start`."""
        for model in self.next:
            size = cases * ROWS_PER_CASE[model]
            self.next[model] = start[model] + part * size
            self.end[model] = self.next[model] + size

    def take(self, model: type[models.Model]) -> int:
        value = self.next[model]
        if model in self.end and value >= self.end[model]:
            raise RuntimeError(f"Bulk fill ran out of ids for {model.__name__}.")
        self.next[model] = value + 1
        return value


@dataclass
class _Staff:
    """The people of one mission who appear as actors in its bulk cases."""

    officers: list[Any]
    attache: Any
    consul: Any


@dataclass
class _Slots:
    """Interview slots of one mission, filled SLOT_CAPACITY interviews at a time."""

    mission: Mission
    # start: [slot id, interviews booked, rooms at that time]
    by_start: dict[dt.datetime, list[int]] = field(default_factory=dict)


def _mission_staff(missions: dict[str, Mission]) -> dict[int, _Staff]:
    people: dict[int, dict[str, list[Any]]] = {}
    for membership in Membership.objects.filter(mission__isnull=False).select_related("user"):
        people.setdefault(membership.mission_id, {}).setdefault(membership.role, []).append(
            membership.user
        )
    staff = {}
    for mission in missions.values():
        roles = people.get(mission.pk, {})
        officers = roles.get(Role.CONSULAR_OFFICER, [])
        attache = (roles.get(Role.DEFENCE_ATTACHE) or [None])[0]
        consul = (roles.get(Role.CONSUL) or [None])[0]
        if not officers or attache is None or consul is None:
            raise ValueError(
                f"Mission {mission.code} needs a consular officer, a defence attaché and a "
                "consul for bulk cases: run `legion demo` (or demo_configure()) first."
            )
        staff[mission.pk] = _Staff(officers, attache, consul)
    return staff


def _may_skip_triggers() -> bool:
    """Whether this connection may switch off triggers for its own transactions.

    The foreign-key checks are triggers: with `session_replication_role = replica` a
    chunk skips them (a superuser's privilege; the ids written refer to rows written
    before or in the same chunk, so there is nothing to check). Otherwise they run.
    """
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _label(user: Any) -> str:
    return user.get_full_name() or user.username


class _Generator:
    """Writes one chunk of cases with everything that belongs to them."""

    # Every table written, in the order of their foreign keys.
    MODELS = (
        Applicant,
        Case,
        InterviewSlot,
        Interview,
        Assessment,
        Document,
        ServiceRecord,
        VisaDecision,
        TravelInstructions,
        Acknowledgement,
        CaseEvent,
    )

    def __init__(self, *, seed: int | str, now: dt.datetime, missions: dict[str, Mission]) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not secrets)
        # Addresses from a generator of their own: the other data stay those of the seed.
        self.address_rng = random.Random(f"{seed}-addresses")  # noqa: S311
        self.now = now
        self.today = timezone.localdate()
        self.missions = missions
        self.fallback = next(iter(missions.values()))
        self.staff = _mission_staff(missions)
        self.labels = {
            user.pk: _label(user)
            for people in self.staff.values()
            for user in (*people.officers, people.attache, people.consul)
        }
        self.slots = {mission.pk: _Slots(mission) for mission in missions.values()}
        self.nationalities = list(NATIONALITY_WEIGHTS)
        self.nationality_weights = [NATIONALITY_WEIGHTS[n] for n in self.nationalities]
        self.states = list(STATE_WEIGHTS)
        self.state_weights = [STATE_WEIGHTS[s] for s in self.states]
        self.rejections = list(REJECTION_WEIGHTS)
        self.rejection_weights = list(REJECTION_WEIGHTS.values())
        self.tables = {model: _Table(model, now) for model in self.MODELS}
        self.ids = _Ids(self.tables)
        names = self.tables[Document].attnames
        self.document_columns = [
            names.index(name)
            for name in ("status", "reviewed_by_id", "reviewed_at", "rejection_reason")
        ]
        self.advisories: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.seen: set[str] = set()
        self.part = (0, 1)  # (this process, of how many): see _reference
        self.skip_triggers = _may_skip_triggers()

    # ------------------------------------------------------------------ helpers

    def _event(self, case_id: int, at: dt.datetime, kind: str, action: str, **values) -> None:
        self.tables[CaseEvent].add(
            id=self.ids.take(CaseEvent),
            case_id=case_id,
            kind=kind,
            action=action,
            created_at=at,
            **values,
        )

    def _acknowledgements(self, nationality: str, language: str) -> list[dict[str, Any]]:
        key = (nationality, language)
        if key not in self.advisories:
            views = [advisory_for_nationality(nationality=nationality, language=language)]
            if notice := risk_notice(language=language):
                views.append(notice)
            self.advisories[key] = [
                {
                    "advisory_id": view.advisory.pk if view.advisory else None,
                    "nationality": view.nationality,
                    "stance": view.stance,
                    "advisory_version": view.version,
                    "language": view.language,
                    "text": f"{view.title}\n\n{view.body}",
                    "text_sha256": view.text_sha256,
                }
                for view in views
            ]
        return self.advisories[key]

    def _slot(self, mission_id: int, wanted: dt.datetime) -> int:
        """A slot of the mission at `wanted` (moved into working hours, on the half-hour
        grid) with room left; a full slot gets a parallel one in another room. New slots
        are written with the chunk."""
        slots = self.slots[mission_id]
        start = wanted.replace(minute=wanted.minute // 30 * 30, second=0, microsecond=0)
        if start.hour < 8 or start.hour > 15:
            start = start.replace(hour=8 + start.hour % 8)
        entry = slots.by_start.get(start)
        if entry is None or entry[1] >= SLOT_CAPACITY:
            rooms = entry[2] + 1 if entry else 1
            entry = [self.ids.take(InterviewSlot), 0, rooms]
            slots.by_start[start] = entry
            self.tables[InterviewSlot].add(
                id=entry[0],
                mission_id=mission_id,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=SLOT_MINUTES),
                # Processes of a parallel fill number their rooms apart.
                location=f"{slots.mission.name}, {slots.mission.city}: interview room "
                f"{(rooms - 1) * self.part[1] + self.part[0] + 1}",
                capacity=SLOT_CAPACITY,
            )
        entry[1] += 1
        return entry[0]

    # ------------------------------------------------------------------ one case

    def case(self, nationality: str, target: str) -> None:
        rng, ids, tables = self.rng, self.ids, self.tables
        name = name_for(nationality, rng)
        number = f"{nationality}{rng.randint(10_000_000, 99_999_999)}"
        applicant_id, case_id = ids.take(Applicant), ids.take(Case)
        language = MOTHER_TONGUE.get(nationality, "en")
        language = language if language in PORTAL_LANGUAGES and rng.random() < 0.6 else "en"
        medical = rng.random() < 0.06
        tables[Applicant].add(
            id=applicant_id,
            given_name=name.given,
            surname=name.surname,
            native_name=name.native,
            date_of_birth=self.today - dt.timedelta(days=rng.randint(19 * 365, 58 * 365)),
            sex="M" if rng.random() < 0.93 else "F",
            nationality=nationality,
            passport_number=number,
            passport_country=nationality,
            passport_expiry=self.today + dt.timedelta(days=rng.randint(200, 3000)),
            email=f"{name.given}.{name.surname}.{applicant_id}@mail.example".lower(),
            phone=f"+{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            languages=[{"code": "en", "level": "fluent"}],
            has_criminal_record=False,
            **address_random(nationality, self.address_rng).as_fields(),
        )
        mission = self.missions.get(MISSION_FOR_NATIONALITY.get(nationality, ""), self.fallback)
        staff = self.staff[mission.pk]
        path = PATHS[target]
        if target == S.REJECTED:
            how = rng.choices(self.rejections, weights=self.rejection_weights)[0]
            path = REJECTION_PATHS[how]
        actions = {action for action, _, _ in path}
        submitted = (
            self.now - dt.timedelta(minutes=rng.randint(60, 40 * 24 * 60))
            if target != S.DRAFT
            else None
        )
        draft_until = submitted or self.now
        created = draft_until - dt.timedelta(minutes=rng.randint(10, 3 * 24 * 60))
        # Each step after the submission a few hours to days after the one before, never
        # in the future.
        step = (self.now - draft_until) / (len(path) + 2)
        clock = [draft_until]

        def later() -> dt.datetime:
            clock[0] = min(self.now, clock[0] + step * (0.5 + rng.random()))
            return clock[0]

        officer = rng.choice(staff.officers)
        assigned = "start_review" in actions and rng.random() < 0.8
        tables[Case].add(
            id=case_id,
            reference=_reference(rng, self.seen, self.part),
            mission_id=mission.pk,
            applicant_id=applicant_id,
            state=target,
            held_from_state=S.SUBMITTED if target == S.ON_HOLD else "",
            language=language,
            assigned_to_id=officer.pk if assigned else None,
            created_at=created,
            updated_at=self.now,
            submitted_at=submitted,
            closed_at=self.now if target in FINAL else None,
        )
        tables[ServiceRecord].add(
            id=ids.take(ServiceRecord),
            case_id=case_id,
            kind=ServiceRecord.Kind.MEDICAL if medical else ServiceRecord.Kind.MILITARY,
            country=nationality,
            branch="Paramedic" if medical else rng.choice(BRANCHES.get(nationality, ["Army"])),
            specialty="" if medical else rng.choice(SPECIALTIES),
            start_year=self.today.year - rng.randint(4, 20),
            end_year=self.today.year - rng.randint(0, 3),
            deployments="" if medical else rng.choice(DEPLOYMENTS),
            licence_number=f"ML-{rng.randint(100_000, 999_999)}" if medical else "",
        )
        # Documents, uploaded while the case was a draft.
        kinds = [
            Document.Kind.PASSPORT,
            Document.Kind.CRIMINAL_RECORD,
            Document.Kind.MEDICAL_LICENCE if medical else Document.Kind.SERVICE_RECORD,
        ]
        if rng.random() < 0.7:
            kinds.append(Document.Kind.PHOTO)
        if target == S.DRAFT:
            kinds = kinds[: rng.randint(0, len(kinds))]
        documents = []
        for number, kind in enumerate(kinds, start=1):
            document_id = ids.take(Document)
            at = created + (draft_until - created) * number / (len(kinds) + 1)
            documents.append((document_id, kind))
            file_name, content_type = DOCUMENT_FILES[kind]
            self._event(
                case_id,
                at,
                CaseEvent.Kind.DOCUMENT,
                "upload",
                actor_label="applicant",
                data={"document": document_id, "kind": kind},
            )
            tables[Document].add(
                id=document_id,
                case_id=case_id,
                kind=kind,
                file=f"documents/{rng.getrandbits(128):032x}",
                original_name=file_name,
                content_type=content_type,
                size=rng.randint(60_000, 2_000_000),
                sha256=f"{rng.getrandbits(256):064x}",
                uploaded_at=at,
            )
        if submitted is not None:
            for values in self._acknowledgements(nationality, language):
                tables[Acknowledgement].add(
                    id=ids.take(Acknowledgement),
                    case_id=case_id,
                    acknowledged_at=submitted,
                    **values,
                )
        officer_label = self.labels[officer.pk]
        for action, source, to_state in path:
            at = submitted if action == "submit" else later()
            if action == "start_review" and assigned:
                self._event(
                    case_id,
                    at,
                    CaseEvent.Kind.ASSIGNMENT,
                    "assign",
                    actor_id=officer.pk,
                    actor_label=officer_label,
                    data={"assignee": officer.pk},
                )
            if action in ("schedule_interview", "reject", "refer"):
                self._review_documents(case_id, documents, officer, at, rejected=action)
            if action == "complete_interview":
                self._assess(case_id, mission.pk, staff, at, path, language)
            actor = self._actor_of(action, staff, officer)
            self._event(
                case_id,
                at,
                CaseEvent.Kind.TRANSITION,
                action,
                from_state=source,
                to_state=to_state,
                actor_id=actor.pk if actor else None,
                actor_label=self.labels[actor.pk] if actor else "applicant",
                reason=REASONS.get(action, ""),
            )
            if action in ("issue_visa", "refuse_visa"):
                self._visa(case_id, staff, at, issued=action == "issue_visa")
            if action == "issue_instructions":
                self._instructions(case_id, mission, officer, at, language)
        if target == S.INTERVIEW_SCHEDULED:  # booked, in the coming weeks
            when = self.now + dt.timedelta(minutes=rng.randint(24 * 60, 21 * 24 * 60))
            tables[Interview].add(
                id=ids.take(Interview),
                case_id=case_id,
                slot_id=self._slot(mission.pk, when),
                status=Interview.Status.BOOKED,
                language=language,
                booked_at=clock[0],
            )

    @staticmethod
    def _actor_of(action: str, staff: _Staff, officer: Any) -> Any:
        if action in ("submit", "withdraw"):
            return None  # the applicant
        if action in ("complete_interview", "reject_after_interview"):
            return staff.consul  # the second signature completes the interview
        if action in ("issue_visa", "refuse_visa"):
            return staff.consul
        return officer

    def _review_documents(
        self, case_id: int, documents: list, officer: Any, at: dt.datetime, *, rejected: str
    ) -> None:
        """The officer's review before scheduling (all verified) or before a refusal
        at review (the proof of experience rejected)."""
        label = self.labels[officer.pk]
        for document_id, kind in documents:
            refused = rejected == "reject" and kind in (
                Document.Kind.SERVICE_RECORD,
                Document.Kind.MEDICAL_LICENCE,
            )
            status = Document.Status.REJECTED if refused else Document.Status.VERIFIED
            self._set_document(document_id, status, officer.pk, at, refused)
            self._event(
                case_id,
                at,
                CaseEvent.Kind.DOCUMENT,
                "reject" if refused else "verify",
                actor_id=officer.pk,
                actor_label=label,
                reason="Not legible" if refused else "",
                data={"document": document_id, "kind": kind},
            )

    def _set_document(
        self, document_id: int, status: str, user_id: int, at: dt.datetime, refused: bool
    ) -> None:
        # The document's row is still in this chunk's buffer: change it in place.
        table = self.tables[Document]
        row = next(r for r in reversed(table.rows) if r[0] == document_id)
        status_at, by_at, when_at, reason_at = self.document_columns
        row[status_at], row[by_at], row[when_at] = status, user_id, at
        row[reason_at] = "Not legible" if refused else ""

    def _assess(
        self, case_id: int, mission_id: int, staff: _Staff, at: dt.datetime, path, language
    ) -> None:
        """The interview, held at `at`, and both signed assessments."""
        unfavourable = any(action == "reject_after_interview" for action, _, _ in path)
        interview_id = self.ids.take(Interview)
        self.tables[Interview].add(
            id=interview_id,
            case_id=case_id,
            slot_id=self._slot(mission_id, at),
            status=Interview.Status.HELD,
            language=language,
            booked_at=at - dt.timedelta(days=7),
        )
        for kind, user in (
            (Assessment.Kind.MILITARY, staff.attache),
            (Assessment.Kind.CONSULAR, staff.consul),
        ):
            military = kind == Assessment.Kind.MILITARY
            favourable = not (unfavourable and military)
            self.tables[Assessment].add(
                id=self.ids.take(Assessment),
                interview_id=interview_id,
                kind=kind,
                favourable=favourable,
                suitability=(
                    Assessment.Suitability.SUITABLE
                    if favourable
                    else Assessment.Suitability.NOT_SUITABLE
                )
                if military
                else "",
                recommended_role=self.rng.choice(SPECIALTIES) if military and favourable else "",
                identity_confirmed=None if military else True,
                language_ok=None if military else True,
                signed_by_id=user.pk,
                signed_by_name=self.labels[user.pk],
                signed_at=at,
            )
            self._event(
                case_id,
                at,
                CaseEvent.Kind.INTERVIEW,
                f"sign_{kind}_assessment",
                actor_id=user.pk,
                actor_label=self.labels[user.pk],
                data={"favourable": favourable},
            )

    def _visa(self, case_id: int, staff: _Staff, at: dt.datetime, *, issued: bool) -> None:
        start = at.date()
        self.tables[VisaDecision].add(
            id=self.ids.take(VisaDecision),
            case_id=case_id,
            decision=VisaDecision.Decision.ISSUED if issued else VisaDecision.Decision.REFUSED,
            visa_type="D (national, long stay)" if issued else "",
            visa_number=f"UA{self.rng.randint(1_000_000, 9_999_999)}" if issued else "",
            valid_from=start if issued else None,
            valid_until=start + dt.timedelta(days=180) if issued else None,
            reason="" if issued else REASONS["refuse_visa"],
            decided_by_id=staff.consul.pk,
            decided_at=at,
        )

    def _instructions(
        self, case_id: int, mission: Mission, officer: Any, at: dt.datetime, language: str
    ) -> None:
        self.tables[TravelInstructions].add(
            id=self.ids.take(TravelInstructions),
            case_id=case_id,
            entry_point=mission.default_entry_point or content.ENTRY_POINTS["default"],
            assembly_point=mission.default_assembly_point or content.ASSEMBLY_POINT,
            report_by=at.date() + dt.timedelta(days=14),
            documents_to_bring=list(DEFAULT_DOCUMENTS),
            equipment=list(DEFAULT_EQUIPMENT),
            contacts=mission.default_contacts or content.CONTACTS,
            language=language,
            issued_by_id=officer.pk,
            issued_at=at,
        )

    # ------------------------------------------------------------------ one chunk

    def chunk(self, size: int) -> None:
        picked = self.rng.choices(self.nationalities, weights=self.nationality_weights, k=size)
        targets = self.rng.choices(self.states, weights=self.state_weights, k=size)
        for nationality, target in zip(picked, targets, strict=True):
            self.case(nationality, target)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Benchmark data: a lost chunk after a crash is simply generated again.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    if self.skip_triggers:
                        cursor.execute("SET LOCAL session_replication_role = replica")
            for table in self.tables.values():  # in the order of their foreign keys
                table.flush()


def cases_bulk_generate(
    *,
    count: int,
    seed: int = 1,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
    processes: int = 1,
) -> int:
    """Add `count` applicants with cases, documents, interviews, visas, instructions and
    event histories in chunks of `batch_size`; returns the count.

    Needs the demo missions and their staff (`demo_configure()`); cases go to the
    mission of the applicant's nationality as in the realistic path. On PostgreSQL
    `processes` > 1 shares the work among that many processes, each with its own
    connection, random generator (seeded from `seed`), block of ids and share of the
    references: generating rows in Python is most of the work, and one process keeps
    one core busy.
    """
    if count < 0 or batch_size < 1 or processes < 1:
        raise ValueError("The count must not be negative, the batch size and processes at least 1.")
    missions = {m.code: m for m in Mission.objects.all()}
    if not missions:
        raise ValueError("No missions: run `legion demo` (or demo_configure()) first.")
    now = timezone.now()
    if processes == 1 or connection.vendor != "postgresql" or count < 2 * batch_size:
        generator = _Generator(seed=seed, now=now, missions=missions)
        if count < 100_000:  # a re-run with the same seed must not collide with itself
            generator.seen = set(Case.objects.values_list("reference", flat=True))
        reported = [0]

        def report(size: int) -> None:
            reported[0] += size
            if progress is not None:
                progress(reported[0], count)

        done = _fill(generator, count, batch_size, report)
        models_ = list(generator.tables)
    else:
        done, models_ = _fill_in_parallel(
            count=count,
            seed=seed,
            now=now,
            missions=missions,
            batch_size=batch_size,
            processes=processes,
            progress=progress,
        )
    # Explicit ids were written: move PostgreSQL's sequences past them (no-op on SQLite).
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)
    return done


def _fill(generator: _Generator, count: int, batch_size: int, done_one: Callable) -> int:
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        generator.chunk(size)
        done += size
        done_one(size)
    return done


def _fill_in_parallel(
    *, count, seed, now, missions, batch_size, processes, progress
) -> tuple[int, list]:
    """Fork `processes` children; each fills its share of the count with ids from its own
    block. The parent only reports progress and waits; a child's failure is raised."""
    import multiprocessing
    from queue import Empty

    from django.db import connections

    probe = _Ids(_Generator.MODELS)
    start = dict(probe.next)
    shares = [count // processes + (1 if k < count % processes else 0) for k in range(processes)]
    largest = max(shares)
    connections.close_all()  # each child opens its own connection
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [
        context.Process(
            target=_child,
            args=(queue, k, processes, shares[k], largest, seed, now, missions, start, batch_size),
        )
        for k in range(processes)
    ]
    for child in children:
        child.start()
    done, finished, failure = 0, 0, None
    while finished < processes:
        try:
            kind, value = queue.get(timeout=5)
        except Empty:
            if any(child.is_alive() for child in children):
                continue
            break  # a child died without a word (killed): its exit code says so below
        if kind == "chunk":
            done += value
            if progress is not None:
                progress(done, count)
        else:
            finished += 1
            failure = failure or (value if kind == "error" else None)
    for child in children:
        child.join()
    if failure or any(child.exitcode for child in children):
        raise RuntimeError(f"A bulk fill process failed: {failure or 'see its output'}")
    return done, list(_Generator.MODELS)


def _child(queue, part, processes, share, largest, seed, now, missions, start, batch_size):
    try:
        generator = _Generator(
            seed=seed if part == 0 else f"{seed}-{part}", now=now, missions=missions
        )
        generator.part = (part, processes)
        generator.ids.block(start, largest, part)
        _fill(generator, share, batch_size, lambda size: queue.put(("chunk", size)))
        queue.put(("done", None))
    except Exception as exc:  # reported to the parent, which raises it
        queue.put(("error", f"{type(exc).__name__}: {exc}"))
        raise
