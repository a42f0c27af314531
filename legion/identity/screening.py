"""Intake screening: every submitted applicant is indexed (blocking keys in
IdentityKey, features in ApplicantFeatures) and compared, in the submission's
transaction, with the applicants of all missions and with the active watch lists.
Duplicates open review items; watch-list hits also put the case on hold.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from legion.cases.models import Applicant, Case
from legion.cases.services import case_apply
from legion.cases.states import CaseState
from legion.identity.model import NAME_ONLY_RULE, Person
from legion.identity.models import (
    ApplicantFeatures,
    DuplicateCandidate,
    IdentityKey,
    WatchlistEntry,
    WatchlistHit,
)
from legion.identity.people import (
    DUPLICATE_THRESHOLD,
    SCREENED_STATES,
    WATCHLIST_PRIOR,
    WATCHLIST_THRESHOLD,
    applicant_people,
    best_score,
    duplicate_prior,
    entry_people,
    passport_keyer,
    people_keys,
    review_explanation,
    stored_people,
)
from legion.missions.actors import Actor


@dataclass
class ScreeningResult:
    duplicates: list[DuplicateCandidate] = field(default_factory=list)
    hits: list[WatchlistHit] = field(default_factory=list)


# Intake talks to the database in raw SQL: the ORM's statement building cost more than
# the queries themselves (about 1 ms each). On PostgreSQL the writes and the candidate
# lookup travel as one prepared statement, one round trip (see _screening_rows).
_qn = connection.ops.quote_name
_FEATURES = _qn(ApplicantFeatures._meta.db_table)
_KEYS = _qn(IdentityKey._meta.db_table)
_APPLICANTS = _qn(Applicant._meta.db_table)
_CASES = _qn(Case._meta.db_table)
_DUPLICATES = _qn(DuplicateCandidate._meta.db_table)
_ENTRIES = _qn(WatchlistEntry._meta.db_table)
_HITS = _qn(WatchlistHit._meta.db_table)
# Upper bound on candidates scored per submission: keeps intake latency flat even for
# the most common name in the most common birth year.
MAX_CANDIDATES = 500
NAME_ONLY_PREFIX = f"{NAME_ONLY_RULE[0]}:"


_LOCK_KEYS_SQL = """
    SELECT pg_advisory_xact_lock(h) FROM (
        SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(%s::text[]) AS k ORDER BY h
    ) AS ordered
