"""`legion demo`: configuration, applicants in every state through the services, personas,
the nationality mix, idempotence with --if-empty, and the bulk path."""

import io
import itertools
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from legion.advisories.models import Advisory
from legion.cases.intake import APPLICANT_FIELDS
from legion.cases.models import Applicant, Case, CaseEvent, EligibilityRule
from legion.cases.states import CaseState
from legion.identity.models import DuplicateCandidate, ReviewStatus, WatchlistEntry, WatchlistHit
from legion.interviews.models import InterviewSlot
from legion.missions.models import Membership, Mission, Role

pytestmark = pytest.mark.django_db

PORTAL_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for this module (it takes a while) and rolled back after.
    Its settings (var/ with the demo password and key) stay in force for every test."""
    folder = tmp_path_factory.mktemp("demo")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            VAR_DIR=folder / "var",
            MEDIA_ROOT=folder / "media",
            TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
        ),
        transaction.atomic(),
    ):
        yield run_demo("--applicants", "40", "--seed", "7")
        transaction.set_rollback(True)


def test_demo_takes_cases_to_every_state(demo_output):
    counts = Counter(Case.objects.values_list("state", flat=True))
    assert set(counts) == set(CaseState.values)
    assert sum(counts.values()) == 40
    assert "Cases by state: draft" in demo_output


def test_every_demo_case_history_ends_in_its_state(demo_output):
    for case in Case.objects.exclude(state=CaseState.DRAFT):
        transitions = list(case.events.filter(kind=CaseEvent.Kind.TRANSITION))
        assert transitions, case.state
        assert transitions[0].from_state == CaseState.DRAFT
        assert transitions[-1].to_state == case.state
        for before, after in itertools.pairwise(transitions):
            assert after.from_state == before.to_state
            assert after.created_at >= before.created_at


def test_personas_are_present_on_their_paths(demo_output):
    def state_of(surname):
        return Case.objects.get(applicant__surname=surname).state

    assert state_of("Hargreaves") == CaseState.ARRIVED  # UK paratrooper
    assert state_of("Kowalchuk") == CaseState.REFERRED  # no training at all
    assert state_of("Volkov") == CaseState.REJECTED  # Russian national
    assert state_of("Kessler") == CaseState.ON_HOLD  # watch list
    assert state_of("Kowaltschuk") == CaseState.ON_HOLD  # applied twice
    georgian = Applicant.objects.get(surname="Beridze", case__mission__code="tbs")
    assert georgian.native_name == "გიორგი ბერიძე"
    assert Applicant.objects.get(surname="Takahashi").native_name == "高橋 健二"
    # The Japanese applicants read their case, e-mails and instructions in Japanese.
    assert Case.objects.get(applicant__surname="Takahashi").language == "ja"
    assert Case.objects.get(applicant__surname="Watanabe").language == "ja"
    assert Case.objects.get(applicant__surname="Kovalchuk").language == "pl"
    russian = Case.objects.get(applicant__surname="Volkov")
    assert "nationals of Russia" in russian.events.get(action="reject").reason


def test_every_demo_applicant_has_a_home_address_the_portal_would_accept(demo_output):
    applicants = Applicant.objects.filter(case__isnull=False)
    assert applicants.count() == 40
    for applicant in applicants:
        address = {
            name: getattr(applicant, name)
            for name in ("address_line_1", "address_line_2", "address_town", "address_postcode")
        } | {"address_country": applicant.address_country.code}
        assert applicant.address_line_1 and applicant.address_town, applicant
        assert {k: APPLICANT_FIELDS[k](v) for k, v in address.items()} == address
    paratrooper = Applicant.objects.get(surname="Hargreaves")
    assert paratrooper.address_lines == ["27 Alison Way", "Aldershot GU11 3JX", "United Kingdom"]
    # The Russian national lives in Poland: the country of residence is not the nationality.
    assert Applicant.objects.get(surname="Volkov").address_country.code == "PL"
    # The man who applied at Warsaw and Berlin gave one address, written two ways.
    twice = Applicant.objects.filter(surname__in=["Kovalchuk", "Kowaltschuk"])
    assert {a.address_postcode for a in twice} == {"04-077"}
    assert {a.address_town for a in twice} == {"Warszawa", "Warschau"}


def test_demo_leaves_hq_security_real_screening_results_to_review(demo_output):
    """Applicants are screened as they submit: deliberate duplicates across missions and
    scripts open review items, the watch-list persona is held with the evidence."""

    def item_between(surname_a, surname_b):
        return DuplicateCandidate.objects.get(
            status=ReviewStatus.OPEN,
            case__applicant__surname=surname_b,
            other_case__applicant__surname=surname_a,
        )

    bondarenko = item_between("Bondarenko", "Bondarenko")
    assert bondarenko.case.mission.code == "waw" and bondarenko.other_case.mission.code == "vno"
    assert bondarenko.explanation["given_name"]["level"] != "exact"  # Volodymyr / Vladimir
    # The review item keeps levels, not the names: those are read from the records.
    assert "a" not in bondarenko.explanation["given_name"]
    names = {bondarenko.case.applicant.given_name, bondarenko.other_case.applicant.given_name}
    assert names & {"Vladimir", "Владимир"}
    georgian = item_between("Beridze", "Beridze")
    assert {georgian.case.mission.code, georgian.other_case.mission.code} == {"tbs", "ber"}
    twice = item_between("Kovalchuk", "Kowaltschuk")
    assert twice.explanation["passport_number"]["level"] == "exact"
    assert twice.case.state == CaseState.ON_HOLD
    assert twice.other_case.reference in twice.case.events.get(action="hold").reason

    hit = WatchlistHit.objects.get(status=ReviewStatus.OPEN)
    assert hit.entry.source == "demo-watchlist" and hit.entry.caption == "Viktor Kessler"
    assert hit.case.applicant.surname == "Kessler" and hit.score >= 0.5
    assert hit.explanation["date_of_birth"]["level"] == "exact"
    hold = hit.case.events.get(action="hold")
    assert hold.actor is None and "Viktor Kessler" in hold.reason
    assert hold.data["watchlist_hits"] == [hit.pk]
    assert WatchlistEntry.objects.filter(source="demo-watchlist", active=True).count() == 4
    assert "3 duplicate review items and 1 watch-list hits open" in demo_output


def test_demo_configures_missions_staff_advisories_rules_and_slots(demo_output):
    assert Mission.objects.count() >= 7
    assert len(set(Mission.objects.values_list("country", flat=True))) >= 7
    for role in Role.values:
        assert Membership.objects.filter(role=role).exists(), role
    for mission in Mission.objects.all():
        held = set(Membership.objects.filter(mission=mission).values_list("role", flat=True))
        assert held == {Role.CONSULAR_OFFICER, Role.DEFENCE_ATTACHE, Role.CONSUL}
    stances = dict(Advisory.objects.values_list("nationality", "stance"))
    assert stances == {
        "DK": "permitted",
        "LV": "permitted",
        "CA": "individual_decision",
        "AU": "warned",
        "US": "discouraged",
        "GB": "conflicting",
        "": "warned",  # the prisoner-of-war risk notice, shown to all
    }
    for advisory in Advisory.objects.all():
        assert set(advisory.texts.values_list("language", flat=True)) == PORTAL_LANGUAGES
        assert advisory.source and advisory.reviewed_on
    assert EligibilityRule.objects.get(code="excluded_nationality").parameters == {
        "countries": ["RU"]
    }
    assert InterviewSlot.objects.filter(mission__code="lon").count() > 50


def test_demo_prints_a_login_for_every_role(demo_output):
    assert "password for all: " in demo_output
    for login in ("lon.officer", "lon.attache", "lon.consul", "hq.security", "hq.analyst"):
        assert login in demo_output
    assert "administrator" in demo_output


def test_demo_logins_sign_in_with_the_printed_second_factor(demo_output):
    from legion.accounts.models import StaffTOTPDevice
    from legion.demo.setup import demo_totp_secret

    assert f"add the key {demo_totp_secret()} to an authenticator app" in demo_output
    device = StaffTOTPDevice.objects.get(user__username="lon.consul", confirmed=True)
    assert device.verify_token(run_demo("--code").strip())


def test_demo_if_empty_does_nothing_the_second_time(demo_output):
    cases, events = Case.objects.count(), CaseEvent.objects.count()
    again = run_demo("--if-empty")
    assert "already loaded" in again
    assert "lon.officer" in again  # logins are printed every time
    assert (Case.objects.count(), CaseEvent.objects.count()) == (cases, events)
