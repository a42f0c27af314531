"""Template filters for names, dates and numbers in the reader's language:
{% load localise %} then {{ applicant|display_name }}, {{ day|weekday_date }},
{{ total|number }}."""

from typing import Any

from django import template

from legion import cldr
from legion.cases import localisation

register = template.Library()


@register.filter
def display_name(person: Any) -> str:
    """The full name of anything with `given_name` and `surname`, in the active
    language's order."""
    if not person:
        return ""
    return localisation.display_name(
        getattr(person, "given_name", "") or "", getattr(person, "surname", "") or ""
    )


@register.filter(expects_localtime=True)
def weekday_date(value: Any) -> str:
    """Like |date, given the time zone in force ({% timezone %}), then written with its
    weekday the language's way."""
    return localisation.weekday_date(value)


@register.filter
def number(value: Any) -> str:
    return localisation.format_number(value)


@register.filter
def country_name(code: Any) -> str:
    """The name of a country (a code or a django-countries Country) in the active
    language, from CLDR."""
    return cldr.country_name(getattr(code, "code", code) or "")


@register.filter
def language_name(code: str) -> str:
    """The name of a language code in the active language, from CLDR."""
    return cldr.language_name(code or "")
