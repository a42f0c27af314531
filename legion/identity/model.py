"""The person-matching model: features, comparison levels, weights, score and explanation.

One Fellegi-Sunter model serves intake (one new applicant against indexed candidates,
scored here in Python) and batch linkage (Splink on DuckDB or Spark, fed with the same
features and the same levels as SQL). Each level is written twice, as a Python
predicate and as SQL; `test_matching_model.py` checks that Splink's weights equal
ours pair by pair, so the two paths cannot drift apart.

The m and u probabilities and the prior live in `model.json`, estimated by
`devtools.training` on labelled synthetic applicants (several scripts,
transliterations, typos) and calibrated on candidate pairs; FEBRL4 is kept out of
training so that the benchmark on it stays honest.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from legion.identity.normalise import (
    EMPTY_NAME,
    NameForms,
    name_forms,
    normalise_address,
    normalise_code,
    normalise_date,
    normalise_passport,
    normalise_postcode,
    town_forms,
)

MODEL_PATH = Path(__file__).with_name("model.json")
FIELDS = (
    "given_name",
    "surname",
    "date_of_birth",
    "sex",
    "nationality",
    "passport_number",
    "place_of_birth",
    "address",
    "area",
)


@dataclass(frozen=True, slots=True)
class Person:
    """Normalised features of one person record (applicant, CSV row or watch-list name)."""

    given: NameForms = EMPTY_NAME
    surname: NameForms = EMPTY_NAME
    dob: str = ""  # YYYYMMDD, YYYYMM or YYYY
    sex: str = ""
    nationality: str = ""
    passport: str = ""
    place: NameForms = EMPTY_NAME
    # Home address: the street line (normalise_address), the town, the postcode.
    address: str = ""
    town: NameForms = EMPTY_NAME
    postcode: str = ""
    # The values as given, for explanations shown to HQ security.
    shown: Mapping[str, str] = field(default_factory=dict)

    def columns(self) -> dict[str, Any]:
        """Flat columns for the batch engines (None for missing, lists for sets)."""
        return dict(zip(BATCH_COLUMNS, self.column_values(), strict=True))

    def column_values(self) -> tuple:
        """The values of BATCH_COLUMNS, in order: the batch path's hot loop."""
        given, surname, dob, place, town = self.given, self.surname, self.dob, self.place, self.town
        names = [n.first_phonetic for n in (given, surname) if n.primary]
        return (
            *given.columns,
            *surname.columns,
            dob or None,
            self.sex or None,
            self.nationality or None,
            self.passport or None,
            place.primary or None,
            place.phonetic or None,
            place.skeleton or None,
            self.address or None,
            town.primary or None,
            town.phonetic or None,
            town.skeleton or None,
            self.postcode or None,
            "|".join(sorted(names)) if len(names) == 2 else None,
            given.first_phonetic or None,
            surname.first_phonetic or None,
            dob[:4] or None,
            dob[4:8] if len(dob) == 8 else None,
        )

    def to_json(self) -> dict[str, Any]:
        """What the intake index stores per applicant (never the passport number)."""
        return {
            "given": self.given.primary and _name_json(self.given),
            "surname": self.surname.primary and _name_json(self.surname),
            "dob": self.dob,
            "sex": self.sex,
            "nationality": self.nationality,
            "place": self.place.primary and _name_json(self.place),
            "address": self.address,
            "town": self.town.primary and _name_json(self.town),
            "postcode": self.postcode,
        }

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], *, passport: str = "", shown: Mapping[str, str] | None = None
    ) -> Person:
        return cls(
            given=_name_from_json(data.get("given")),
            surname=_name_from_json(data.get("surname")),
            dob=data.get("dob", ""),
            sex=data.get("sex", ""),
            nationality=data.get("nationality", ""),
            passport=passport,
            place=_name_from_json(data.get("place")),
            address=data.get("address", ""),
            town=_name_from_json(data.get("town")),
            postcode=data.get("postcode", ""),
            shown=shown or {},
        )


def _name_json(name: NameForms) -> list:
    return [name.primary, list(name.forms), name.phonetic, name.skeleton, list(name.symbols)]


