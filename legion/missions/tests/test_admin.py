"""Django admin: configuration only (missions, staff and roles, rules, advisories, slots),
with validation, the advisory version bump, slot series, and no personal data."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.utils import timezone

from legion.advisories.models import Acknowledgement, Advisory, AdvisoryText
from legion.advisories.services import case_has_current_acknowledgements
from legion.cases.models import (
    AccessToken,
    Applicant,
    Case,
    CaseEvent,
    Document,
    EligibilityRule,
    ServiceRecord,
    TravelInstructions,
    VisaDecision,
)
from legion.cases.rule_parameters import rule_parameter_errors
from legion.interviews.models import Assessment, Interview, InterviewSlot
from legion.missions.models import Membership
from legion.testing import factories as f
from legion.testing.auth import StaffClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(db):
    user = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client = StaffClient()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- need-to-know


@pytest.mark.parametrize(
    "model",
    [
        Applicant,
        Case,
        Document,
        ServiceRecord,
        CaseEvent,
        VisaDecision,
        TravelInstructions,
        AccessToken,
        Interview,
        Assessment,
        Acknowledgement,
    ],
)
def test_personal_data_is_not_browsable_in_admin(browser, case, model):
    assert not admin.site.is_registered(model)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert browser.get(url).status_code == 404


def test_configuration_pages_render(browser, london, risk_notice):
    EligibilityRule.objects.create(code="age", parameters={"min_age": 18})
    f.SlotFactory(mission=london)
    for url in (
        "/admin/",
        "/admin/missions/mission/",
        "/admin/auth/user/",
        "/admin/cases/eligibilityrule/",
        "/admin/advisories/advisory/",
        f"/admin/advisories/advisory/{risk_notice.pk}/change/",
        "/admin/interviews/interviewslot/",
        "/admin/interviews/interviewslot/series/",
    ):
        assert browser.get(url).status_code == 200, url
    index = browser.get("/admin/").content.decode()
    assert "Applicants" not in index and "Case events" not in index


# ---------------------------------------------------------------- staff and roles


def membership_post(user, role, mission_id):
    return {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-role": role,
        "memberships-0-mission": mission_id,
        "memberships-0-user": user.pk,
    }


def test_staff_role_is_added_on_the_user_page(browser, london):
    user = f.UserFactory(username="new.officer")
    response = browser.post(
        f"/admin/auth/user/{user.pk}/change/",
        membership_post(user, "consular_officer", london.pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get(user=user).mission == london


def test_mission_role_without_mission_is_refused_clearly(browser):
    user = f.UserFactory(username="new.attache")
    response = browser.post(
        f"/admin/auth/user/{user.pk}/change/", membership_post(user, "defence_attache", "")
    )
    assert response.status_code == 200
    assert "This role is held at a mission" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_hq_role_with_a_mission_is_refused(browser, london):
    user = f.UserFactory(username="new.analyst")
    response = browser.post(
        f"/admin/auth/user/{user.pk}/change/", membership_post(user, "hq_analyst", london.pk)
    )
    assert "HQ roles are not tied to a mission" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


# ---------------------------------------------------------------- eligibility rules


@pytest.mark.parametrize(
    "code,parameters,message",
    [
        ("age", {"min_age": "eighteen"}, "“min_age” must be a whole number"),
        ("age", {"min_age": 40, "max_age": 30}, "must not be above"),
        ("age", {"max_age": 500}, "between 16 and 100"),
        ("experience", {"kinds": ["astronaut"]}, "unknown experience kinds: astronaut"),
        ("experience", {"kinds": []}, "at least one"),
        ("passport_validity", {"months": 6}, "“months” is not a parameter of this rule"),
        ("criminal_record", {"certificate_required": "yes"}, "true or false"),
        ("excluded_nationality", {"countries": ["XX", "RU"]}, "unknown ISO country codes: XX"),
        ("excluded_nationality", {"countries": "RU"}, "must be a list"),
        ("working_language", {"languages": ["klingon"]}, "unknown language codes: klingon"),
        ("advisory", [1, 2], "must be a JSON object"),
    ],
)
def test_bad_rule_parameters_are_named(code, parameters, message):
    errors = rule_parameter_errors(code, parameters)
    assert any(message in e for e in errors), errors


@pytest.mark.parametrize(
    "code,parameters",
    [
        ("age", {"min_age": 18, "max_age": 60}),
        ("experience", {"kinds": ["military", "medical"], "min_years": 2}),
        ("passport_validity", {"min_months": 6}),
        ("criminal_record", {"certificate_required": False}),
        ("excluded_nationality", {"countries": []}),
        ("working_language", {"languages": ["en", "uk"]}),
        ("advisory", {}),
        ("age", {}),
    ],
)
def test_good_rule_parameters_pass(code, parameters):
    assert rule_parameter_errors(code, parameters) == []


def test_admin_refuses_bad_rule_parameters_and_keeps_the_old_ones(browser):
    rule = EligibilityRule.objects.create(code="age", parameters={"min_age": 18, "max_age": 60})
    url = f"/admin/cases/eligibilityrule/{rule.pk}/change/"
    response = browser.post(url, {"enabled": "on", "parameters": '{"min_age": 70}'})
    assert response.status_code == 200
    assert "must not be above" in response.content.decode()
    rule.refresh_from_db()
    assert rule.parameters == {"min_age": 18, "max_age": 60}
    response = browser.post(url, {"enabled": "on", "parameters": "{min_age: 20"})
    assert "Enter a valid JSON" in response.content.decode()
    response = browser.post(url, {"enabled": "on", "parameters": '{"min_age": 21}'})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.parameters == {"min_age": 21}


# ---------------------------------------------------------------- advisories


def advisory_post(advisory, texts, *, stance=None, source=None):
    data = {
        "nationality": advisory.nationality.code or "",
        "stance": stance or advisory.stance,
        "source_en": source or advisory.source,
        "source_url": "",
        "reviewed_on": str(advisory.reviewed_on),
        "texts-TOTAL_FORMS": str(len(texts)),
        "texts-INITIAL_FORMS": str(sum(1 for t in texts if t.get("id"))),
    }
    for i, text in enumerate(texts):
        for key, value in text.items():
            data[f"texts-{i}-{key}"] = value
        data[f"texts-{i}-advisory"] = advisory.pk
    return data


@pytest.fixture
def gb_advisory(db):
    advisory = f.AdvisoryFactory(nationality="GB")
    return advisory, advisory.texts.get()


def text_row(text, **changes):
    return {
        "id": text.pk,
        "language": text.language,
        "title": text.title,
        "body": text.body,
        **changes,
    }


def test_changing_a_text_bumps_the_version(browser, gb_advisory):
    advisory, text = gb_advisory
    url = f"/admin/advisories/advisory/{advisory.pk}/change/"
    response = browser.post(url, advisory_post(advisory, [text_row(text, body="New wording.")]))
    assert response.status_code == 302
    advisory.refresh_from_db()
    assert advisory.version == 2
    assert AdvisoryText.objects.get(pk=text.pk).body == "New wording."


def test_adding_a_language_bumps_the_version(browser, gb_advisory):
    advisory, text = gb_advisory
    url = f"/admin/advisories/advisory/{advisory.pk}/change/"
    new = {"language": "es", "title": "Reino Unido", "body": "Texto."}
    response = browser.post(url, advisory_post(advisory, [text_row(text), new]))
    assert response.status_code == 302
    advisory.refresh_from_db()
    assert (advisory.version, advisory.texts.count()) == (2, 2)


def test_changing_only_the_source_keeps_the_version(browser, gb_advisory):
    advisory, text = gb_advisory
    url = f"/admin/advisories/advisory/{advisory.pk}/change/"
    response = browser.post(url, advisory_post(advisory, [text_row(text)], source="FCDO, 2026"))
    assert response.status_code == 302
    advisory.refresh_from_db()
    assert (advisory.version, advisory.source) == (1, "FCDO, 2026")


def test_a_new_version_needs_a_new_acknowledgement(browser, case):
    assert case_has_current_acknowledgements(case=case)
    advisory = Advisory.objects.get(nationality="GB")
    text = advisory.texts.get()
    url = f"/admin/advisories/advisory/{advisory.pk}/change/"
    browser.post(url, advisory_post(advisory, [text_row(text)], stance="warned"))
    # A new request reads the case afresh (a case keeps its advisories for one request).
    assert not case_has_current_acknowledgements(case=Case.objects.get(pk=case.pk))


# ---------------------------------------------------------------- interview slots


def next_monday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def series_post(mission, first, last, **changes):
    data = {
        "mission": mission.pk,
        "first_day": str(first),
        "last_day": str(last),
        "weekdays": ["0", "1", "2", "3", "4"],
        "day_starts": "09:00",
        "day_ends": "17:00",
        "minutes": "45",
        "location": "Consular section, room 1",
        "capacity": "1",
        "languages": "en, ja",
    }
    data.update(changes)
    return data


def test_series_creates_weekday_slots_every_45_minutes_for_two_weeks(browser, london):
    monday = next_monday()
    response = browser.post(
        "/admin/interviews/interviewslot/series/",
        series_post(london, monday, monday + dt.timedelta(days=13)),
    )
    assert response.status_code == 302
    slots = InterviewSlot.objects.filter(mission=london).order_by("starts_at")
    # Ten a day (09:00 ... 15:45; a 16:30 slot would end after 17:00), ten weekdays.
    assert slots.count() == 100
    zone = ZoneInfo(london.timezone)
    local = [timezone.localtime(s.starts_at, zone) for s in slots]
    assert {d.weekday() for d in local} == {0, 1, 2, 3, 4}
    assert local[0].time() == dt.time(9) and local[9].time() == dt.time(15, 45)
    assert all(s.ends_at - s.starts_at == dt.timedelta(minutes=45) for s in slots)
    assert slots[0].languages == ["en", "ja"]
    # Running it again adds nothing: existing start times are skipped.
    browser.post(
        "/admin/interviews/interviewslot/series/",
        series_post(london, monday, monday + dt.timedelta(days=13)),
    )
    assert InterviewSlot.objects.filter(mission=london).count() == 100


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"day_ends": "08:00"}, "The day must end after it starts."),
        ({"minutes": "2"}, "greater than or equal to 5"),
        ({"first_day": "2020-01-06", "last_day": "2020-01-10"}, "cannot be created in the past"),
        ({"weekdays": []}, "This field is required"),
    ],
)
def test_series_refuses_bad_input_and_creates_nothing(browser, london, changes, message):
    monday = next_monday()
    data = series_post(london, monday, monday + dt.timedelta(days=4), **changes)
    response = browser.post("/admin/interviews/interviewslot/series/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not InterviewSlot.objects.exists()


def test_series_last_day_before_first_is_refused(browser, london):
    monday = next_monday()
    data = series_post(london, monday, monday - dt.timedelta(days=1))
    response = browser.post("/admin/interviews/interviewslot/series/", data)
    assert "The last day must not be before the first day." in response.content.decode()
    assert not InterviewSlot.objects.exists()
