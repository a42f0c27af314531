"""The fast bulk path: benchmark volumes (up to millions of cases) in minutes.

    from legion.demo.bulk import cases_bulk_generate
    cases_bulk_generate(count=1_000_000, seed=1)      # or: legion demo --bulk 1000000

Unlike `applicants_generate` (which calls the workflow services for every step), this
writes applicants, cases and their events in batches with one INSERT ... executemany
(SQLite) or COPY (PostgreSQL) per table, without model instances. Each case
gets the same nationality mix and state mix, and one CaseEvent per transition along
the canonical path to its state (actor "bulk"), so queues, timelines and statistics
behave as on real data. What it leaves out, to stay fast: documents, service records,
interviews, assessments, visas and instructions; event times are the load time
(`submitted_at` is spread over 40 days). Use it only for benchmarks.
Rough rate on the 2-core development machine: 20,000 cases in about 18 s on SQLite.
"""

import datetime as dt
import random
from collections.abc import Callable

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from legion.cases.models import REFERENCE_ALPHABET, Applicant, Case, CaseEvent
from legion.cases.states import CaseState as S
from legion.demo.addresses import address_random
from legion.demo.applicants import STATE_WEIGHTS, passport_index
from legion.demo.names import MISSION_FOR_NATIONALITY, NATIONALITY_WEIGHTS, name_for
from legion.missions.models import Mission

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
REASONS = {"reject": "Not eligible (bulk data)", "refer": "Referred (bulk data)", "hold": "Check"}
FINAL = {S.ARRIVED, S.REJECTED, S.REFERRED, S.WITHDRAWN}


def _reference(rng: random.Random, seen: set[str]) -> str:
    while True:
        bits = rng.getrandbits(40)
        chars = "".join(REFERENCE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(8))
        reference = f"LGN-{chars[:4]}-{chars[4:]}"
        if reference not in seen:
            seen.add(reference)
            return reference


def _insert(model, rows: list[dict], now: dt.datetime) -> None:
    """INSERT rows (attname: value) with executemany: no model instances, one statement.

    Every concrete field is written; a field a row leaves out gets its default, so
    fields added to the model later keep working. Values go through the fields' own
    database preparation (encryption of sealed fields included).
    """
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Only model metadata goes into the statement; every value is a parameter.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    params = [
        [f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection) for f in fields]
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than INSERT on PostgreSQL.
            copy_sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in params:
                    copy.write_row(row)
        else:
            cursor.executemany(sql, params)


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


def cases_bulk_generate(
    *,
    count: int,
    seed: int = 1,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Add `count` applicants with cases and event histories in batches; returns the count.

    Needs the demo missions (`demo_configure()`); cases go to the mission of the
    applicant's nationality as in the realistic path.
    """
    missions = {m.code: m for m in Mission.objects.all()}
    if not missions:
        raise ValueError("No missions: run `legion demo` (or demo_configure()) first.")
    fallback = next(iter(missions.values()))
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not secrets)
    # Addresses from a generator of their own: the other data stay those of the seed.
    address_rng = random.Random(f"{seed}-addresses")  # noqa: S311
    nationalities = list(NATIONALITY_WEIGHTS)
    nationality_weights = [NATIONALITY_WEIGHTS[n] for n in nationalities]
    states = list(STATE_WEIGHTS)
    state_weights = [STATE_WEIGHTS[s] for s in states]
    seen = set(Case.objects.values_list("reference", flat=True)) if count < 100_000 else set()
    now = timezone.now()
    today = timezone.localdate()
    next_applicant, next_case, next_event = (_next_id(m) for m in (Applicant, Case, CaseEvent))
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        picked = rng.choices(nationalities, weights=nationality_weights, k=size)
        targets = rng.choices(states, weights=state_weights, k=size)
        applicant_rows, case_rows, event_rows = [], [], []
        for nationality, target in zip(picked, targets, strict=True):
            name = name_for(nationality, rng)
            number = f"{nationality}{rng.randint(10_000_000, 99_999_999)}"
            applicant_id, case_id = next_applicant, next_case
            next_applicant += 1
            next_case += 1
            applicant_rows.append(
                {
                    "id": applicant_id,
                    "given_name": name.given,
                    "surname": name.surname,
                    "native_name": name.native,
                    "date_of_birth": today - dt.timedelta(days=rng.randint(19 * 365, 58 * 365)),
                    "sex": "M",
                    "nationality": nationality,
                    "passport_number": number,
                    "passport_number_index": passport_index(number),
                    "passport_country": nationality,
                    "passport_expiry": today + dt.timedelta(days=rng.randint(200, 3000)),
                    "languages": [{"code": "en", "level": "fluent"}],
                    "has_criminal_record": False,
                    **address_random(nationality, address_rng).as_fields(),
                }
            )
            mission = missions.get(MISSION_FOR_NATIONALITY.get(nationality, ""), fallback)
            case_rows.append(
                {
                    "id": case_id,
                    "reference": _reference(rng, seen),
                    "mission_id": mission.pk,
                    "applicant_id": applicant_id,
                    "state": target,
                    "held_from_state": S.SUBMITTED if target == S.ON_HOLD else "",
                    "submitted_at": (
                        now - dt.timedelta(minutes=rng.randint(60, 40 * 24 * 60))
                        if target != S.DRAFT
                        else None
                    ),
                    "closed_at": now if target in FINAL else None,
                }
            )
            for action, source, to_state in PATHS[target]:
                event_rows.append(
                    {
                        "id": next_event,
                        "case_id": case_id,
                        "kind": CaseEvent.Kind.TRANSITION,
                        "action": action,
                        "from_state": source,
                        "to_state": to_state,
                        "actor_label": "bulk",
                        "reason": REASONS.get(action, ""),
                    }
                )
                next_event += 1
        with transaction.atomic():
            _insert(Applicant, applicant_rows, now)
            _insert(Case, case_rows, now)
            _insert(CaseEvent, event_rows, now)
        done += size
        if progress is not None:
            progress(done, count)
    # Explicit ids were written: move PostgreSQL's sequences past them (no-op on SQLite).
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [Applicant, Case, CaseEvent]
        ):
            cursor.execute(statement)
    return done
