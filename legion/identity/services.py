"""Identity integrity services: intake screening, watch-list import, HQ security decisions.

Every submitted applicant is indexed (blocking keys in IdentityKey, features in
ApplicantFeatures) and compared with the applicants of all missions and with the
active watch lists. Duplicates open review items; watch-list hits also put the case
on hold through the workflow. Only HQ security closes either, with a reason.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legion.cases.models import Applicant, Case, CaseEvent
from legion.cases.services import CaseError, case_apply, case_lock, record_event
from legion.cases.states import FINAL_STATES, CaseState
from legion.crypto import blind_index
from legion.identity.model import (
    MIN_POPULATION,
    NAME_ONLY_RULE,
    Person,
    Score,
    area_shown,
    compare,
    index_keys,
    match_weight,
    parameters,
    person,
)
from legion.identity.models import (
    ApplicantFeatures,
    DuplicateCandidate,
    IdentityKey,
    ReviewStatus,
    WatchlistEntry,
    WatchlistHit,
)
from legion.missions.actors import Actor
from legion.missions.models import Role

# A candidate pair is a review item from this match probability on (see model.json for
# how the probability is calibrated). Screening against watch lists leans towards
# recall with a higher prior: a listed name is worth a look even without a birth date.
DUPLICATE_THRESHOLD = getattr(settings, "LEGION_IDENTITY_DUPLICATE_THRESHOLD", 0.5)
WATCHLIST_THRESHOLD = getattr(settings, "LEGION_IDENTITY_WATCHLIST_THRESHOLD", 0.5)
WATCHLIST_PRIOR = getattr(settings, "LEGION_IDENTITY_WATCHLIST_PRIOR", 1e-3)
# Upper bound on candidates scored per submission: keeps intake latency flat even for
# the most common name in the most common birth year.
MAX_CANDIDATES = 500
SCREENED_STATES = [s for s in CaseState if s not in FINAL_STATES and s != CaseState.DRAFT]


def passport_key(value: str) -> str:
    """Blind index of a normalised passport number (or a fragment of it)."""
    return blind_index(f"identity-passport:{value}")


def passport_keyer() -> Callable[[str], str]:
    """passport_key with the key read once: for loops over many applicants."""
    import hashlib
    import hmac

    secret = settings.LEGION_BLIND_INDEX_KEY.encode()

    def key(value: str) -> str:
        digest = hmac.new(secret, f"identity-passport:{value}".encode(), hashlib.sha256)
        return digest.hexdigest()[:40]

    return key


# --- People as the matcher sees them ------------------------------------------------


def _split_full_name(name: str) -> list[tuple[str, str]]:
    """(given, surname) readings of a full name: 'SURNAME, Given' or 'Given [Middle] Surname'."""
    if "," in name:
        surname, _sep, given = name.partition(",")
        return [(given.strip(), surname.strip())]
    words = name.split()
    if len(words) < 2:
        return [("", name.strip())]
    return [(words[0], words[-1]), (words[-1], words[0])]


def applicant_people(applicant: Applicant) -> list[Person]:
    """The applicant as written in Latin letters and, if given, in their own script."""
    common = {
        "date_of_birth": applicant.date_of_birth or "",
        "sex": applicant.sex,
        "nationality": str(applicant.nationality or ""),
        "passport_number": applicant.passport_number or "",
        "place_of_birth": applicant.place_of_birth,
        # Line 2 (flat, building) is left out: records differ most there.
        "address": applicant.address_line_1,
        "town": applicant.address_town,
        "postcode": applicant.address_postcode,
    }
    people = [person(given_name=applicant.given_name, surname=applicant.surname, **common)]
    if applicant.native_name.strip():
        for given, surname in _split_full_name(applicant.native_name)[:1]:
            people.append(person(given_name=given, surname=surname, **common))
    return people


def entry_people(entry: WatchlistEntry) -> list[Person]:
    """Every reading of a watch-list person: names and aliases x birth dates x documents."""
    props = entry.properties
    names: list[tuple[str, str]] = []
    for first in props.get("firstName", [])[:3]:
        for last in props.get("lastName", [])[:3]:
            names.append((first, last))
    for full in [*props.get("name", []), *props.get("alias", [])][:10]:
        names.extend(_split_full_name(full))
    dates = [d for d in props.get("birthDate", []) if _valid_date(d)][:3] or [""]
    documents = [*props.get("passportNumber", []), *props.get("idNumber", [])][:3] or [""]
    nationality = (props.get("nationality") or props.get("citizenship") or [""])[0]
    people = []
    for given, surname in dict.fromkeys(names):
        for born in dates:
            for document in documents:
                people.append(
                    person(
                        given_name=given,
                        surname=surname,
                        date_of_birth=born,
                        nationality=nationality,
                        passport_number=document,
                        sex={"male": "M", "female": "F"}.get((props.get("gender") or [""])[0], ""),
                    )
                )
    return people


def _valid_date(value: str) -> bool:
    try:
        person(date_of_birth=value[:10])
    except ValueError:
        return False
    return True


_population_cache: dict[str, tuple[float, int]] = {}
POPULATION_CACHE_SECONDS = 300


def applicant_population() -> int:
    """How many applicants intake compares against (cached for a few minutes: the
    prior only needs the order of magnitude). On PostgreSQL the planner's estimate
    once the table has been analysed: counting a million rows takes ~100 ms, a
    submission that happened to pay for it would stand out in the latency."""
    import time

    now = time.monotonic()
    cached = _population_cache.get("n")
    if cached and now - cached[0] < POPULATION_CACHE_SECONDS:
        return cached[1]
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [ApplicantFeatures._meta.db_table],
            )
            count = int(cursor.fetchone()[0])
    if count < MIN_POPULATION:  # not analysed yet (-1), or small enough to count
        count = ApplicantFeatures.objects.count()
    _population_cache["n"] = (now, count)
    return count


def duplicate_prior() -> float:
    """The model's prior for a pair at today's number of applicants (as batch uses)."""
    return parameters().prior_for(applicant_population())


def best_score(ours: list[Person], theirs: list[Person], *, prior: float | None = None) -> Score:
    """The score of the best-matching readings of two people, explained (most people
    have one reading: then there is nothing to choose)."""
    pairs = [(a, b) for a in ours for b in theirs]
    if len(pairs) > 1:
        pairs = [max(pairs, key=lambda pair: match_weight(*pair, prior=prior))]
    return compare(*pairs[0], prior=prior)


def _keys(
    people: Iterable[Person], *, name_only: bool, keyer: Callable[[str], str] | None = None
) -> set[str]:
    keys: set[str] = set()
    for p in people:
        keys |= index_keys(p, passport_key=keyer or passport_key, name_only=name_only)
    return keys


# --- Intake --------------------------------------------------------------------------


@dataclass
class ScreeningResult:
    duplicates: list[DuplicateCandidate] = field(default_factory=list)
    hits: list[WatchlistHit] = field(default_factory=list)


def _shown(applicant: Applicant | dict) -> dict[str, str]:
    """The applicant's values as given, for the explanation HQ security reads."""
    get = applicant.get if isinstance(applicant, dict) else lambda name: getattr(applicant, name)
    return {
        "given_name": get("given_name"),
        "surname": get("surname"),
        "date_of_birth": str(get("date_of_birth") or ""),
        "sex": get("sex"),
        "nationality": str(get("nationality") or ""),
        "passport_number": get("passport_number") or "",
        "place_of_birth": get("place_of_birth"),
        "address": get("address_line_1"),
        "area": area_shown(get("address_town"), get("address_postcode")),
    }


