"""What each eligibility rule accepts as parameters, checked before an administrator saves.

The engine (eligibility.py) reads these keys; anything else would be silently ignored
or crash a check at submission time, so a bad value is refused with a clear message.
A key left out falls back to the default in eligibility.DEFAULT_PARAMETERS.
"""

from typing import Any

from django_countries import countries

from legion.cases.eligibility import DEFAULT_PARAMETERS
from legion.cases.languages import SPOKEN_LANGUAGES
from legion.cases.models import EligibilityRule, ServiceRecord

Code = EligibilityRule.Code


def _int(value: Any, key: str, low: int, high: int) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"“{key}” must be a whole number, not {value!r}."]
    if not low <= value <= high:
        return [f"“{key}” must be between {low} and {high}, not {value}."]
    return []


def _choices(value: Any, key: str, allowed: set[str], what: str, *, empty: bool) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [f"“{key}” must be a list of {what}, e.g. {sorted(allowed)[:2]}."]
    if not value and not empty:
        return [f"“{key}” must name at least one of the {what}."]
    unknown = [v for v in value if v not in allowed]
    if unknown:
        return [f"“{key}”: unknown {what}: {', '.join(unknown)}."]
    return []


def _bool(value: Any, key: str) -> list[str]:
    return [] if isinstance(value, bool) else [f"“{key}” must be true or false, not {value!r}."]


COUNTRY_CODES = {code for code, _ in countries}
EXPERIENCE_KINDS = set(ServiceRecord.Kind.values)

CHECKS = {
    Code.AGE: {
        "min_age": lambda v: _int(v, "min_age", 16, 100),
        "max_age": lambda v: _int(v, "max_age", 16, 100),
    },
    Code.EXPERIENCE: {
        "kinds": lambda v: _choices(v, "kinds", EXPERIENCE_KINDS, "experience kinds", empty=False),
        "min_years": lambda v: _int(v, "min_years", 0, 40),
    },
    Code.PASSPORT_VALIDITY: {"min_months": lambda v: _int(v, "min_months", 0, 120)},
    Code.CRIMINAL_RECORD: {"certificate_required": lambda v: _bool(v, "certificate_required")},
    Code.EXCLUDED_NATIONALITY: {
        "countries": lambda v: _choices(
            v, "countries", COUNTRY_CODES, "ISO country codes", empty=True
        )
    },
    Code.WORKING_LANGUAGE: {
        "languages": lambda v: _choices(
            v, "languages", set(SPOKEN_LANGUAGES), "language codes", empty=False
        )
    },
    Code.ADVISORY: {},
}


def rule_parameter_errors(code: str, parameters: Any) -> list[str]:
    """Everything wrong with `parameters` for the rule `code`; empty when they are fine."""
    if code not in CHECKS:
        return [f"Unknown rule “{code}”."]
    if not isinstance(parameters, dict):
        return ['Parameters must be a JSON object, e.g. {"min_age": 18}.']
    checks = CHECKS[code]
    errors = []
    for key, value in parameters.items():
        if key not in checks:
            known = ", ".join(checks) or "none"
            errors.append(f"“{key}” is not a parameter of this rule (it takes: {known}).")
        else:
            errors.extend(checks[key](value))
    if code == Code.AGE and not errors:
        merged = {**DEFAULT_PARAMETERS[Code.AGE], **parameters}
        if merged["min_age"] > merged["max_age"]:
            errors.append("“min_age” must not be above “max_age”.")
    return errors
