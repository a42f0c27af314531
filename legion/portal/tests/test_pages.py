"""Every portal page, in every language: it renders, says which language it is in, has
a unique title, landmarks and a skip link, and carries no inline script or style."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone

from legion.cases.models import Document, TravelInstructions, VisaDecision
from legion.cases.states import CaseState
from legion.portal.tests.conftest import sign_in
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PUBLIC = [
    "/",
    "/how-it-works/",
    "/advice/",
    "/advice/gb/",
    "/advice/jp/",
    "/other-ways-to-help/",
    "/privacy/",
    "/session-ended/",
    "/signed-out/",
    "/apply/",
    "/apply/where/",
    "/return/",
    "/return/sent/",
    "/return/code/",
    "/return/link/not-a-token/",
]
DRAFT = [
    "/apply/",
    "/apply/where/",
    "/apply/name/",
    "/apply/birth/",
    "/apply/nationality/",
    "/apply/passport/",
    "/apply/contact/",
    "/apply/address/",
    "/apply/languages/",
    "/apply/experience/",
    "/apply/experience/add/",
    "/apply/criminal-record/",
    "/apply/documents/",
    "/apply/advice/",
    "/apply/check/",
    "/apply/save/",
]
SENT = [
    "/apply/sent/",
    "/my-application/",
    "/my-application/documents/",
    "/my-application/withdraw/",
    "/my-application/interview/",
]
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def fetch(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, (url, language, response.status_code)
    return response.content.decode()


def check_page(html, url, language):
    assert f'<html lang="{language}" dir="ltr">' in html, url
    assert '<a href="#main" class="skip-link">' in html, url
    assert '<main id="main"' in html and "<header" in html and "<footer" in html, url
    assert " style=" not in html and "<style" not in html, url
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == [], url
    assert "LGN-" not in TITLE.search(html).group(1), url  # no reference in a title
    return " ".join(TITLE.search(html).group(1).split())


@pytest.fixture
def world(london, risk_notice):
    f.AdvisoryFactory(nationality="GB")
    return london


def titles_of(client, urls, language):
    return {url: check_page(fetch(client, url, language), url, language) for url in urls}


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_render_in_every_language(client, world, language):
    titles = titles_of(client, PUBLIC[:-1], language)
    titles["/return/link/"] = check_page(fetch(client, PUBLIC[-1], language), PUBLIC[-1], language)
    # "/apply/" and "/apply/where/" are different pages with different titles.
    assert len(set(titles.values())) == len(titles), titles


@pytest.mark.parametrize("language", LANGUAGES)
def test_application_pages_render_in_every_language(client, world, language):
    case = f.CaseFactory(mission=world, applicant__nationality="GB")
    sign_in(client, case)
    titles = titles_of(client, DRAFT, language)
    assert len(set(titles.values())) == len(titles), titles


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_after_sending_render_in_every_language(client, world, language):
    case = set_state(f.CaseFactory(mission=world), CaseState.SUBMITTED)
    sign_in(client, case)
    titles = titles_of(client, SENT, language)
    assert len(set(titles.values())) == len(titles), titles


@pytest.mark.parametrize("language", LANGUAGES)
def test_interview_and_instructions_pages_render_in_every_language(client, world, language):
    case = f.CaseFactory(mission=world)
    f.DocumentFactory(case=case, kind=Document.Kind.PASSPORT, status="verified")
    sign_in(client, case)
    set_state(case, CaseState.INTERVIEW_SCHEDULED)
    slot = f.SlotFactory(mission=world)
    case.interviews.create(slot=slot, language="en")
    check_page(fetch(client, "/my-application/", language), "status", language)
    check_page(fetch(client, "/my-application/interview/cancel/", language), "cancel", language)
    set_state(case, CaseState.INSTRUCTIONS_ISSUED)
    case.interviews.update(status="held")
    today = timezone.localdate()
    VisaDecision.objects.create(
        case=case, decision="issued", visa_type="D", visa_number="UA1", valid_from=today,
        valid_until=today + dt.timedelta(days=90),
    )  # fmt: skip
    TravelInstructions.objects.create(
        case=case, entry_point="Krakovets", assembly_point="Lviv, hall 2",
        report_by=today + dt.timedelta(days=7), documents_to_bring=["passport"],
        equipment=["helmet"], contacts="+380 44 000 0000", language="en",
    )  # fmt: skip
    html = fetch(client, "/my-application/travel-instructions/", language)
    check_page(html, "instructions", language)


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_translated_pages_are_not_in_english(client, world, language):
    english = titles_of(client, PUBLIC[:-1], "en")
    translated = titles_of(client, PUBLIC[:-1], language)
    same = [url for url in english if english[url] == translated[url]]
    assert same == []


def test_language_switch_keeps_the_applicant_on_the_same_page(client, world):
    response = client.post(
        "/language/setlang/", {"language": "uk", "next": "/how-it-works/?from=switch"}
    )
    assert response.status_code == 302 and response.url == "/how-it-works/?from=switch"
    page = client.get(response.url).content.decode()
    assert '<html lang="uk"' in page and "Як це працює" in page


def test_language_follows_the_browser_until_the_applicant_chooses(client, world):
    page = client.get("/", headers={"accept-language": "es-ES,es;q=0.9"}).content.decode()
    assert '<html lang="es"' in page


@pytest.mark.parametrize(
    ("accept_language", "language", "heading"),
    [
        ("pl-PL,pl;q=0.9,en;q=0.8", "pl", "Złóż wniosek o przyjęcie do Legionu Międzynarodowego"),
        ("ja-JP,ja;q=0.9,en-US;q=0.8", "ja", "国際部隊への参加を申請する"),
        ("ja", "ja", "国際部隊への参加を申請する"),
    ],
)
def test_polish_and_japanese_browsers_get_their_language(
    client, world, accept_language, language, heading
):
    page = client.get("/", headers={"accept-language": accept_language}).content.decode()
    assert f'<html lang="{language}"' in page
    assert heading in page


def test_language_switch_names_each_language_in_itself(client, world):
    page = client.get("/").content.decode()
    assert 'lang="uk" class="language-switch__button">Українська' in page
    assert 'lang="es" class="language-switch__button">español' in page
    assert 'lang="pl" class="language-switch__button">polski' in page
    assert 'lang="ja" class="language-switch__button">日本語' in page


def test_advisory_not_yet_translated_says_it_is_in_english(client, world):
    page = fetch(client, "/advice/gb/", "uk")
    assert '<h2 class="heading-m" id="advisory-GB" lang="en">Conflicting statements</h2>' in page
    assert '<div class="advisory__body" lang="en"><p>Text.</p></div>' in page
    assert '<div class="advisory__body"><p>Text.</p></div>' in fetch(client, "/advice/gb/", "en")
