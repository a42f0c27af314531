"""Names of countries and languages from CLDR (through ICU), in the reader's language and
sorted the way that language sorts: Japanese in gojūon order, Ukrainian in Ukrainian
alphabetical order, Spanish with "Ñ" after "N".

Django's and django-countries' own name lists are English names translated one by one
and sorted by code points, which put Japanese names in English order and left
"Norwegian Bokmal" untranslated; CLDR has every name in every portal language.
"""

from collections.abc import Iterable
from functools import lru_cache

import icu
from django.conf import settings
from django.utils import translation
from django_countries.data import COUNTRIES

# Territories without a permanent population: nobody holds their nationality, so the
# nationality and residence lists leave them out.
NO_PERMANENT_POPULATION = frozenset(
    {
        "AQ",  # Antarctica
        "BV",  # Bouvet Island
        "GS",  # South Georgia and the South Sandwich Islands
        "HM",  # Heard Island and McDonald Islands
        "IO",  # British Indian Ocean Territory
        "TF",  # French Southern Territories
        "UM",  # United States Minor Outlying Islands
    }
)
# CLDR's short name where the full one is an administrative title ("中華人民共和国香港特別
# 行政区", "Hong Kong SAR China"); everywhere else the short names are abbreviations ("US").
SHORT_NAMES = frozenset({"HK", "MO"})

# Japanese sorts by reading; names written in kanji need theirs, or ICU puts them after
# every name in kana (by character code, 中国 before 日本 before 北朝鮮).
JAPANESE_READINGS = {
    "英国": "えいこく",
    "英領ヴァージン諸島": "えいりょうヴァージンしょとう",
    "韓国": "かんこく",
    "西サハラ": "にしサハラ",
    "赤道ギニア": "せきどうギニア",
    "台湾": "たいわん",
    "中央アフリカ共和国": "ちゅうおうアフリカきょうわこく",
    "中国": "ちゅうごく",
    "香港": "ホンコン",
    "東ティモール": "ひがしティモール",
    "南アフリカ": "みなみアフリカ",
    "南スーダン": "みなみスーダン",
    "日本": "にほん",
    "仏領ギアナ": "ふつりょうギアナ",
    "仏領ポリネシア": "ふつりょうポリネシア",
    "米領ヴァージン諸島": "べいりょうヴァージンしょとう",
    "米領サモア": "べいりょうサモア",
    "北マケドニア": "きたマケドニア",
    "北マリアナ諸島": "きたマリアナしょとう",
    "北朝鮮": "きたちょうせん",
    "英語": "えいご",
    "中国語": "ちゅうごくご",
    "日本語": "にほんご",
    "韓国語": "かんこくご",
}


def _language(language: str | None) -> str:
    return (language or translation.get_language() or settings.LANGUAGE_CODE).lower()


# The portal's English is British English, as on a GOV.UK-style service ("2 November
# 1994", day before month); ICU's plain "en" is American.
ICU_LOCALES = {"en": "en_GB"}


def _icu_locale(language: str) -> icu.Locale:
    if language in ICU_LOCALES:
        return icu.Locale(ICU_LOCALES[language])
    code, _sep, script = language.partition("-")
    return icu.Locale(f"{code}_{script.title()}" if script else code)


@lru_cache(maxsize=32)
def _display_names(language: str) -> icu.LocaleDisplayNames:
    return icu.LocaleDisplayNames.createInstance(
        _icu_locale(language), [icu.UDisplayContext.CAPITALIZATION_FOR_UI_LIST_OR_MENU]
    )


@lru_cache(maxsize=32)
def _sentence_display_names(language: str) -> icu.LocaleDisplayNames:
    return icu.LocaleDisplayNames.createInstance(
        _icu_locale(language), [icu.UDisplayContext.CAPITALIZATION_FOR_MIDDLE_OF_SENTENCE]
    )


@lru_cache(maxsize=32)
def _short_display_names(language: str) -> icu.LocaleDisplayNames:
    return icu.LocaleDisplayNames.createInstance(
        _icu_locale(language),
        [icu.UDisplayContext.CAPITALIZATION_FOR_UI_LIST_OR_MENU, icu.UDisplayContext.LENGTH_SHORT],
    )