"""


def duplicate_keys(keys: Iterable[str]) -> list[str]:
    """The keys that find duplicates among applicants: all but the name-only ones,
    which serve watch lists alone (among a million applicants a common name is no
    evidence)."""
    return [k for k in keys if not k.startswith(NAME_ONLY_PREFIX)]


def _one_of(keys: Iterable[str]) -> tuple[str, list]:
    """`= ANY(array)` on PostgreSQL (one statement text whatever the number of keys, so
    that it can be prepared once), `IN (...)` elsewhere."""
    keys = sorted(keys)
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [keys]
    return f"IN ({', '.join(['%s'] * len(keys)) or 'NULL'})", keys


def _index_statements(
    applicant_id: int, people: list[Person], keys: set[str]
) -> list[tuple[str, list]]:
    """Upsert the features, replace the blocking keys: (sql, params) in order."""
    variants = ApplicantFeatures._meta.get_field("variants").get_db_prep_save(
        [p.to_json() for p in people], connection
    )
    now = ApplicantFeatures._meta.get_field("updated_at").get_db_prep_save(
        timezone.now(), connection
    )
    statements = [
        (
            f"INSERT INTO {_FEATURES} (applicant_id, variants, updated_at) "  # noqa: S608
            "VALUES (%s, %s, %s) ON CONFLICT (applicant_id) DO UPDATE "
            "SET variants = excluded.variants, updated_at = excluded.updated_at",
            [applicant_id, variants, now],
        ),
        (f"DELETE FROM {_KEYS} WHERE applicant_id = %s", [applicant_id]),  # noqa: S608
    ]
    insert = f"INSERT INTO {_KEYS} ({_qn('key')}, applicant_id)"
    if connection.vendor == "postgresql":
        statements.append((f"{insert} SELECT unnest(%s::text[]), %s", [sorted(keys), applicant_id]))
    elif keys:
        rows = ", ".join(["(%s, %s)"] * len(keys))
        statements.append(
            (
                f"{insert} VALUES {rows}",
                [value for key in sorted(keys) for value in (key, applicant_id)],
            )
        )
    return statements


def _candidates_sql(case: Case, keys: set[str]) -> tuple[str, list]:
    """Applicants sharing a duplicate key (their features, passport, case and whether
    the pair was raised before) and active watch-list entries sharing any key (name
    alone included) that this case has no hit for: one SELECT, either kind per row.

    Name-only keys serve watch lists alone: among a million applicants a common name
    is no evidence. Watch-list keys are found as `applicant_id IS NULL`, which the
    (key, applicant) index answers without visiting the applicants' name keys."""
    duplicate_sql, duplicate_params = _one_of(duplicate_keys(keys))
    any_keys, any_params = _one_of(keys)
    sql = f"""
        SELECT 'a', c.id, a.passport_number, f.variants, NULL, NULL, NULL, NULL
        FROM (SELECT DISTINCT applicant_id FROM {_KEYS}
              WHERE {_qn("key")} {duplicate_sql} AND applicant_id IS NOT NULL
                AND applicant_id <> %s
              ORDER BY applicant_id LIMIT {MAX_CANDIDATES}) m
        JOIN {_FEATURES} f ON f.applicant_id = m.applicant_id
        JOIN {_APPLICANTS} a ON a.id = m.applicant_id
        JOIN {_CASES} c ON c.applicant_id = m.applicant_id
        WHERE c.state <> %s AND NOT EXISTS (
            SELECT 1 FROM {_DUPLICATES} d
            WHERE (d.case_id = %s AND d.other_case_id = c.id)
               OR (d.case_id = c.id AND d.other_case_id = %s))
        UNION ALL
        SELECT 'e', e.id, NULL, NULL, e.properties, e.source, e.entity_id, e.caption
        FROM {_ENTRIES} e
        WHERE e.active AND e.id IN (
            SELECT entry_id FROM {_KEYS}
            WHERE {_qn("key")} {any_keys} AND applicant_id IS NULL)
          AND NOT EXISTS (SELECT 1 FROM {_HITS} h WHERE h.case_id = %s AND h.entry_id = e.id)
    """  # noqa: S608 (table names from the models, every value a parameter)
    params = [
        *duplicate_params,
        case.applicant_id,
        CaseState.DRAFT.value,
        case.pk,
        case.pk,
        *any_params,
        case.pk,
    ]
    return sql, params


def _screening_rows(case: Case, ours: list[Person]) -> list[tuple]:
    """Index the applicant and find its candidates.

    On PostgreSQL the writes are data-modifying CTEs of the candidate SELECT: one round
    trip (the SELECT sees the snapshot before the writes, so the applicant's own new
    keys are not among its candidates, as on SQLite where they are excluded by id). The
    statement's text does not depend on the applicant and it is prepared on the server,
    so planning it (about a millisecond) is paid once per connection, not per
    submission."""
    keys = people_keys(ours, name_only=True, keyer=passport_keyer())
    writes = _index_statements(case.applicant_id, ours, keys)
    select, select_params = _candidates_sql(case, keys)
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            for sql, params in writes:
                cursor.execute(sql, params)
            cursor.execute(select, select_params)
            return cursor.fetchall()
    ctes = ", ".join(f"w{number} AS ({sql})" for number, (sql, _params) in enumerate(writes))
    connection.ensure_connection()
    # Django's cursors bind on the client (psycopg's ClientCursor), which never prepares,
    # and its wrapper cannot ask for preparation: these statements are psycopg's own
    # (so they are not in Django's query log), on the same connection and transaction.
    with psycopg.Cursor(connection.connection) as cursor:
        # Two submissions of one person at the same moment would each look before the
        # other's keys are committed, and neither would find the other. So each first
        # takes a transaction lock per duplicate key (in one global order: no deadlock);
        # the second waits for the first to commit, and its SELECT, a new statement
        # with a new snapshot, then sees the first's keys. Different people sharing no
        # key never wait for each other.
        cursor.execute(_LOCK_KEYS_SQL, [sorted(duplicate_keys(keys))], prepare=True)
        cursor.execute(
            f"WITH {ctes} {select}",
            [value for _sql, params in writes for value in params] + select_params,
            prepare=True,
        )
        return cursor.fetchall()