def _name_from_json(data: Any) -> NameForms:
    if not data:
        return EMPTY_NAME
    primary, forms, phonetic, skeleton, symbols = data
    return NameForms(primary, tuple(forms), phonetic, skeleton, tuple(symbols))


def area_shown(town: str | None, postcode: str | None) -> str:
    """Town and postcode as HQ security reads them: "Aldershot, GU11 1AA"."""
    return ", ".join(part for part in (town, postcode) if part)


def person(
    *,
    given_name: str = "",
    surname: str = "",
    date_of_birth: object = "",
    sex: str = "",
    nationality: str = "",
    passport_number: str = "",
    place_of_birth: str = "",
    address: str = "",
    town: str = "",
    postcode: str = "",
) -> Person:
    """Normalise one person record. Raises ValueError for a date that is not one."""
    shown = {
        "given_name": given_name or "",
        "surname": surname or "",
        "date_of_birth": str(date_of_birth or ""),
        "sex": sex or "",
        "nationality": nationality or "",
        "passport_number": passport_number or "",
        "place_of_birth": place_of_birth or "",
        "address": address or "",
        "area": area_shown(town, postcode),
    }
    return Person(
        given=name_forms(given_name or ""),
        surname=name_forms(surname or ""),
        dob=normalise_date(date_of_birth),
        sex=normalise_code(sex),
        nationality=normalise_code(nationality),
        passport=normalise_passport(passport_number),
        place=name_forms(place_of_birth or ""),
        address=normalise_address(address),
        town=town_forms(town),
        postcode=normalise_postcode(postcode),
        shown=shown,
    )


# --- Blocking: which pairs are compared at all ----------------------------------------

NAME_COLUMNS = ("", "_forms", "_phon", "_skel", "_syms")
BATCH_COLUMNS = (
    *(f"given{suffix}" for suffix in NAME_COLUMNS),
    *(f"surname{suffix}" for suffix in NAME_COLUMNS),
    "dob",
    "sex",
    "nationality",
    "passport",
    "place",
    "place_phon",
    "place_skel",
    "address",
    "town",
    "town_phon",
    "town_skel",
    "postcode",
    "bk_name",
    "bk_given",
    "bk_surname",
    "dob_year",
    "dob_md",
)
LIST_COLUMNS = frozenset({"given_forms", "given_syms", "surname_forms", "surname_syms"})


def blocking_values(p: Person) -> dict[str, str | None]:
    """Scalar keys shared by likely matches; the batch engines block on equal values and
    the intake index stores them as strings (see `index_keys`)."""
    names = [n.first_phonetic for n in (p.given, p.surname) if n.primary]
    return {
        "bk_name": "|".join(sorted(names)) if len(names) == 2 else None,
        "bk_given": p.given.first_phonetic or None,
        "bk_surname": p.surname.first_phonetic or None,
        "dob_year": p.dob[:4] or None,
        "dob_md": p.dob[4:8] if len(p.dob) == 8 else None,
    }


def passport_deletions(passport: str) -> tuple[str, ...]:
    """The number with one character left out, each way: two numbers one typo or one
    transposition apart always share one of these (a symmetric-deletion key)."""
    if len(passport) < 6:
        return ()
    return tuple(sorted({passport[:i] + passport[i + 1 :] for i in range(len(passport))}))


# passport_deletions() as SQL: the batch engines derive `pp_dels` from `passport`
# themselves, 8-9 strings per record that Python would build ten times slower. The
# list is neither sorted nor de-duplicated: only which keys two records share counts.
PASSPORT_DELETIONS_SQL = {
    "duckdb": "CASE WHEN length(passport) >= 6 THEN "
    "[substr(passport, 1, i - 1) || substr(passport, i + 1) "
    "for i in range(1, length(passport) + 1)] ELSE [] END",
    "spark": "CASE WHEN length(passport) >= 6 THEN transform(sequence(1, length(passport)), "
    "i -> concat(substr(passport, 1, i - 1), substr(passport, i + 1))) "
    "ELSE array() END",
}


