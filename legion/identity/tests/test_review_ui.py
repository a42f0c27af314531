"""HQ security's review pages: queue with filters, side-by-side comparison, decisions."""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.db import connection

from legion.advisories.services import case_acknowledge_advisories
from legion.cases.models import Case, CaseEvent
from legion.cases.services import case_submit
from legion.cases.states import CaseState as S
from legion.identity.models import DuplicateCandidate, ReviewStatus, WatchlistHit
from legion.identity.watchlists import watchlist_import
from legion.missions.actors import Actor
from legion.testing import factories as f

pytestmark = pytest.mark.django_db

SERHIY = {
    "given_name": "Serhiy",
    "surname": "Kovalenko",
    "date_of_birth": dt.date(1990, 3, 14),
    "nationality": "UA",
    "passport_number": "FA1234567",
    "place_of_birth": "Kyiv",
}
LISTED = json.dumps(
    {
        "id": "NK-1",
        "schema": "Person",
        "caption": "Dmitry Sokolov",
        "properties": {
            "name": ["Dmitry Sokolov"],
            "alias": ["Дмитрий Соколов"],
            "birthDate": ["1984-07-21"],
            "nationality": ["ru"],
        },
    },
    ensure_ascii=False,
)


def submit(mission, **applicant):
    case = f.CaseFactory(mission=mission, **{f"applicant__{k}": v for k, v in applicant.items()})
    f.DocumentFactory(case=case, kind="passport")
    f.AdvisoryFactory(nationality=str(case.applicant.nationality))
    case_acknowledge_advisories(case=case)
    return case_submit(reference=case.reference, actor=Actor.applicant(case.pk))


@pytest.fixture
def reviews(db, london, ottawa, risk_notice):
    """A duplicate pair (London, then Ottawa under the Russian spelling) and a held
    watch-list hit (London)."""
    earlier = submit(london, **SERHIY)
    later = submit(ottawa, **{**SERHIY, "given_name": "Sergei", "place_of_birth": "Kiev"})
    watchlist_import(source="opensanctions", text=LISTED, fmt="ftm")
    held = submit(
        london,
        given_name="Dmytro",
        surname="Sokolov",
        native_name="Дмитро Соколов",
        date_of_birth=dt.date(1984, 7, 21),
        nationality="UA",
        passport_number="",
    )
    return {
        "earlier": earlier,
        "later": later,
        "held": Case.objects.get(pk=held.pk),
        "duplicate": DuplicateCandidate.objects.get(),
        "hit": WatchlistHit.objects.get(),
    }


def test_queue_lists_both_kinds_with_filters(client, security, reviews):
    client.force_login(security)
    page = client.get("/staff/security/").content.decode()
    assert reviews["later"].reference in page and reviews["held"].reference in page
    only_hits = client.get("/staff/security/?kind=watchlist").content.decode()
    assert reviews["held"].reference in only_hits and reviews["later"].reference not in only_hits
    ottawa = client.get("/staff/security/?mission=ott").content.decode()
    assert reviews["later"].reference in ottawa and reviews["held"].reference not in ottawa
    none = client.get("/staff/security/?min_score=0.95&kind=duplicate").content.decode()
    expected = reviews["duplicate"].score >= 0.95
    assert (reviews["later"].reference in none) == expected


def test_only_hq_security_reaches_the_review_pages(client, officer, analyst, reviews):
    for user in (officer, analyst):
        client.force_login(user)
        assert client.get("/staff/security/").status_code == 404
        url = f"/staff/security/duplicates/{reviews['duplicate'].pk}/"
        assert client.get(url).status_code == 404


def test_side_by_side_comparison_explains_every_field(client, security, reviews):
    client.force_login(security)
    page = client.get(f"/staff/security/duplicates/{reviews['duplicate'].pk}/").content.decode()
    for text in ("Serhiy", "Sergei", "Kyiv", "Kiev", "Sounds alike", "Passport or ID number"):
        assert text in page
    assert reviews["earlier"].reference in page and reviews["later"].reference in page


