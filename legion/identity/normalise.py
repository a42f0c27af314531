"""Normalisation of the fields people are matched on: names in any script, dates, passports.

Names go through rigour (OpenSanctions' name library: transliteration of Latin,
Cyrillic, Greek, Georgian, Armenian; prefix removal; metaphone), ICU's national
romanisation rules (Ukrainian and Russian for Cyrillic, Georgian, Greek, Arabic) and
the `nicknames` package's hand-curated English diminutives, so that Volodymyr /
Volodimir / Владимир / Володимир share forms or keys and Bill meets William.
Everything here is pure and cached: the same function feeds intake, batch linkage
and watch lists.

rigour's Wikidata name tagger (`analyze_names` with symbols) would add cross-language
equivalents (Sasha / Alexander), but it takes ~20 s and ~430 MB to build in every
process, which neither intake nor a one-minute batch run can afford.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from anyascii import anyascii
from nicknames import NickNamer
from rigour.names import remove_person_prefixes
from rigour.text.phonetics import metaphone
from rigour.text.scripts import text_scripts
from rigour.text.translit import ascii_text

# ICU's romanisation rules per script, in addition to rigour's own spelling.
# Cyrillic is romanised both by Ukrainian and by Russian rules: the same person's
# name arrives as Volodymyr (Ukrainian passport) and Vladimir (Russian forms).
ICU_RULES = {
    "Cyrillic": ("Ukrainian-Latin/BGN", "Russian-Latin/BGN", "Any-Latin"),
    "Greek": ("Greek-Latin/UNGEGN", "Any-Latin"),
    "Georgian": ("Georgian-Latin/BGN", "Any-Latin"),
    "Arabic": ("Arabic-Latin",),
    "Armenian": ("Armenian-Latin/BGN",),
}
_NOT_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")
_PASSPORT_JUNK = re.compile(r"[^0-9A-Z]")
_DATE = re.compile(r"^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?$")


@cache
def _transliterator(rule: str):
    import icu

    return icu.Transliterator.createInstance(f"{rule}; Latin-ASCII")


def _clean_ascii(text: str) -> str:
    """Lower-case ASCII letters and single spaces only."""
    text = _NOT_LETTER.sub(" ", text.lower().replace("'", "").replace("ʹ", ""))
    return _SPACES.sub(" ", text).strip()


def skeleton(ascii_name: str) -> str:
    """Consonant skeleton of each word: what survives transliteration from scripts that
    write no vowels (Arabic محمد -> mhmd = Muhammad, Mohammed, Mohamed) and most
    romanisation differences (Volodymyr, Vladimir -> vldmr)."""
    words = []
    for word in ascii_name.split():
        rest = _VOWELS.sub("", word[1:])
        words.append(_DOUBLES.sub(r"\1", word[0] + rest))
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class NameForms:
    """One name (given names or surname) ready for comparison."""

    primary: str  # rigour's ASCII spelling, lower case: "volodimir"
    forms: tuple[str, ...]  # every romanisation we know, primary first
    phonetic: str  # metaphone per word: "FLTMR"
    skeleton: str  # consonant skeleton per word: "vldmr"
    symbols: tuple[str, ...]  # each word and the names it is a diminutive of: bill, william
    first_phonetic: str = ""  # of the first word: the blocking key
    # The five batch columns of this name, built once per distinct name.
    columns: tuple = (None, (), None, None, ())

    @classmethod
    def build(cls, primary: str, forms: tuple, phonetic: str, skeleton: str, symbols: tuple):
        columns = (primary or None, forms, phonetic or None, skeleton or None, symbols)
        first = phonetic.split(" ", 1)[0]
        return cls(primary, forms, phonetic, skeleton, symbols, first, columns)


EMPTY_NAME = NameForms("", (), "", "", ())


@lru_cache(maxsize=500_000)
def name_forms(text: str) -> NameForms:
    """Normalise a given name or surname written in any script."""
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text:
        return EMPTY_NAME
    text = remove_person_prefixes(text) or text
    primary = _clean_ascii(ascii_text(text))
    forms = [primary] if primary else []
    for script in text_scripts(text):
        for rule in ICU_RULES.get(script, ()):
            form = _clean_ascii(_transliterator(rule).transliterate(text))
            if form and form not in forms:
                forms.append(form)
    if not forms:
        return EMPTY_NAME
    primary = forms[0]
    phonetic = " ".join(metaphone(word) or word for word in primary.split())
    symbols: set[str] = set()
    for word in primary.split():
        symbols.add(word)
        symbols.update(_nicknamer().canonicals_of(word))
    return NameForms.build(
        primary, tuple(forms), phonetic, skeleton(primary), tuple(sorted(symbols))
    )


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


# A name per script: the first name in a script loads its romanisation tables (ICU's
# rules a few ms, rigour's Han readings ~150 ms), which would otherwise fall on the
# first applicant who writes in it.
WARM_UP_NAMES = (
    *("Володимир", "Γεώργιος", "გიორგი", "محمد", "Արամ", "דוד", "राज"),
    *("高橋", "たかはし", "タカハシ", "김", "ไทย", "Bill"),
)


def warm_up() -> None:
    """Load the transliteration rules and nickname tables once, at a worker's start."""
    for name in WARM_UP_NAMES:
        name_forms(name)