# Pairs sharing any of these are candidates; the same rules drive intake and batch.
# "passport_near" compares the exploded list of passport_deletions().
BLOCKING_RULES = (
    ("passport", ("passport",)),
    ("passport_near", ("pp_dels",)),
    ("name_dob", ("bk_name", "dob")),
    ("name_year", ("bk_name", "dob_year")),
    ("name_monthday", ("bk_name", "dob_md")),
    ("surname_dob", ("bk_surname", "dob")),
    ("given_dob", ("bk_given", "dob")),
    ("name_place", ("bk_name", "place")),
    ("place_dob", ("place", "dob")),
    # The home: the same street line in the same postcode or with the same given name;
    # the same postcode with the same names or date of birth.
    ("address_postcode", ("address", "postcode")),
    ("address_given", ("address", "bk_given")),
    ("name_postcode", ("bk_name", "postcode")),
    ("postcode_dob", ("postcode", "dob")),
)
# Watch-list entries often carry nothing but a name: screening also looks up by name alone.
NAME_ONLY_RULE = ("name", ("bk_name",))


MAX_KEY_LENGTH = 80  # IdentityKey.key


def index_keys(p: Person, *, passport_key: Callable[[str], str], name_only: bool) -> set[str]:
    """The blocking keys of one person as strings for the intake index. The passport
    part goes through `passport_key` (a keyed hash) so that the index holds no number."""
    values = {
        **blocking_values(p),
        "passport": p.passport or None,
        "dob": p.dob or None,
        "place": p.place.primary or None,
        "address": p.address or None,
        "town": p.town.primary or None,
        "postcode": p.postcode or None,
    }
    rules = (*BLOCKING_RULES, NAME_ONLY_RULE) if name_only else BLOCKING_RULES
    keys = {f"passport_near:{passport_key(d)}" for d in passport_deletions(p.passport)}
    for rule, columns in rules:
        if rule == "passport_near":
            continue
        parts = [values[c] for c in columns]
        if all(parts):
            if rule == "passport":
                parts = [passport_key(parts[0])]
            key = f"{rule}:{':'.join(parts)}"
            if len(key) > MAX_KEY_LENGTH:  # a long street line: its digest, same for all
                key = f"{rule}:{hashlib.blake2b(key.encode(), digest_size=24).hexdigest()}"
            keys.add(key)
    return keys


# --- Comparison levels ------------------------------------------------------------------

Pred = Callable[[Person, Person], bool]

_SIDE = re.compile(r"\b([lr])\.(\w+)")
SQL_FUNCTIONS = {
    "duckdb": {"overlap": "list_has_any"},
    "spark": {"overlap": "arrays_overlap"},
}


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    sql: str  # with {overlap} placeholders filled per dialect
    test: Pred


@dataclass(frozen=True)
class Comparison:
    name: str  # one of FIELDS
    label: str
    null_sql: str
    is_null: Callable[[Person], bool]
    levels: tuple[Level, ...]  # tried in order; the last one is ELSE
    # Counted only for pairs that pass this test (None: always); other pairs are
    # treated as if the value were missing.
    counted_if: Pred | None = None
    counted_if_sql: str = ""

    def level_for(self, a: Person, b: Person) -> Level | None:
        """The first level the pair falls in; None when a value is missing on either
        side or the comparison does not count for this pair (see `not_counted`)."""
        if self.is_null(a) or self.is_null(b) or self.not_counted(a, b):
            return None
        for level in self.levels:
            if level.test(a, b):
                return level
        raise AssertionError("the last level of a comparison always matches")

    def not_counted(self, a: Person, b: Person) -> bool:
        return self.counted_if is not None and not self.counted_if(a, b)

    @property
    def skipped_sql(self) -> str:
        """The SQL of the null level: missing on a side, or not counted for the pair."""
        if not self.counted_if_sql:
            return self.null_sql
        return f"{self.null_sql} OR NOT ({self.counted_if_sql})"


def _lev(a: str, b: str) -> int:
    return Levenshtein.distance(a, b)


def _overlap(a: Iterable[str], b: Iterable[str]) -> bool:
    return not set(a).isdisjoint(b)


def _eq(a: str, b: str) -> bool:
    return bool(a) and a == b