def case_screen(*, case: Case) -> ScreeningResult:
    """Screen a just-submitted case: duplicates across all missions, then watch lists.

    Runs inside the submission's transaction (see case_submit): a case is never
    submitted unscreened, and a failure leaves the draft as it was.
    """
    result = ScreeningResult()
    ours = applicant_people(case.applicant)
    passport_field = Applicant._meta.get_field("passport_number")
    variants_field = ApplicantFeatures._meta.get_field("variants")
    candidates: list[tuple[int, list[Person]]] = []
    entries: list[WatchlistEntry] = []
    for row in _screening_rows(case, ours):
        kind, pk, passport, sealed, data, source, entity_id, caption = row
        if kind == "a":
            data = variants_field.from_db_value(sealed, None, connection)
            # Review items keep no values (see review_explanation): the candidate's
            # stored features and its passport number are all the scoring needs.
            passport = passport_field.from_db_value(passport, None, connection)
            candidates.append((pk, stored_people(data, {"passport_number": passport or ""})))
        else:
            data = json.loads(data) if isinstance(data, str) else data
            entries.append(
                WatchlistEntry(
                    pk=pk, source=source, entity_id=entity_id, caption=caption, properties=data
                )
            )
    if candidates:
        result.duplicates = _open_duplicates(case, ours, candidates)
    if entries:
        result.hits = _screen_against_watchlists(case, ours, entries)
    if result.hits:
        case_hold_for_watchlist_hits(case, result.hits)
    return result


def _open_duplicates(
    case: Case, ours: list[Person], candidates: list[tuple[int, list[Person]]]
) -> list[DuplicateCandidate]:
    """Score each candidate case (stored features) and open a review item per likely pair."""
    prior = duplicate_prior()
    created = []
    for other_case_id, theirs in candidates:
        score = best_score(ours, theirs, prior=prior)
        if score.probability >= DUPLICATE_THRESHOLD:
            created.append(
                DuplicateCandidate(
                    case=case,
                    other_case_id=other_case_id,
                    score=score.probability,
                    explanation=review_explanation(score),
                )
            )
    _insert(created)
    return created


def _insert(items: list[Any]) -> None:
    """INSERT review items of one model in one statement and set their ids: what
    bulk_create does, without the ORM's statement building (a millisecond)."""
    if not items:
        return
    model = type(items[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(_qn(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        f.get_db_prep_save(f.pre_save(item, add=True), connection) for item in items for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_qn(model._meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES {', '.join([row] * len(items))} RETURNING id",
            params,
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    for item, pk in zip(items, sorted(ids), strict=True):
        item.pk = pk
        item._state.adding = False
        item._state.db = connection.alias


def _screen_against_watchlists(
    case: Case, ours: list[Person], entries: list[WatchlistEntry]
) -> list[WatchlistHit]:
    hits = []
    for entry in entries:
        score = best_score(ours, entry_people(entry), prior=WATCHLIST_PRIOR)
        if score.probability >= WATCHLIST_THRESHOLD:
            hits.append(
                WatchlistHit(
                    case=case,
                    entry=entry,
                    score=score.probability,
                    explanation=review_explanation(score),
                )
            )
    _insert(hits)
    return hits


def case_hold_for_watchlist_hits(case: Case, hits: list[WatchlistHit]) -> None:
    """Put the (locked) case on hold with the evidence; already held cases stay held."""
    if case.state not in SCREENED_STATES or case.state == CaseState.ON_HOLD:
        return
    best = max(hits, key=lambda h: h.score)
    reason = _(
        "Watch-list screening: possible match with “%(name)s” (%(source)s), score %(score).2f."
    ) % {"name": best.entry.caption, "source": best.entry.source, "score": best.score}
    case_apply(
        case=case,
        action="hold",
        actor=Actor.system(),
        reason=reason,
        data={"watchlist_hits": [h.pk for h in hits]},
    )
