"""Names, dates and numbers written the way the reader's language writes them.

Dates and numbers follow Django's locale formats (DATE_FORMAT, separators); this module
adds what Django does not know: the order of a person's names, and a date with its
weekday, which French and Japanese do not write as "weekday, date".
"""

from datetime import date, datetime

import phonenumbers
from django.conf import settings
from django.utils import formats, translation
from django.utils.dateformat import format as date_format_with

# Languages that write the family name before the given name.
FAMILY_NAME_FIRST = frozenset({"ja", "zh", "ko", "hu", "vi"})

# Dates with their weekday, where "<weekday>, <DATE_FORMAT>" is not how the language
# writes them: "vendredi 27 novembre 2026", "2026年11月27日(金)".
WEEKDAY_DATE_FORMATS = {
    "fr": "l j F Y",
    "ja": "Y年n月j日(D)",
}
# Languages that write weekdays in lower case, though Django's names start with a capital.
LOWER_CASE_WEEKDAYS = frozenset({"uk", "pl", "ru"})


def _language(language: str | None) -> str:
    code = language or translation.get_language() or settings.LANGUAGE_CODE
    return code.split("-")[0].lower()


def display_name(given_name: str, surname: str, *, language: str | None = None) -> str:
    """A person's full name in the order of `language` (default: the active one):
    family name first for Japanese and the like, given name first otherwise."""
    if _language(language) in FAMILY_NAME_FIRST:
        parts = (surname, given_name)
    else:
        parts = (given_name, surname)
    return " ".join(part.strip() for part in parts if part and part.strip())


def weekday_date(value: date | datetime | None) -> str:
    """The date with its weekday in the active language: "Friday, 27 November 2026",
    "Freitag, 27. November 2026", "vendredi 27 novembre 2026", "2026年11月27日(金)"."""
    if not value:
        return ""
    language = _language(None)
    if language == "fr" and value.day == 1:
        return date_format_with(value, r"l 1\e\r F Y")  # "mardi 1er décembre"
    if pattern := WEEKDAY_DATE_FORMATS.get(language):
        return date_format_with(value, pattern)
    weekday = formats.date_format(value, "l")
    if language in LOWER_CASE_WEEKDAYS:
        weekday = weekday[:1].lower() + weekday[1:]
    return f"{weekday}, {formats.date_format(value, 'DATE_FORMAT')}"


def format_number(value: int | float | str) -> str:
    """A count or figure with the active language's separators (12,345 / 12 345 /
    12.345); a value that is not a number, such as "<5", is shown as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


# When the applicant's country has no example mobile number in libphonenumber.
FALLBACK_PHONE_REGION = "GB"


def phone_example(country: str) -> str:
    """An example mobile number of `country` (an ISO code) in international format, from
    libphonenumber's metadata: "+81 90-1234-5678" for Japan, "+380 50 123 4567" for
    Ukraine. These numbers are reserved as examples, so nobody is called by mistake."""
    for region in (str(country or "").upper(), FALLBACK_PHONE_REGION):
        number = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        if number is not None:
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return ""