def name_comparison(name: str, label: str, col: str, other: str) -> Comparison:
    def own(p: Person) -> NameForms:
        return getattr(p, col)

    def other_of(p: Person) -> NameForms:
        return getattr(p, other)

    def sounds_alike(a: Person, b: Person) -> bool:
        return own(a).phonetic == own(b).phonetic or own(a).skeleton == own(b).skeleton

    levels = (
        Level(
            "exact", "Exact", f"l.{col} = r.{col}", lambda a, b: own(a).primary == own(b).primary
        ),
        Level(
            "transliteration",
            "Same name in another romanisation",
            f"{{overlap}}(l.{col}_forms, r.{col}_forms)",
            lambda a, b: _overlap(own(a).forms, own(b).forms),
        ),
        Level(
            "variant",
            "Known variant of the same name, sounds alike",
            f"{{overlap}}(l.{col}_syms, r.{col}_syms) AND (l.{col}_phon = r.{col}_phon "
            f"OR l.{col}_skel = r.{col}_skel)",
            lambda a, b: _overlap(own(a).symbols, own(b).symbols) and sounds_alike(a, b),
        ),
        Level(
            "phonetic",
            "Sounds alike (same phonetic key or consonants)",
            f"l.{col}_phon = r.{col}_phon OR l.{col}_skel = r.{col}_skel",
            sounds_alike,
        ),
        Level(
            "nickname",
            "Nickname or the same name in another language",
            f"{{overlap}}(l.{col}_syms, r.{col}_syms)",
            lambda a, b: _overlap(own(a).symbols, own(b).symbols),
        ),
        Level(
            "typo1",
            "One letter different",
            f"levenshtein(l.{col}, r.{col}) <= 1",
            lambda a, b: _lev(own(a).primary, own(b).primary) <= 1,
        ),
        Level(
            "typo2",
            "Two letters different",
            f"levenshtein(l.{col}, r.{col}) <= 2",
            lambda a, b: _lev(own(a).primary, own(b).primary) <= 2,
        ),
        # A swap often comes with a typo in one of the two names (langer / laznger).
        Level(
            "swapped",
            "Given name and surname swapped",
            f"l.{col} = r.{other} OR l.{col}_phon = r.{other}_phon "
            f"OR levenshtein(l.{col}, r.{other}) <= 1",
            lambda a, b: (
                _eq(own(a).primary, other_of(b).primary)
                or _eq(own(a).phonetic, other_of(b).phonetic)
                or (bool(other_of(b).primary) and _lev(own(a).primary, other_of(b).primary) <= 1)
            ),
        ),
        Level("different", "Different", "ELSE", lambda a, b: True),
    )
    return Comparison(
        name, label, f"l.{col} IS NULL OR r.{col} IS NULL", lambda p: not own(p).primary, levels
    )


