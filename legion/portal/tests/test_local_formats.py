"""The portal in French, German and Japanese: chosen from the browser, switched without
losing the page, with dates and names written the language's way."""

import datetime as dt

import pytest

from legion.cases.models import Case
from legion.cases.states import CaseState
from legion.portal.tests.conftest import sign_in
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db

BORN = dt.date(1988, 3, 27)
SENT = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)
INTERVIEW = dt.datetime(2030, 11, 29, 10, 0, tzinfo=dt.UTC)  # a Friday


@pytest.fixture
def japanese(settings):
    """Japanese among the interface languages, whether or not its catalogue is in yet."""
    if "ja" not in dict(settings.LANGUAGES):
        settings.LANGUAGES = [*settings.LANGUAGES, ("ja", "日本語")]


@pytest.fixture
def tyler(london, risk_notice, client):
    f.AdvisoryFactory(nationality="GB")
    case = f.CaseFactory(
        mission=london,
        applicant__given_name="Tyler",
        applicant__surname="Kowalchuk",
        applicant__date_of_birth=BORN,
    )
    sign_in(client, case)
    return case


def page(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize(
    ("language", "born", "name"),
    [
        ("en", "27 March 1988", "Tyler Kowalchuk"),
        ("fr", "27 mars 1988", "Tyler Kowalchuk"),
        ("de", "27. März 1988", "Tyler Kowalchuk"),
        ("ja", "1988年3月27日", "Kowalchuk Tyler"),
    ],
)
def test_check_answers_writes_date_and_name_the_languages_way(
    client, tyler, japanese, language, born, name
):
    html = page(client, "/apply/check/", language)
    assert f'<html lang="{language}"' in html
    assert born in html
    assert name in html
    if language == "ja":
        assert "Tyler Kowalchuk" not in html


@pytest.mark.parametrize(
    ("language", "sent", "interview"),
    [
        ("fr", "27 novembre 2026", "vendredi 29 novembre 2030, 10:00"),
        ("de", "27. November 2026", "Freitag, 29. November 2030, 10:00"),
        ("ja", "2026年11月27日", "2030年11月29日(金), 10:00"),
    ],
)
def test_status_page_writes_dates_the_languages_way(
    client, tyler, japanese, language, sent, interview
):
    tyler.mission.timezone = "UTC"
    tyler.mission.save()
    case = set_state(tyler, CaseState.INTERVIEW_SCHEDULED)
    Case.objects.filter(pk=case.pk).update(submitted_at=SENT)
    slot = f.SlotFactory(
        mission=case.mission, starts_at=INTERVIEW, ends_at=INTERVIEW + dt.timedelta(minutes=30)
    )
    case.interviews.create(slot=slot, language="en")
    html = page(client, "/my-application/", language)
    assert sent in html
    assert interview in html


@pytest.mark.parametrize(
    ("accept", "language", "heading"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "de", "Bewerbung für die Internationale Legion"),
        ("de-AT", "de", "Bewerbung für die Internationale Legion"),
        ("fr-CA,fr;q=0.9", "fr", "Candidater pour rejoindre la Légion internationale"),
    ],
)
def test_the_browsers_language_chooses_french_or_german(client, london, accept, language, heading):
    html = " ".join(client.get("/", headers={"accept-language": accept}).content.decode().split())
    assert f'<html lang="{language}"' in html
    assert heading in html


@pytest.mark.parametrize(
    ("language", "label"), [("fr", "Numéro de passeport"), ("de", "Reisepassnummer")]
)
def test_switching_language_on_an_application_step_stays_on_that_step(
    client, tyler, language, label
):
    before = page(client, "/apply/passport/", "en")
    assert "Passport number" in before and tyler.applicant.passport_number in before
    response = client.post("/language/setlang/", {"language": language, "next": "/apply/passport/"})
    assert response.status_code == 302 and response.url == "/apply/passport/"
    after = " ".join(client.get(response.url).content.decode().split())
    assert f'<html lang="{language}"' in after
    assert label in after
    assert tyler.applicant.passport_number in after  # the answer is still there


def test_language_switch_offers_french_and_german_by_their_own_names(client, london):
    html = client.get("/").content.decode()
    assert 'lang="fr" class="language-switch__button">français' in html
    assert 'lang="de" class="language-switch__button">Deutsch' in html
