"""People as the matcher sees them: applicants and watch-list entries as
Person readings, their blocking keys, and the scores between two people.

Shared by intake screening, watch-list import, batch dedupe and indexing.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection

from legion.cases.models import Applicant
from legion.cases.states import FINAL_STATES, CaseState
from legion.crypto import blind_index
from legion.identity.model import (
    MIN_POPULATION,
    Person,
    Score,
    area_shown,
    compare,
    index_keys,
    match_weight,
    parameters,
    person,
)
from legion.identity.models import ApplicantFeatures, WatchlistEntry
from legion.identity.normalise import normalise_passport

# A candidate pair is a review item from this match probability on (see model.json for
# how the probability is calibrated). Screening against watch lists leans towards
# recall with a higher prior: a listed name is worth a look even without a birth date.
DUPLICATE_THRESHOLD = getattr(settings, "LEGION_IDENTITY_DUPLICATE_THRESHOLD", 0.5)
WATCHLIST_THRESHOLD = getattr(settings, "LEGION_IDENTITY_WATCHLIST_THRESHOLD", 0.5)
WATCHLIST_PRIOR = getattr(settings, "LEGION_IDENTITY_WATCHLIST_PRIOR", 1e-3)
SCREENED_STATES = [s for s in CaseState if s not in FINAL_STATES and s != CaseState.DRAFT]


def passport_key(value: str) -> str:
    """Blind index of a normalised passport number (or a fragment of it)."""
    return blind_index(f"identity-passport:{value}")


def passport_keyer() -> Callable[[str], str]:
    """passport_key with the key read once: for loops over many applicants."""
    secret = settings.LEGION_BLIND_INDEX_KEY.encode()

    def key(value: str) -> str:
        digest = hmac.new(secret, f"identity-passport:{value}".encode(), hashlib.sha256)
        return digest.hexdigest()[:40]

    return key


def _split_full_name(name: str) -> list[tuple[str, str]]:
    """(given, surname) readings of a full name: 'SURNAME, Given' or 'Given [Middle] Surname'."""
    if "," in name:
        surname, _sep, given = name.partition(",")
        return [(given.strip(), surname.strip())]
    words = name.split()
    if len(words) < 2:
        return [("", name.strip())]
    return [(words[0], words[-1]), (words[-1], words[0])]


def applicant_people(applicant: Applicant, *, passport: dict | None = None) -> list[Person]:
    """The applicant as written in Latin letters and, if given, in their own script;
    `passport` holds what the passport's machine-readable zone gives where it differs
    from the typed data (passports.passport_alternatives): one more reading with it."""
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
    if passport:
        people.append(
            person(
                given_name=applicant.given_name, surname=applicant.surname, **(common | passport)
            )
        )
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
    documents = entry.document_numbers()[:3] or [""]
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


def best_readings(
    ours: list[Person], theirs: list[Person], *, prior: float | None = None
) -> tuple[Person, Person]:
    """The best-matching readings of two people (most people have one reading: then
    there is nothing to choose)."""
    pairs = [(a, b) for a in ours for b in theirs]
    if len(pairs) > 1:
        return max(pairs, key=lambda pair: match_weight(*pair, prior=prior))
    return pairs[0]


def best_score(ours: list[Person], theirs: list[Person], *, prior: float | None = None) -> Score:
    """The score of the best-matching readings of two people, explained."""
    return compare(*best_readings(ours, theirs, prior=prior), prior=prior)


# What a review item keeps of the model's explanation per field: which level was
# reached and its weight, never the values compared (both people's passport numbers,
# names and homes would otherwise sit in plain JSON). The review page reads the values
# from the people's own records (`review_values`).
STORED_EXPLANATION_KEYS = ("label", "level", "level_label", "weight")


def review_explanation(score: Score) -> dict[str, dict[str, object]]:
    """The explanation of `score` as a review item stores it: without the values."""
    return {
        name: {key: field[key] for key in STORED_EXPLANATION_KEYS if key in field}
        for name, field in score.explanation.items()
    }


def review_values(
    applicant: Applicant, other: Applicant | WatchlistEntry
) -> tuple[dict[str, str], dict[str, str]]:
    """The values HQ security compares on a review page, per field, as given: read
    (and decrypted) from the applicant's and the other person's records now; for a
    watch-list entry, its reading closest to the applicant."""
    ours = applicant_people(applicant)
    if isinstance(other, WatchlistEntry):
        theirs, prior = entry_people(other) or [person()], WATCHLIST_PRIOR
    else:
        theirs, prior = applicant_people(other), None
    a, b = best_readings(ours, theirs, prior=prior)
    return dict(a.shown), dict(b.shown)


IDENTITY_KEY_DOMAIN = "identity-key:"


def identity_key_hasher() -> Callable[[str], str]:
    """The stored form of a blocking key: its rule in clear (screening tells name-only
    keys apart by it), the rest a keyed hash (HMAC-SHA256 under LEGION_BLIND_INDEX_KEY)
    of the whole key, so the index holds no name, date of birth, home or number.
    The key is read once: for loops over many people."""
    secret = settings.LEGION_BLIND_INDEX_KEY.encode()

    def hashed(key: str) -> str:
        rule = key.partition(":")[0]
        digest = hmac.new(secret, f"{IDENTITY_KEY_DOMAIN}{key}".encode(), hashlib.sha256)
        return f"{rule}:{digest.hexdigest()[:40]}"

    return hashed


def people_keys(
    people: Iterable[Person], *, name_only: bool, keyer: Callable[[str], str] | None = None
) -> set[str]:
    """The blocking keys of these people as IdentityKey stores them (keyed hashes)."""
    keys: set[str] = set()
    for p in people:
        keys |= index_keys(p, passport_key=keyer or passport_key, name_only=name_only)
    hashed = identity_key_hasher()
    return {hashed(key) for key in keys}


def applicant_shown(applicant: Applicant | dict) -> dict[str, str]:
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


def stored_people(variants: list[dict], shown: dict[str, str]) -> list[Person]:
    """A candidate as stored at its own intake: never normalised again, only the
    passport number (kept out of the index) is added back."""
    passport = normalise_passport(shown["passport_number"])
    return [Person.from_json(v, passport=passport, shown=shown) for v in variants]
