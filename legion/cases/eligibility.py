"""The eligibility engine: the rules of EligibilityRule, each explaining itself.

Every rule gives a result with a message the applicant can understand, in the
language of their case. A failed experience rule suggests the referral path
(humanitarian and non-combat channels) instead of a bare refusal.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from legion import cldr
from legion.cases.languages import language_name
from legion.cases.lifecycle import case_guard_check
from legion.cases.models import Case, Document, EligibilityRule, ServiceRecord
from legion.cldr import country_name

Code = EligibilityRule.Code

# Defaults from the legion's published terms (2022); administrators edit them.
DEFAULT_PARAMETERS: dict[str, dict] = {
    Code.AGE: {"min_age": 18, "max_age": 60},
    Code.EXPERIENCE: {"kinds": ["military", "law_enforcement", "medical"], "min_years": 0},
    Code.PASSPORT_VALIDITY: {"min_months": 6},
    Code.CRIMINAL_RECORD: {"certificate_required": True},
    Code.EXCLUDED_NATIONALITY: {"countries": ["RU"]},
    Code.WORKING_LANGUAGE: {"languages": ["en"]},
    Code.ADVISORY: {},
}


@dataclass(frozen=True)
class RuleResult:
    code: str
    passed: bool
    message: str  # to the applicant, in their language
    # For staff, in the workspace's English: the same finding about the applicant.
    note: str = ""
    # Not eligible for the legion, but welcome through humanitarian channels.
    suggests_referral: bool = False
    # Something the applicant can still do: answer a question, upload a document, read
    # the advisory. Not a reason to refuse anyone.
    needs_action: bool = False


class Outcome(StrEnum):
    """What the rules say about an application as it stands; the portal's next steps
    follow it (no interview booking offered to someone the rules refer elsewhere)."""

    ELIGIBLE = "eligible"
    INCOMPLETE = "incomplete"  # nothing decisive failed; something is still to do
    REFERRAL = "referral"  # not for the legion: other ways to help
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class EligibilityReport:
    results: list[RuleResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]

    @property
    def suggests_referral(self) -> bool:
        return any(r.suggests_referral for r in self.failures)

    @property
    def decisive_failures(self) -> list[RuleResult]:
        """The failures that decide against the application (not the things to do)."""
        return [r for r in self.failures if not r.needs_action]

    @property
    def to_do(self) -> list[RuleResult]:
        """What the applicant can still do to meet the rules."""
        return [r for r in self.failures if r.needs_action]

    @property
    def outcome(self) -> Outcome:
        if self.suggests_referral:
            return Outcome.REFERRAL
        if self.decisive_failures:
            return Outcome.NOT_ELIGIBLE
        return Outcome.INCOMPLETE if self.failures else Outcome.ELIGIBLE

    def reasons(self) -> list[RuleResult]:
        """Why the application cannot go ahead, each reason once: for a referral, the
        decisive failures other than the training one the referral itself explains."""
        if self.outcome == Outcome.REFERRAL:
            return [r for r in self.decisive_failures if not r.suggests_referral]
        return self.decisive_failures


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _application_day(case: Case) -> date:
    when = case.submitted_at or timezone.now()
    return timezone.localdate(when)


def check_age(case: Case, params: dict) -> RuleResult:
    born = case.applicant.date_of_birth
    low, high = params.get("min_age", 18), params.get("max_age", 60)
    if born is None:
        return RuleResult(
            Code.AGE,
            False,
            _("Your date of birth is missing."),
            note="Date of birth missing.",
            needs_action=True,
        )
    age = age_on(born, _application_day(case))
    if age < low:
        return RuleResult(
            Code.AGE,
            False,
            _("You must be at least %(min)d years old to apply; you are %(age)d.")
            % {"min": low, "age": age},
            note=f"Under the minimum age: {age} (minimum {low}).",
        )
    if age > high:
        return RuleResult(
            Code.AGE,
            False,
            _("The upper age limit is %(max)d; you are %(age)d.") % {"max": high, "age": age},
            note=f"Over the age limit: {age} (maximum {high}).",
        )
    return RuleResult(
        Code.AGE,
        True,
        _("Your age (%(age)d) is within %(min)d–%(max)d.") % {"age": age, "min": low, "max": high},
        note=f"Age {age}, within {low}–{high}.",
    )


def check_experience(case: Case, params: dict) -> RuleResult:
    kinds = params.get("kinds", DEFAULT_PARAMETERS[Code.EXPERIENCE]["kinds"])
    min_years = params.get("min_years", 0)
    this_year = _application_day(case).year
    records = [r for r in case.service_records.all() if r.kind in kinds]
    qualifying = [r for r in records if r.years(this_year) >= min_years]
    if qualifying:
        labels = ", ".join(sorted({str(ServiceRecord.Kind(r.kind).label) for r in qualifying}))
        return RuleResult(
            Code.EXPERIENCE,
            True,
            _("Documented experience: %(kinds)s.") % {"kinds": labels},
            note=f"Documented experience: {labels}.",
        )
    if records:
        message = ngettext(
            "At least %(years)d year of service is required.",
            "At least %(years)d years of service are required.",
            min_years,
        ) % {"years": min_years}
        note = f"Less than the required {min_years} years of service."
    else:
        message = _(
            "The legion takes only people with military or law-enforcement experience, "
            "or a licensed medical profession, because there is no time for basic training."
        )
        note = "No military, law-enforcement or medical experience declared."
    return RuleResult(Code.EXPERIENCE, False, message, note=note, suggests_referral=True)


def check_passport_validity(case: Case, params: dict) -> RuleResult:
    months = params.get("min_months", 6)
    expiry = case.applicant.passport_expiry
    if expiry is None:
        return RuleResult(
            Code.PASSPORT_VALIDITY,
            False,
            _("Your passport expiry date is missing."),
            note="Passport expiry date missing.",
            needs_action=True,
        )
    needed = add_months(_application_day(case), months)
    if expiry < needed:
        return RuleResult(
            Code.PASSPORT_VALIDITY,
            False,
            ngettext(
                "Your passport must be valid for at least %(months)d month from today.",
                "Your passport must be valid for at least %(months)d months from today.",
                months,
            )
            % {"months": months},
            note=f"Passport valid for less than {months} months from the application date.",
        )
    return RuleResult(
        Code.PASSPORT_VALIDITY,
        True,
        _("Your passport is valid for long enough."),
        note=f"Passport valid for at least {months} months.",
    )


def check_criminal_record(case: Case, params: dict) -> RuleResult:
    if case.applicant.has_criminal_record:
        return RuleResult(
            Code.CRIMINAL_RECORD,
            False,
            _("Applicants with a criminal record cannot be accepted."),
            note="Declares a criminal record.",
        )
    if case.applicant.has_criminal_record is None:
        return RuleResult(
            Code.CRIMINAL_RECORD,
            False,
            _("Please tell us whether you have a criminal record."),
            note="Has not said whether they have a criminal record.",
            needs_action=True,
        )
    if params.get("certificate_required", True) and not any(
        d.kind == Document.Kind.CRIMINAL_RECORD and d.status != Document.Status.REJECTED
        for d in case.documents.all()
    ):
        return RuleResult(
            Code.CRIMINAL_RECORD,
            False,
            _("Please upload a criminal record certificate from your country."),
            note="No criminal record certificate uploaded.",
            needs_action=True,
        )
    return RuleResult(
        Code.CRIMINAL_RECORD,
        True,
        _("No criminal record declared."),
        note="No criminal record declared.",
    )


def check_excluded_nationality(case: Case, params: dict) -> RuleResult:
    excluded = set(params.get("countries", []))
    applicant = case.applicant
    held = {c.code for c in (applicant.nationality, applicant.second_nationality) if c}
    if blocked := sorted(held & excluded):
        names = ", ".join(country_name(code) for code in blocked)
        return RuleResult(
            Code.EXCLUDED_NATIONALITY,
            False,
            _("Under current policy the legion cannot accept nationals of %(countries)s.")
            % {"countries": names},
            note=f"National of {names}: not accepted under current policy.",
        )
    return RuleResult(
        Code.EXCLUDED_NATIONALITY,
        True,
        _("Your nationality can be accepted."),
        note="Nationality can be accepted.",
    )


def check_working_language(case: Case, params: dict) -> RuleResult:
    required = params.get("languages", DEFAULT_PARAMETERS[Code.WORKING_LANGUAGE]["languages"])
    spoken = {entry.get("code") for entry in case.applicant.languages or []}
    if spoken & set(required):
        return RuleResult(
            Code.WORKING_LANGUAGE,
            True,
            _("You speak a working language."),
            note="Speaks a working language.",
        )
    names = cldr.format_list(
        [language_name(code, in_sentence=True) for code in required], conjunction="or"
    )
    return RuleResult(
        Code.WORKING_LANGUAGE,
        False,
        _("A basic command of one of these languages is required: %(languages)s.")
        % {"languages": names},
        note=f"Speaks none of the working languages ({names}).",
    )


def check_advisory(case: Case, params: dict) -> RuleResult:
    if case_guard_check("advisory_acknowledged", case):
        return RuleResult(
            Code.ADVISORY,
            True,
            _("You acknowledged the legal advisory."),
            note="Legal advisory acknowledged.",
        )
    return RuleResult(
        Code.ADVISORY,
        False,
        _("Please read and acknowledge the legal advisory for your nationality."),
        note="Legal advisory for their nationality not yet acknowledged.",
        needs_action=True,
    )


CHECKS: dict[str, Callable[[Case, dict], RuleResult]] = {
    Code.AGE: check_age,
    Code.EXCLUDED_NATIONALITY: check_excluded_nationality,
    Code.EXPERIENCE: check_experience,
    Code.PASSPORT_VALIDITY: check_passport_validity,
    Code.CRIMINAL_RECORD: check_criminal_record,
    Code.WORKING_LANGUAGE: check_working_language,
    Code.ADVISORY: check_advisory,
}


def active_rules() -> list[tuple[str, dict]]:
    """Enabled rules with their parameters; a rule with no row uses its defaults."""
    configured = {r.code: r for r in EligibilityRule.objects.all()}
    rules = []
    for code in CHECKS:
        row = configured.get(code)
        if row is not None and not row.enabled:
            continue
        params = {**DEFAULT_PARAMETERS[code], **(row.parameters if row else {})}
        rules.append((code, params))
    return rules


def working_languages() -> list[str]:
    """The languages the legion declares as working, as codes: the working-language
    rule's parameter. The portal's sentence about them and the rule read this one
    source, so the site never says more than the rule accepts."""
    row = EligibilityRule.objects.filter(code=Code.WORKING_LANGUAGE).first()
    params = {**DEFAULT_PARAMETERS[Code.WORKING_LANGUAGE], **(row.parameters if row else {})}
    return list(params["languages"])


def evaluate_case(case: Case, *, language: str | None = None) -> EligibilityReport:
    """Run every enabled rule; messages are in `language` (default: the case's)."""
    with translation.override(language or case.language):
        return EligibilityReport([CHECKS[code](case, params) for code, params in active_rules()])