def _stored_people(variants: list[dict], shown: dict[str, str]) -> list[Person]:
    """A candidate as stored at its own intake: never normalised again, only the
    passport number (kept out of the index) is added back."""
    from legion.identity.normalise import normalise_passport

    passport = normalise_passport(shown["passport_number"])
    return [Person.from_json(v, passport=passport, shown=shown) for v in variants]


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
NAME_ONLY_PREFIX = f"{NAME_ONLY_RULE[0]}:"


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
    duplicate_keys, duplicate_params = _one_of(
        k for k in keys if not k.startswith(NAME_ONLY_PREFIX)
    )
    any_keys, any_params = _one_of(keys)
    sql = f"""
        SELECT 'a', c.id, a.passport_number, f.variants, a.given_name, a.surname,
               a.date_of_birth, a.sex, a.nationality, a.place_of_birth, a.address_line_1,
               a.address_town, a.address_postcode, NULL, NULL, NULL
        FROM (SELECT DISTINCT applicant_id FROM {_KEYS}
              WHERE {_qn("key")} {duplicate_keys} AND applicant_id IS NOT NULL
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
        SELECT 'e', e.id, NULL, e.properties, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, e.source, e.entity_id, e.caption
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
    keys = _keys(ours, name_only=True, keyer=passport_keyer())
    writes = _index_statements(case.applicant_id, ours, keys)
    select, select_params = _candidates_sql(case, keys)
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            for sql, params in writes:
                cursor.execute(sql, params)
            cursor.execute(select, select_params)
            return cursor.fetchall()
    import psycopg

    ctes = ", ".join(f"w{number} AS ({sql})" for number, (sql, _params) in enumerate(writes))
    connection.ensure_connection()
    # Django's cursors bind on the client (psycopg's ClientCursor), which never prepares,
    # and its wrapper cannot ask for preparation: this one statement is psycopg's own
    # (so it is not in Django's query log), on the same connection and transaction.
    with psycopg.Cursor(connection.connection) as cursor:
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
    candidates: list[tuple[int, list[Person]]] = []
    entries: list[WatchlistEntry] = []
    for row in _screening_rows(case, ours):
        kind, pk, passport, data, *values, source, entity_id, caption = row
        data = json.loads(data) if isinstance(data, str) else data
        if kind == "a":
            shown = dict(zip(_SHOWN_COLUMNS, values, strict=True))
            shown["passport_number"] = passport_field.from_db_value(passport, None, connection)
            candidates.append((pk, _stored_people(data, _shown(shown))))
        else:
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
        _hold_for_hits(case, result.hits)
    return result


_SHOWN_COLUMNS = (
    "given_name",
    "surname",
    "date_of_birth",
    "sex",
    "nationality",
    "place_of_birth",
    "address_line_1",
    "address_town",
    "address_postcode",
)


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
                    explanation=score.explanation,
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
                    case=case, entry=entry, score=score.probability, explanation=score.explanation
                )
            )
    _insert(hits)
    return hits


def _hold_for_hits(case: Case, hits: list[WatchlistHit]) -> None:
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


# --- Watch lists ---------------------------------------------------------------------


class WatchlistFileError(CaseError):
    """A watch-list file that cannot be imported; nothing of it is written."""


FTM_PROPERTIES = (
    "name",
    "alias",
    "weakAlias",
    "firstName",
    "lastName",
    "birthDate",
    "nationality",
    "citizenship",
    "passportNumber",
    "idNumber",
    "gender",
    "topics",
)
CSV_FIELDS = {
    "name": "name",
    "aliases": "alias",
    "birth_date": "birthDate",
    "nationality": "nationality",
    "passport_number": "passportNumber",
    "id_number": "idNumber",
}


@dataclass(frozen=True)
class ParsedEntry:
    entity_id: str
    caption: str
    properties: dict[str, list[str]]


def parse_ftm(lines: Iterable[str]) -> Iterator[ParsedEntry]:
    """Person entities from FollowTheMoney JSON lines (as OpenSanctions publishes them);
    other schemas (sanctions, companies, addresses) are skipped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            message = _("Line %(n)d: not JSON (%(e)s).") % {"n": number, "e": exc.msg}
            raise WatchlistFileError(message) from exc
        if not isinstance(data, dict):
            raise WatchlistFileError(_("Line %(n)d: not an entity object.") % {"n": number})
        if data.get("schema") != "Person":
            continue
        entity_id = str(data.get("id") or "").strip()
        props = data.get("properties") or {}
        if not entity_id or not isinstance(props, dict):
            raise WatchlistFileError(
                _("Line %(n)d: a Person needs an id and properties.") % {"n": number}
            )
        properties = {
            key: [str(v).strip() for v in props.get(key, []) if str(v).strip()]
            for key in FTM_PROPERTIES
            if props.get(key)
        }
        if not properties.get("name") and not properties.get("lastName"):
            raise WatchlistFileError(_("Line %(n)d: the person has no name.") % {"n": number})
        caption = str(data.get("caption") or (properties.get("name") or properties["lastName"])[0])
        yield ParsedEntry(entity_id, caption[:300], properties)


