"""Getting back in: links used once, codes, a return page that reveals nothing, and
sessions that end after inactivity with a clear message."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from legion.cases.access import access_grant_issue
from legion.cases.models import AccessToken
from legion.cases.states import CaseState
from legion.portal.session import SESSION_SEEN
from legion.portal.tests.conftest import sign_in
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def sent_case(london):
    return set_state(
        f.CaseFactory(mission=london, applicant__email="ana@example.org"), CaseState.SUBMITTED
    )


def link_path(grant) -> str:
    return f"/return/link/{grant.link_token}/"


def test_opening_a_link_uses_nothing_until_the_applicant_continues(client, sent_case):
    grant = access_grant_issue(case=sent_case)
    client.get(link_path(grant))  # a mail scanner opening the link
    client.get(link_path(grant))
    assert not AccessToken.objects.filter(used_at__isnull=False).exists()
    response = client.post(link_path(grant))
    assert response.url == "/my-application/"
    assert sent_case.reference in client.get("/my-application/").content.decode()


def test_a_link_works_once(client, sent_case):
    grant = access_grant_issue(case=sent_case)
    client.post(link_path(grant))
    other_browser = type(client)()
    page = other_browser.post(link_path(grant)).content.decode()
    assert "This link has already been used." in page
    assert other_browser.get("/my-application/").url == "/return/"


def test_an_expired_link_says_so(client, sent_case):
    grant = access_grant_issue(case=sent_case)
    AccessToken.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(link_path(grant)).content.decode()
    assert "This link has expired." in page
    assert 'href="/return/"' in page


def test_a_draft_link_leads_back_into_the_application(client, london):
    draft = f.CaseFactory(mission=london)
    grant = access_grant_issue(case=draft)
    assert client.post(link_path(grant)).url == "/apply/"


def test_code_from_the_email_opens_the_case_on_another_device(client, sent_case):
    grant = access_grant_issue(case=sent_case)
    response = client.post(
        "/return/code/", {"reference": sent_case.reference.lower(), "code": grant.code_display}
    )
    assert response.url == "/my-application/"


def test_wrong_code_is_refused_at_the_field(client, sent_case):
    access_grant_issue(case=sent_case)
    response = client.post("/return/code/", {"reference": sent_case.reference, "code": "ZZZZ"})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_code">The reference number or the code is not right' in page


def test_return_page_answers_the_same_for_a_real_and_an_unknown_case(
    client, sent_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        real = client.post(
            "/return/", {"reference": sent_case.reference, "email": "ana@example.org"}
        )
        fake = client.post("/return/", {"reference": "LGN-0000-0000", "email": "ana@example.org"})
        wrong = client.post(
            "/return/", {"reference": sent_case.reference, "email": "x@example.org"}
        )
    assert real.url == fake.url == wrong.url == "/return/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.org"]


def test_return_page_refuses_a_malformed_email_without_looking_anything_up(client, sent_case):
    response = client.post("/return/", {"reference": "", "email": "not-an-email"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter your reference number." in page
    assert "Enter an e-mail address in the correct format" in page


def test_signing_in_with_a_link_starts_a_new_session(client, sent_case):
    client.get("/")
    client.session.save()
    before = client.session.session_key
    client.post(link_path(access_grant_issue(case=sent_case)))
    assert client.session.session_key != before


def test_idle_session_ends_with_a_clear_message(client, sent_case, settings):
    sign_in(client, sent_case)
    session = client.session
    session[SESSION_SEEN] -= 31 * 60
    session.save()
    response = client.get("/my-application/")
    assert response.url == "/session-ended/"
    page = client.get(response.url).content.decode()
    assert "we signed you out because you were not active for 30 minutes" in page
    assert client.get("/my-application/").url == "/return/"


def test_activity_keeps_the_session_alive(client, sent_case):
    sign_in(client, sent_case)
    session = client.session
    session[SESSION_SEEN] -= 29 * 60
    session.save()
    assert client.get("/my-application/").status_code == 200
    assert client.get("/my-application/").status_code == 200


def test_sign_out_ends_access(client, sent_case):
    sign_in(client, sent_case)
    assert client.post("/sign-out/").url == "/signed-out/"
    assert client.get("/my-application/").url == "/return/"


def test_no_personal_data_in_portal_urls(client, london, risk_notice):
    from legion.portal.urls import urlpatterns

    routes = [str(p.pattern) for p in urlpatterns]
    # A message's number is no personal data (and the case comes from the session).
    assert all("<" not in r or r in ("advice/<str:country>/", "return/link/<str:token>/",
                                     "apply/<slug:slug>/", "verify/<str:code>/",
                                     "my-application/messages/<int:message_id>/document/")
               for r in routes)  # fmt: skip