def _dob_partial(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    return len(a) != len(b) and a[:n] == b[:n]


def _full(a: str, b: str) -> bool:
    return len(a) == 8 and len(b) == 8


DOB = Comparison(
    "date_of_birth",
    "Date of birth",
    "l.dob IS NULL OR r.dob IS NULL",
    lambda p: not p.dob,
    (
        Level("exact", "Exact", "l.dob = r.dob", lambda a, b: a.dob == b.dob),
        Level(
            "partial",
            "Agrees as far as both are known (year or month only)",
            "length(l.dob) <> length(r.dob) AND substr(l.dob, 1, least(length(l.dob), "
            "length(r.dob))) = substr(r.dob, 1, least(length(l.dob), length(r.dob)))",
            lambda a, b: _dob_partial(a.dob, b.dob),
        ),
        Level(
            "day_month_swapped",
            "Day and month swapped",
            "length(l.dob) = 8 AND length(r.dob) = 8 AND substr(l.dob, 1, 4) = substr(r.dob, 1, 4)"
            " AND substr(l.dob, 5, 2) = substr(r.dob, 7, 2)"
            " AND substr(l.dob, 7, 2) = substr(r.dob, 5, 2)",
            lambda a, b: (
                _full(a.dob, b.dob)
                and a.dob[:4] == b.dob[:4]
                and a.dob[4:6] == b.dob[6:8]
                and a.dob[6:8] == b.dob[4:6]
            ),
        ),
        Level(
            "one_digit",
            "One digit different",
            "length(l.dob) = 8 AND length(r.dob) = 8 AND levenshtein(l.dob, r.dob) = 1",
            lambda a, b: _full(a.dob, b.dob) and _lev(a.dob, b.dob) == 1,
        ),
        Level(
            "two_digits",
            "Two digits different",
            "length(l.dob) = 8 AND length(r.dob) = 8 AND levenshtein(l.dob, r.dob) = 2",
            lambda a, b: _full(a.dob, b.dob) and _lev(a.dob, b.dob) == 2,
        ),
        Level(
            "same_year",
            "Same year of birth",
            "substr(l.dob, 1, 4) = substr(r.dob, 1, 4)",
            lambda a, b: a.dob[:4] == b.dob[:4],
        ),
        Level("different", "Different", "ELSE", lambda a, b: True),
    ),
)


def _typed_comparison(name: str, label: str, col: str, exact: str, typos: int) -> Comparison:
    """A code or line typed by hand: exact, up to `typos` characters off, different."""

    def levels(edits: int) -> Level:
        return Level(
            f"typo{edits}",
            "One character different" if edits == 1 else "Two characters different",
            f"levenshtein(l.{col}, r.{col}) <= {edits}",
            lambda a, b: _lev(getattr(a, col), getattr(b, col)) <= edits,
        )

    return Comparison(
        name,
        label,
        f"l.{col} IS NULL OR r.{col} IS NULL",
        lambda p: not getattr(p, col),
        (
            Level(
                "exact",
                exact,
                f"l.{col} = r.{col}",
                lambda a, b: getattr(a, col) == getattr(b, col),
            ),
            *(levels(edits) for edits in range(1, typos + 1)),
            Level("different", "Different", "ELSE", lambda a, b: True),
        ),
    )


PASSPORT = _typed_comparison("passport_number", "Passport or ID number", "passport", "Exact", 2)


PLACE = Comparison(
    "place_of_birth",
    "Place of birth",
    "l.place IS NULL OR r.place IS NULL",
    lambda p: not p.place.primary,
    (
        Level(
            "exact", "Exact", "l.place = r.place", lambda a, b: a.place.primary == b.place.primary
        ),
        Level(
            "phonetic",
            "Sounds alike (Kyiv / Kiev)",
            "l.place_phon = r.place_phon OR l.place_skel = r.place_skel",
            lambda a, b: (
                a.place.phonetic == b.place.phonetic or a.place.skeleton == b.place.skeleton
            ),
        ),
        Level(
            "typo2",
            "Up to two letters different",
            "levenshtein(l.place, r.place) <= 2",
            lambda a, b: _lev(a.place.primary, b.place.primary) <= 2,
        ),
        Level("different", "Different", "ELSE", lambda a, b: True),
    ),
)


def _both(a: str, b: str) -> bool:
    return bool(a) and bool(b)


def _near(a: str, b: str, edits: int) -> bool:
    """Both present and at most `edits` apart (SQL's levenshtein() of a NULL is NULL)."""
    return _both(a, b) and _lev(a, b) <= edits


def person_agrees(a: Person, b: Person) -> bool:
    """The given names sound or look alike (another romanisation, a nickname, a typo),
    or the dates of birth or passport numbers are at most two characters apart. A
    surname does not count: families share it."""
    x, y = a.given, b.given
    return (
        _eq(x.phonetic, y.phonetic)
        or _eq(x.skeleton, y.skeleton)
        or _overlap(x.forms, y.forms)
        or _overlap(x.symbols, y.symbols)
        or _near(x.primary, y.primary, 2)
        or _near(a.dob, b.dob, 2)
        or _near(a.passport, b.passport, 2)
    )


# person_agrees() as SQL; COALESCE because a comparison with a NULL is NULL, not false.
PERSON_AGREES_SQL = " OR ".join(
    f"COALESCE({condition}, FALSE)"
    for condition in (
        "l.given_phon = r.given_phon",
        "l.given_skel = r.given_skel",
        "{overlap}(l.given_forms, r.given_forms)",
        "{overlap}(l.given_syms, r.given_syms)",
        "levenshtein(l.given, r.given) <= 2",
        "levenshtein(l.dob, r.dob) <= 2",
        "levenshtein(l.passport, r.passport) <= 2",
    )
)
NOT_COUNTED_LABEL = "Not counted: no given name, date of birth or passport agrees"

# The home address is compared as the street line (building number and street,
# normalise_address) and the area (town and postcode); a record may have any of them.
# It is strong evidence only for people who agree in something personal: brothers,
# a father and son, flatmates share a home and are different people. Between two
# records that agree in none of them, it is not counted at all.
ADDRESS = replace(
    _typed_comparison("address", "Street address", "address", "Same building and street", 2),
    counted_if=person_agrees,
    counted_if_sql=PERSON_AGREES_SQL,
)


def _towns_alike(a: Person, b: Person) -> bool:
    x, y = a.town, b.town
    return _both(x.primary, y.primary) and (
        x.primary == y.primary
        or x.phonetic == y.phonetic
        or x.skeleton == y.skeleton
        or _lev(x.primary, y.primary) <= 2
    )


_TOWNS_ALIKE_SQL = (
    "(l.town = r.town OR l.town_phon = r.town_phon OR l.town_skel = r.town_skel "
    "OR levenshtein(l.town, r.town) <= 2)"
)

# Town and postcode are one comparison: the postcode names the town, so counting both
# would count one place twice. SQL's comparisons with NULL are never true; the Python
# predicates check that both values are present to say the same.
AREA = Comparison(
    "area",
    "Town and postcode",
    "(l.town IS NULL AND l.postcode IS NULL) OR (r.town IS NULL AND r.postcode IS NULL)",
    lambda p: not (p.town.primary or p.postcode),
    (
        Level(
            "postcode",
            "Same postcode",
            "l.postcode = r.postcode",
            lambda a, b: _eq(a.postcode, b.postcode),
        ),
        Level(
            "postcode_typo",
            "Postcode one character different",
            "levenshtein(l.postcode, r.postcode) <= 1",
            lambda a, b: _both(a.postcode, b.postcode) and _lev(a.postcode, b.postcode) <= 1,
        ),
        Level(
            "town",
            "Same town, postcode missing on one side",
            f"{_TOWNS_ALIKE_SQL} AND (l.postcode IS NULL OR r.postcode IS NULL)",
            lambda a, b: _towns_alike(a, b) and not _both(a.postcode, b.postcode),
        ),
        Level(
            "town_other_postcode",
            "Same town, another postcode",
            _TOWNS_ALIKE_SQL,
            _towns_alike,
        ),
        # Postcodes are hierarchical: the first three characters name the district.
        Level(
            "district",
            "Same postal district (first three characters)",
            "length(l.postcode) > 3 AND length(r.postcode) > 3 "
            "AND substr(l.postcode, 1, 3) = substr(r.postcode, 1, 3)",
            lambda a, b: (
                len(a.postcode) > 3 and len(b.postcode) > 3 and a.postcode[:3] == b.postcode[:3]
            ),
        ),
        Level("different", "Different", "ELSE", lambda a, b: True),
    ),
    counted_if=person_agrees,
    counted_if_sql=PERSON_AGREES_SQL,
)

COMPARISONS = (
    name_comparison("given_name", "Given names", "given", "surname"),
    name_comparison("surname", "Surname", "surname", "given"),
    DOB,
    _typed_comparison("sex", "Sex", "sex", "Same", 0),
    _typed_comparison("nationality", "Nationality", "nationality", "Same", 0),
    PASSPORT,
    PLACE,
    ADDRESS,
    AREA,
)


# --- Weights and scores -----------------------------------------------------------------


MIN_POPULATION = 1000


@dataclass(frozen=True)
class Parameters:
    """m and u per comparison level, and the prior probability that a candidate pair
    (two records sharing a blocking key) is the same person."""

    prior: float
    m: Mapping[str, Mapping[str, float]]
    u: Mapping[str, Mapping[str, float]]
    # How many records the prior was calibrated on. Coincidental candidates (same
    # name and birth year...) grow with the population, so the prior shrinks in
    # proportion beyond it: see prior_for().
    population: int = 0

    def weight(self, comparison: str, level: str) -> float:
        return self._weights[comparison, level]

    @cached_property
    def _weights(self) -> dict[tuple[str, str], float]:
        return {
            (comparison, level): math.log2(m / self.u[comparison][level])
            for comparison, levels in self.m.items()
            for level, m in levels.items()
        }

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def prior_for(self, population: int) -> float:
        """The prior for a candidate pair among `population` records (the records any
        one record is compared with). Coincidental candidates (same common name and
        birth year, different people) grow in proportion to the population, so the
        calibrated prior is scaled by training population / population, both ways.
        Below MIN_POPULATION records the coincidence rates were never observed, so
        the scaling stops there. Intake and batch both use it."""
        if not self.population:
            return self.prior
        scaled = self.prior * self.population / max(population, MIN_POPULATION)
        return min(scaled, 0.5)

    def to_json(self) -> dict[str, Any]:
        return {"prior": self.prior, "m": self.m, "u": self.u, "population": self.population}


@cache
def parameters() -> Parameters:
    data = json.loads(MODEL_PATH.read_text())
    return Parameters(
        prior=data["prior"], m=data["m"], u=data["u"], population=data.get("population", 0)
    )


@dataclass(frozen=True)
class Score:
    probability: float
    weight: float  # log2 odds, prior included
    explanation: dict[str, dict[str, Any]]


def probability_from_weight(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-weight))