def parse_watchlist_csv(text: str) -> Iterator[ParsedEntry]:
    """Watch-list CSV: id,name,aliases,birth_date,nationality,passport_number,id_number
    (only id and name required; several values in one cell separated by ';')."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if "id" not in header or "name" not in header:
        raise WatchlistFileError(_("Line 1: the header needs at least the columns id and name."))
    unknown = [h for h in header if h != "id" and h not in CSV_FIELDS]
    if unknown:
        raise WatchlistFileError(_("Line 1: unknown column “%(c)s”.") % {"c": unknown[0]})
    for row in reader:
        if None in row:
            raise WatchlistFileError(
                _("Line %(n)d: more fields than columns.") % {"n": reader.line_num}
            )
        row = {k.strip(): (v or "").strip() for k, v in row.items()}
        if not row["id"] or not row["name"]:
            raise WatchlistFileError(
                _("Line %(n)d: id and name are required.") % {"n": reader.line_num}
            )
        properties = {
            prop: [v.strip() for v in row.get(column, "").split(";") if v.strip()]
            for column, prop in CSV_FIELDS.items()
        }
        yield ParsedEntry(row["id"], row["name"][:300], {k: v for k, v in properties.items() if v})


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    hits: int = 0
    held: list[str] = field(default_factory=list)


def watchlist_import(*, source: str, text: str, fmt: str) -> ImportResult:
    """Import (or re-import) one watch list, then re-screen every open case against it.

    Entries are matched by (source, entity id) and updated in place; people the new
    file no longer lists are deactivated. A malformed file raises WatchlistFileError
    and changes nothing.
    """
    source = source.strip()
    if not source:
        raise WatchlistFileError(_("Name the watch list (its source)."))
    parser = {"ftm": lambda: parse_ftm(text.splitlines()), "csv": lambda: parse_watchlist_csv(text)}
    if fmt not in parser:
        raise WatchlistFileError(_("The format must be ftm or csv."))
    parsed = {entry.entity_id: entry for entry in parser[fmt]()}
    result = ImportResult()
    with transaction.atomic():
        existing = {e.entity_id: e for e in WatchlistEntry.objects.filter(source=source)}
        for entity_id, item in parsed.items():
            entry = existing.get(entity_id)
            if entry is None:
                entry = WatchlistEntry.objects.create(
                    source=source,
                    entity_id=entity_id,
                    caption=item.caption,
                    properties=item.properties,
                )
                result.created += 1
            elif entry.properties == item.properties and entry.caption == item.caption:
                if not entry.active:
                    entry.active = True
                    entry.save(update_fields=["active", "imported_at"])
                result.unchanged += 1
                continue
            else:
                entry.caption, entry.properties, entry.active = item.caption, item.properties, True
                entry.save(update_fields=["caption", "properties", "active", "imported_at"])
                result.updated += 1
            entry.keys.all().delete()
            IdentityKey.objects.bulk_create(
                IdentityKey(key=key, entry=entry)
                for key in _keys(entry_people(entry), name_only=True)
            )
        gone = [e.pk for e in existing.values() if e.entity_id not in parsed and e.active]
        result.deactivated = WatchlistEntry.objects.filter(pk__in=gone).update(active=False)
        IdentityKey.objects.filter(entry_id__in=gone).delete()
    _rescreen(WatchlistEntry.objects.filter(source=source, active=True), result)
    return result


def _rescreen(entries: Iterable[WatchlistEntry], result: ImportResult) -> None:
    """Screen every open case against these entries (after an import)."""
    entries = list(entries)
    by_key: dict[str, list[int]] = defaultdict(list)
    for key, entry_id in IdentityKey.objects.filter(entry__in=entries).values_list(
        "key", "entry_id"
    ):
        by_key[key].append(entry_id)
    pairs: dict[int, set[int]] = defaultdict(set)
    keys = list(by_key)
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        for key, applicant_id in IdentityKey.objects.filter(
            key__in=chunk, applicant__isnull=False
        ).values_list("key", "applicant_id"):
            pairs[applicant_id].update(by_key[key])
    if not pairs:
        return
    entry_by_id = {e.pk: e for e in entries}
    cases = Case.objects.filter(applicant_id__in=pairs, state__in=SCREENED_STATES)
    for case in cases.select_related("applicant"):
        with transaction.atomic():
            locked = case_lock(reference=case.reference, actor=Actor.system())
            features = ApplicantFeatures.objects.filter(applicant_id=locked.applicant_id).first()
            if features is None:
                continue
            ours = _stored_people(features.variants, _shown(locked.applicant))
            decided = set(
                WatchlistHit.objects.filter(case=locked).values_list("entry_id", flat=True)
            )
            hits = []
            for entry_id in pairs[locked.applicant_id] - decided:
                entry = entry_by_id[entry_id]
                score = best_score(ours, entry_people(entry), prior=WATCHLIST_PRIOR)
                if score.probability >= WATCHLIST_THRESHOLD:
                    hits.append(
                        WatchlistHit(
                            case=locked,
                            entry=entry,
                            score=score.probability,
                            explanation=score.explanation,
                        )
                    )
            if hits:
                WatchlistHit.objects.bulk_create(hits)
                result.hits += len(hits)
                if locked.state != CaseState.ON_HOLD:
                    _hold_for_hits(locked, hits)
                    result.held.append(locked.reference)


# --- HQ security decisions -----------------------------------------------------------


class ReviewDecisionError(CaseError):
    pass


def _require_security(actor: Actor) -> None:
    if not actor.has_role(Role.HQ_SECURITY):
        raise ReviewDecisionError(_("Only HQ security decides identity reviews."), code="forbidden")


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ReviewDecisionError(_("Please give a reason."), code="reason_required")
    return reason


def _close(item: Any, *, status: str, actor: Actor, reason: str) -> None:
    item.status = status
    item.decided_by = actor.user
    item.decided_at = timezone.now()
    item.decision_reason = reason
    item.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


def _locked_open(model: type, pk: int) -> Any:
    item = model.objects.select_for_update().filter(pk=pk).first()
    if item is None:
        raise ReviewDecisionError(_("No such review item."), code="not_found")
    if item.status != ReviewStatus.OPEN:
        raise ReviewDecisionError(_("This review item has already been decided."), code="decided")
    return item


def duplicate_confirm(*, candidate_id: int, actor: Actor, reason: str) -> DuplicateCandidate:
    """The two cases are the same person: the later one is rejected on security grounds,
    naming the earlier reference. Nothing is merged."""
    _require_security(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        item = _locked_open(DuplicateCandidate, candidate_id)
        later = case_lock(reference=item.case.reference, actor=actor)
        earlier = item.other_case
        _close(item, status=ReviewStatus.CONFIRMED, actor=actor, reason=reason)
        full_reason = _("Duplicate of case %(ref)s: %(reason)s") % {
            "ref": earlier.reference,
            "reason": reason,
        }
        if later.state not in FINAL_STATES:
            case_apply(
                case=later,
                action="reject_on_security_grounds",
                actor=actor,
                reason=full_reason,
                data={"duplicate_candidate": item.pk, "duplicate_of": earlier.reference},
            )
        else:
            _note(later, actor, "duplicate_confirmed", full_reason, item.pk)
        _note(
            earlier,
            actor,
            "duplicate_confirmed",
            _("Case %(ref)s confirmed as a duplicate of this one: %(reason)s")
            % {"ref": later.reference, "reason": reason},
            item.pk,
        )
    return item


def duplicate_dismiss(*, candidate_id: int, actor: Actor, reason: str) -> DuplicateCandidate:
    """Two different people after all; the pair is never raised again."""
    _require_security(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        item = _locked_open(DuplicateCandidate, candidate_id)
        _close(item, status=ReviewStatus.DISMISSED, actor=actor, reason=reason)
        for case, other in ((item.case, item.other_case), (item.other_case, item.case)):
            _note(
                case,
                actor,
                "duplicate_dismissed",
                _("Not the same person as %(ref)s: %(reason)s")
                % {"ref": other.reference, "reason": reason},
                item.pk,
            )
    return item


def watchlist_hit_confirm(*, hit_id: int, actor: Actor, reason: str) -> WatchlistHit:
    """The applicant is the listed person: the case is rejected on security grounds."""
    _require_security(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        item = _locked_open(WatchlistHit, hit_id)
        case = case_lock(reference=item.case.reference, actor=actor)
        _close(item, status=ReviewStatus.CONFIRMED, actor=actor, reason=reason)
        full_reason = _("Watch-list match confirmed (%(who)s, %(source)s): %(reason)s") % {
            "who": item.entry.caption,
            "source": item.entry.source,
            "reason": reason,
        }
        if case.state not in FINAL_STATES:
            case_apply(
                case=case,
                action="reject_on_security_grounds",
                actor=actor,
                reason=full_reason,
                data={"watchlist_hit": item.pk},
            )
        else:
            _note(case, actor, "watchlist_confirmed", full_reason, item.pk)
    return item


def watchlist_hit_dismiss(*, hit_id: int, actor: Actor, reason: str) -> WatchlistHit:
    """Not the listed person: the hold is lifted (back to the state the case left) once
    no other watch-list hit is open, and this pair never hits again."""
    _require_security(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        item = _locked_open(WatchlistHit, hit_id)
        case = case_lock(reference=item.case.reference, actor=actor)
        _close(item, status=ReviewStatus.DISMISSED, actor=actor, reason=reason)
        full_reason = _("Watch-list hit dismissed (%(who)s, %(source)s): %(reason)s") % {
            "who": item.entry.caption,
            "source": item.entry.source,
            "reason": reason,
        }
        still_open = WatchlistHit.objects.filter(case=case, status=ReviewStatus.OPEN).exists()
        if case.state == CaseState.ON_HOLD and not still_open:
            case_apply(
                case=case,
                action="release",
                actor=actor,
                reason=full_reason,
                data={"watchlist_hit": item.pk},
            )
        else:
            _note(case, actor, "watchlist_dismissed", full_reason, item.pk)
    return item


def _note(case: Case, actor: Actor, action: str, reason: str, item_id: int) -> None:
    record_event(
        case=case,
        kind=CaseEvent.Kind.NOTE,
        action=action,
        actor=actor,
        reason=reason,
        data={"review_item": item_id},
    )


# --- Batch dedupe of applicants ------------------------------------------------------


def applicants_dedupe(
    *, engine: str = "duckdb", threshold: float = DUPLICATE_THRESHOLD, progress: bool = False
) -> list[DuplicateCandidate]:
    """Run the batch linkage over every submitted applicant and open review items for
    new pairs (the later case is the one under review). Pairs already reviewed, in
    either order and whatever the decision, are not raised again."""
    import tempfile
    from pathlib import Path

    from legion.identity.batch import PersonRow, link_people

    cases = {
        c.pk: c for c in Case.objects.exclude(state=CaseState.DRAFT).select_related("applicant")
    }
    rows = []
    for case in cases.values():
        for number, reading in enumerate(applicant_people(case.applicant)):
            rows.append(PersonRow(f"{case.pk}~{number}", reading))
    if len(rows) < 2:
        return []
    with tempfile.TemporaryDirectory(prefix="legion-dedupe-") as workdir:
        out = Path(workdir) / "links.csv"
        link_people(inputs=[rows], out=out, engine=engine, threshold=threshold, progress=progress)
        with out.open(newline="", encoding="utf-8") as handle:
            pairs = {
                tuple(sorted((int(r["id_a"].split("~")[0]), int(r["id_b"].split("~")[0]))))
                for r in csv.DictReader(handle)
            }
    known = {
        tuple(sorted(pair))
        for pair in DuplicateCandidate.objects.values_list("case_id", "other_case_id")
    }
    opened = []
    for first, second in sorted(pairs - known):
        if first == second:
            continue
        earlier, later = sorted(
            (cases[first], cases[second]), key=lambda c: (c.submitted_at or c.created_at, c.pk)
        )
        score = best_score(
            applicant_people(later.applicant),
            applicant_people(earlier.applicant),
            prior=parameters().prior_for(len(rows)),
        )
        opened.append(
            DuplicateCandidate(
                case=later,
                other_case=earlier,
                score=score.probability,
                explanation=score.explanation,
            )
        )
    DuplicateCandidate.objects.bulk_create(opened)
    return opened


def applicants_index_missing(*, batch_size: int = 5000, progress: Any = None) -> int:
    """Index every submitted applicant that has no matching features yet (cases loaded
    in bulk, or submitted before identity screening existed); returns how many.
    Writes features and keys in batches (COPY on PostgreSQL); screening is not run:
    use dedupe-applicants for that."""
    pending = (
        Applicant.objects.filter(identity_features__isnull=True)
        .exclude(case__state=CaseState.DRAFT)
        .order_by("pk")
    )
    done, last = 0, 0
    now = timezone.now()
    keyer = passport_keyer()
    while True:
        # Keyset pagination: each batch starts where the last ended, instead of
        # anti-joining the whole table again (quadratic at a million applicants).
        applicants = list(pending.filter(pk__gt=last)[:batch_size])
        if not applicants:
            return done
        last = applicants[-1].pk
        features, keys = [], []
        for applicant in applicants:
            people = applicant_people(applicant)
            features.append((applicant.pk, [p.to_json() for p in people], now))
            keys.extend((key, applicant.pk) for key in _keys(people, name_only=True, keyer=keyer))
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _copy(_FEATURES, "(applicant_id, variants, updated_at)", features, json_column=1)
                _copy(_KEYS, f"({_qn('key')}, applicant_id)", keys)
            else:
                ApplicantFeatures.objects.bulk_create(
                    (
                        ApplicantFeatures(applicant_id=a, variants=v, updated_at=t)
                        for a, v, t in features
                    ),
                    batch_size=1000,
                )
                IdentityKey.objects.bulk_create(
                    (IdentityKey(key=k, applicant_id=a) for k, a in keys), batch_size=2000
                )
        done += len(applicants)
        if progress:
            progress(done)


def identity_keys_rebuild(*, batch_size: int = 5000) -> int:
    """Recompute the blocking keys of every indexed applicant and active watch-list entry
    (after LEGION_BLIND_INDEX_KEY changed: passport keys are blind indexes, and stale ones
    would silently stop duplicates being found). Each batch swaps its keys in one
    transaction, so intake keeps screening against a complete index meanwhile.
    Returns how many applicants and entries were re-keyed."""
    keyer = passport_keyer()
    done, last = 0, 0
    indexed = Applicant.objects.filter(identity_features__isnull=False).order_by("pk")
    while applicants := list(indexed.filter(pk__gt=last)[:batch_size]):
        last = applicants[-1].pk
        keys = [
            IdentityKey(key=key, applicant_id=applicant.pk)
            for applicant in applicants
            for key in _keys(applicant_people(applicant), name_only=True, keyer=keyer)
        ]
        with transaction.atomic():
            IdentityKey.objects.filter(applicant_id__in=[a.pk for a in applicants]).delete()
            IdentityKey.objects.bulk_create(keys, batch_size=2000)
        done += len(applicants)
    for entry in WatchlistEntry.objects.filter(active=True).order_by("pk").iterator():
        with transaction.atomic():
            entry.keys.all().delete()
            IdentityKey.objects.bulk_create(
                IdentityKey(key=key, entry=entry)
                for key in _keys(entry_people(entry), name_only=True, keyer=keyer)
            )
        done += 1
    return done


def _copy(table: str, columns: str, rows: list[tuple], *, json_column: int | None = None) -> None:
    """COPY rows into a PostgreSQL table (several times faster than INSERT)."""
    from psycopg.types.json import Jsonb

    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy,
    ):
        for row in rows:
            if json_column is not None:
                row = (*row[:json_column], Jsonb(row[json_column]), *row[json_column + 1 :])
            copy.write_row(row)