@lru_cache(maxsize=32)
def _collator(language: str) -> icu.Collator:
    return icu.Collator.createInstance(_icu_locale(language))


def sort_key(name: str, *, language: str | None = None) -> bytes:
    """The key that sorts `name` among others as `language` (default: the active one)
    sorts words; Japanese names in kanji sort by their reading."""
    language = _language(language)
    if language.startswith("ja"):
        name = JAPANESE_READINGS.get(name, name)
    return _collator(language).getSortKey(name)


def sorted_by_name(
    pairs: Iterable[tuple[str, str]], *, language: str | None = None
) -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name in the collation of `language`."""
    language = _language(language)
    return sorted(pairs, key=lambda pair: sort_key(pair[1], language=language))


def country_name(code: str, *, language: str | None = None) -> str:
    """The country's name in `language` (default: the active one): "ジョージア" in
    Japanese, "Грузія" in Ukrainian. An empty or unknown code gives ""."""
    code = str(code or "").upper()
    if code not in COUNTRIES:
        return ""
    language = _language(language)
    names = _short_display_names(language) if code in SHORT_NAMES else _display_names(language)
    return names.regionDisplayName(code)


def language_name(code: str, *, language: str | None = None, in_sentence: bool = False) -> str:
    """The name of the language `code` ("en", "zh-hans") in `language` (default: the
    active one), without a region: "英語", never "英語(米国)". Standing alone (a list, a
    menu, a table cell) it starts with a capital; `in_sentence` gives the form used in
    running text ("angielski" in Polish, "англійська" in Ukrainian)."""
    base = str(code or "").split("-")[0].lower()
    if not base:
        return ""
    language = _language(language)
    if in_sentence:
        name = _sentence_display_names(language).languageDisplayName(base)
    else:
        name = _display_names(language).languageDisplayName(base)
        name = name[:1].upper() + name[1:]  # CLDR has no menu capitalisation for some
    return code if name.lower() == base else name


def country_choices(*, language: str | None = None) -> list[tuple[str, str]]:
    """Every country people live in and hold the nationality of, named and sorted in
    `language` (default: the active one)."""
    return sorted_by_name(
        (
            (code, country_name(code, language=language))
            for code in COUNTRIES
            if code not in NO_PERMANENT_POPULATION
        ),
        language=language,
    )


def language_choices(codes: Iterable[str], *, language: str | None = None) -> list[tuple[str, str]]:
    """The languages of `codes`, named and sorted in `language` (default: the active one)."""
    return sorted_by_name(
        ((code, language_name(code, language=language)) for code in codes), language=language
    )


def format_list(
    items: Iterable[str], *, conjunction: str = "and", language: str | None = None
) -> str:
    """Items joined as `language` (default: the active one) joins a list: "English and
    Ukrainian", "англійська або українська", "英語、ウクライナ語". `conjunction` is "and"
    or "or"."""
    kind = icu.UListFormatterType.OR if conjunction == "or" else icu.UListFormatterType.AND
    formatter = icu.ListFormatter.createInstance(
        _icu_locale(_language(language)), kind, icu.UListFormatterWidth.WIDE
    )
    return formatter.format(list(items))


def date_parts_order(language: str | None = None) -> tuple[str, ...]:
    """The order in which `language` (default: the active one) writes the parts of a
    numeric date, from CLDR's "yMd" pattern: ("year", "month", "day") in Japanese,
    ("day", "month", "year") in British English, Ukrainian or German."""
    return _date_parts_order(_language(language))


@lru_cache(maxsize=32)
def _date_parts_order(language: str) -> tuple[str, ...]:
    pattern = icu.DateTimePatternGenerator.createInstance(_icu_locale(language)).getBestPattern(
        "yMd"
    )
    positions = {"day": pattern.find("d"), "month": pattern.find("M"), "year": pattern.find("y")}
    return tuple(sorted(positions, key=lambda part: positions[part]))