def test_review_items_keep_what_matched_and_the_page_reads_values_from_the_records(
    client, security, reviews
):
    with connection.cursor() as cursor:
        cursor.execute("SELECT explanation FROM identity_duplicatecandidate")
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT explanation FROM identity_watchlisthit")
        (hit_stored,) = cursor.fetchone()
    for raw in (str(stored), str(hit_stored)):
        for value in ("FA1234567", "Serhiy", "Sergei", "Kovalenko", "1990-03-14", "Dmytro"):
            assert value not in raw
    explanation = reviews["duplicate"].explanation
    assert explanation["passport_number"]["level"] == "exact"
    assert explanation["given_name"]["weight"] != 0
    client.force_login(security)
    page = client.get(f"/staff/security/duplicates/{reviews['duplicate'].pk}/").content.decode()
    assert page.count("FA1234567") == 2  # both sides, decrypted from the applicants
    assert "1990-03-14" in page
    hit = client.get(f"/staff/security/watchlist-hits/{reviews['hit'].pk}/").content.decode()
    assert "Dmytro" in hit or "Дмитро" in hit
    assert "1984-07-21" in hit


def test_dismissing_a_hit_from_the_page_lifts_the_hold(client, security, reviews):
    client.force_login(security)
    hit = reviews["hit"]
    page = client.get(f"/staff/security/watchlist-hits/{hit.pk}/").content.decode()
    assert "Dmitry Sokolov" in page and "Дмитрий Соколов" in page
    response = client.post(
        f"/staff/security/hit/{hit.pk}/decide/",
        {"decision": "dismiss", "reason": "Met him: a different man, older."},
    )
    assert response.status_code == 302
    hit.refresh_from_db()
    assert hit.status == ReviewStatus.DISMISSED
    assert Case.objects.get(pk=reviews["held"].pk).state == S.SUBMITTED


def test_decision_without_reason_is_refused_with_the_message(client, security, reviews):
    client.force_login(security)
    url = f"/staff/security/duplicate/{reviews['duplicate'].pk}/decide/"
    response = client.post(url, {"decision": "confirm", "reason": " "}, follow=True)
    assert "Please give a reason." in response.content.decode()
    assert DuplicateCandidate.objects.get().status == ReviewStatus.OPEN


def test_confirming_a_duplicate_from_the_page_rejects_the_later_case(client, security, reviews):
    client.force_login(security)
    url = f"/staff/security/duplicate/{reviews['duplicate'].pk}/decide/"
    client.post(url, {"decision": "confirm", "reason": "Same passport."})
    later = Case.objects.get(pk=reviews["later"].pk)
    assert later.state == S.REJECTED
    reason = CaseEvent.objects.get(case=later, action="reject_on_security_grounds").reason
    assert reviews["earlier"].reference in reason


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_review_pages_in_the_browser(page, security, reviews):
    from legion.workspace.tests.test_workspace_browser import sign_in, watch_csp

    shots = settings.VAR_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    csp = watch_csp(page)
    sign_in(page, security)
    page.click("text=Identity reviews")
    page.wait_for_url("**/staff/security/")
    page.screenshot(path=str(shots / "identity-queue.png"), full_page=True)
    page.click(f"a:has-text('{reviews['later'].reference}')")
    page.wait_for_url("**/duplicates/**")
    page.screenshot(path=str(shots / "identity-duplicate.png"), full_page=True)
    page.fill("textarea[name=reason]", "Twins: different passports on file.")
    page.click("button[value=dismiss]")
    page.wait_for_url("**/staff/security/")
    assert "recorded on the case" in page.content()
    page.goto(f"/staff/security/watchlist-hits/{reviews['hit'].pk}/")
    page.screenshot(path=str(shots / "identity-hit.png"), full_page=True)
    assert csp == []