def compare(
    a: Person, b: Person, *, params: Parameters | None = None, prior: float | None = None
) -> Score:
    """Score a pair: match probability, log2 odds and, per field, the level reached,
    its weight and both values as given."""
    params = params or parameters()
    prior = params.prior if prior is None else prior
    total = math.log2(prior / (1 - prior))
    explanation = {}
    for comparison in COMPARISONS:
        level = comparison.level_for(a, b)
        weight = 0.0 if level is None else params.weight(comparison.name, level.key)
        total += weight
        if level:
            key, label = level.key, level.label
        elif comparison.is_null(a) or comparison.is_null(b):
            key, label = "missing", "Missing on one side"
        else:
            key, label = "not_counted", NOT_COUNTED_LABEL
        explanation[comparison.name] = {
            "label": comparison.label,
            "level": key,
            "level_label": label,
            "weight": round(weight, 3),
            "a": a.shown.get(comparison.name, ""),
            "b": b.shown.get(comparison.name, ""),
        }
    return Score(probability_from_weight(total), total, explanation)


def match_weight(
    a: Person, b: Person, *, params: Parameters | None = None, prior: float | None = None
) -> float:
    """compare(a, b).weight without the explanation (the same sum in the same order):
    for picking the best of several readings of two people before explaining it."""
    params = params or parameters()
    prior = params.prior if prior is None else prior
    total = math.log2(prior / (1 - prior))
    for comparison in COMPARISONS:
        level = comparison.level_for(a, b)
        total += 0.0 if level is None else params.weight(comparison.name, level.key)
    return total