def place_forms(text: str) -> tuple[str, str]:
    """A place name as (ASCII spelling, metaphone): Київ -> ("kyiv", "KYF")."""
    forms = name_forms(text)
    return forms.primary, forms.phonetic


# Street words written in full or abbreviated, and the form both become: "12 Main
# Street" and "12 main st." are the same line. English, German, French, Spanish,
# Polish and Ukrainian/Russian (after romanisation) words that open or close a line.
STREET_WORDS = {
    "street": "st",
    "str": "st",
    "road": "rd",
    "avenue": "ave",
    "av": "ave",
    "lane": "ln",
    "drive": "dr",
    "close": "cl",
    "court": "ct",
    "place": "pl",
    "square": "sq",
    "crescent": "cres",
    "terrace": "tce",
    "boulevard": "blvd",
    "highway": "hwy",
    "strasse": "st",
    "rue": "st",
    "calle": "st",
    "ulica": "st",
    "ul": "st",
    "vulitsa": "st",
    "vulytsia": "st",
    "vulytsya": "st",
    "vul": "st",
    "ulitsa": "st",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
}
# German compounds: Hauptstraße, Hauptstr. -> haupt st
_STREET_SUFFIX = re.compile(r"^([a-z]{3,})(strasse|str)$")
_ADDRESS_JUNK = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=200_000)
def normalise_address(text: str | None) -> str:
    """The street line of an address (building number and street) as a comparison key:
    ASCII, lower case, the usual street words abbreviated one way, and the words in
    sorted order, so that "12 Main Street", "Main St. 12" and "12 main st" agree and
    "Hauptstraße 5" meets "5 Hauptstr.". Line 2 (flat, building) is not part of it."""
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text:
        return ""
    words = []
    # anyascii, not rigour's ascii_text: 2 µs a line instead of 20-130 µs, and a million
    # records carry over half a million distinct street lines.
    for word in _ADDRESS_JUNK.sub(" ", anyascii(text).lower()).split():
        compound = _STREET_SUFFIX.match(word)
        if compound:
            words += [compound.group(1), "st"]
        else:
            words.append(STREET_WORDS.get(word, word))
    return " ".join(sorted(words))


def town_forms(text: str | None) -> NameForms:
    """The town of an address, without what follows a comma (a state, province or city
    written with it): "Fayetteville, NC" and "Fayetteville" are the same town."""
    return name_forms((text or "").split(",", 1)[0])


def normalise_postcode(value: str | None) -> str:
    """A postcode or ZIP code as letters and digits only, upper case: "sw1a 1aa" ->
    "SW1A1AA", "00-950" -> "00950"."""
    return _PASSPORT_JUNK.sub("", anyascii(value or "").upper())


def normalise_passport(value: str | None) -> str:
    """Passport or ID number as printed in the machine-readable zone: upper case,
    no spaces, dashes or filler characters."""
    return _PASSPORT_JUNK.sub("", (value or "").upper())


@lru_cache(maxsize=100_000)
def _normalise_date_text(value: str) -> str:
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(f"not a date (YYYY-MM-DD, YYYYMMDD, YYYY-MM or YYYY): {value!r}")
    return "".join(part for part in match.groups() if part)


def normalise_date(value: object) -> str:
    """A date of birth as YYYYMMDD, YYYYMM or YYYY (watch lists often give only the
    year). Calendar-impossible digits are kept: a typed 1988-13-04 is a typo of a real
    date and still worth comparing. Raises ValueError for anything else."""
    if value is None or value == "":
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y%m%d")  # type: ignore[attr-defined]
    return _normalise_date_text(str(value))


def normalise_code(value: str | None) -> str:
    """Sex or nationality code: upper case, empty when unknown ("X" is 'not stated')."""
    value = (value or "").strip().upper()
    return "" if value in ("X", "U", "UNKNOWN") else value