def level_keys(a: Person, b: Person) -> dict[str, str | None]:
    """Which level each comparison reaches (None = missing): what training counts."""
    return {c.name: (level.key if (level := c.level_for(a, b)) else None) for c in COMPARISONS}


# --- Splink -----------------------------------------------------------------------------


def splink_settings(
    *, link_type: str, dialect: str, params: Parameters | None = None, prior: float | None = None
) -> dict[str, Any]:
    """A trained Splink settings dictionary with exactly this model: same levels (as
    SQL), same m and u, same prior; no training happens in Splink."""
    params = params or parameters()
    functions = SQL_FUNCTIONS[dialect]

    def columns(sql: str) -> str:
        # Comparison levels name the sides as given_l / given_r, blocking rules as l.given.
        return _SIDE.sub(r"\2_\1", sql)

    comparisons = []
    for c in COMPARISONS:
        levels = [
            {
                "sql_condition": columns(c.skipped_sql.format(**functions)),
                "label_for_charts": "Null",
                "is_null_level": True,
            }
        ]
        for level in c.levels:
            levels.append(
                {
                    "sql_condition": columns(level.sql.format(**functions)),
                    "label_for_charts": level.label,
                    "m_probability": params.m[c.name][level.key],
                    "u_probability": params.u[c.name][level.key],
                }
            )
        comparisons.append(
            {
                "output_column_name": c.name,
                "comparison_description": c.label,
                "comparison_levels": levels,
            }
        )
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": params.prior if prior is None else prior,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [
            {
                "blocking_rule": " AND ".join(f"l.{c} = r.{c}" for c in columns),
                "sql_dialect": dialect,
                **({"arrays_to_explode": list(columns)} if rule == "passport_near" else {}),
            }
            for rule, columns in BLOCKING_RULES
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "sql_dialect": dialect,
    }
