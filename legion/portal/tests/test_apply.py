"""Applying through the portal: the whole form, check your answers, sending exactly once."""

import pytest
from django.core import mail

from legion.advisories.models import Acknowledgement
from legion.cases.models import Applicant, Case, CaseEvent, Document
from legion.cases.states import CaseState
from legion.idempotency.models import IdempotencyKey
from legion.portal.services import KEY_OWNER
from legion.portal.tests.conftest import sign_in
from legion.portal.tests.flows import answer_everything, post_ok, start_application
from legion.testing import factories as f
from legion.testing.outbox import deliver_outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(london, risk_notice, gb_advisory):
    return london


def test_paratrooper_applies_and_gets_a_reference_and_an_access_email(
    client, ready, django_capture_on_commit_callbacks
):
    start_application(client)
    answer_everything(client)
    check = client.get("/apply/check/")
    assert check.status_code == 200
    assert b"From your answers, you meet every requirement." in check.content
    with django_capture_on_commit_callbacks(execute=True):
        response = post_ok(client, "/apply/check/", {})
    assert response.url == "/apply/sent/"
    case = Case.objects.get()
    assert case.state == CaseState.SUBMITTED
    sent = client.get("/apply/sent/")
    assert case.reference.encode() in sent.content
    assert b"Application sent" in sent.content
    assert len(mail.outbox) == 1 and case.reference in mail.outbox[0].body
    assert case.documents.count() == 3
    assert Acknowledgement.objects.filter(case=case).count() == 2


def test_task_list_shows_what_is_done(client, ready):
    start_application(client)
    client.post("/apply/name/", {"given_name": "James", "surname": "Turner"})
    page = client.get("/apply/").content.decode()
    name_row = page[page.index("Your name") : page.index("Date of birth and sex")]
    assert "Completed" in name_row
    assert "Cannot start yet" in page


def test_double_click_on_start_opens_one_draft(client, ready):
    key = client.get("/apply/where/").context["form"].initial["start_key"]
    client.post("/apply/where/", {"mission": "lon", "start_key": key})
    # The second click arrives from the same page, before the first answer was shown.
    client.cookies.clear()
    client.post("/apply/where/", {"mission": "lon", "start_key": key})
    assert Case.objects.count() == 1 and Applicant.objects.count() == 1
    assert IdempotencyKey.objects.filter(owner=KEY_OWNER).count() == 1


def test_going_back_to_the_first_page_changes_the_mission_of_the_same_draft(client, ready, ottawa):
    start_application(client)
    post_ok(client, "/apply/where/", {"mission": "ott", "start_key": ""})
    assert Case.objects.get().mission == ottawa


def test_sending_twice_creates_one_submission(client, ready):
    start_application(client)
    answer_everything(client)
    post_ok(client, "/apply/check/", {})
    second = client.post("/apply/check/", {})
    assert second.status_code == 302
    assert second.url in ("/apply/sent/", "/my-application/")
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(action="submit").count() == 1


def test_back_button_after_sending_cannot_change_the_application(client, ready):
    start_application(client)
    answer_everything(client)
    post_ok(client, "/apply/check/", {})
    response = client.post("/apply/name/", {"given_name": "Someone", "surname": "Else"})
    assert response.url == "/my-application/"
    assert Applicant.objects.get().given_name == "James"


def test_same_document_uploaded_twice_is_stored_once(client, ready):
    from legion.testing import files

    start_application(client)
    post_ok(client, "/apply/documents/", {"kind": "passport", "file": files.pdf(), "upload": "1"})
    again = client.post(
        "/apply/documents/", {"kind": "passport", "file": files.pdf(), "upload": "1"}
    )
    assert again.status_code == 400
    assert "You have already uploaded this file (as: Passport)." in again.content.decode()
    assert Document.objects.count() == 1


def test_incomplete_application_cannot_be_sent_and_says_what_is_missing(client, ready):
    start_application(client)
    response = client.post("/apply/check/", {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="/apply/documents/">Upload a scan or photo of your passport.</a>' in page
    assert Case.objects.get().state == CaseState.DRAFT


def test_change_link_returns_to_check_your_answers(client, ready):
    start_application(client)
    answer_everything(client)
    check = client.get("/apply/check/").content.decode()
    assert 'href="/apply/name/?return=check"' in check
    response = post_ok(
        client, "/apply/name/?return=check", {"given_name": "Jim", "surname": "Turner"}
    )
    assert response.url == "/apply/check/"


def test_untrained_volunteer_is_offered_other_ways_to_help_and_may_still_send(client, ready):
    start_application(client)
    answer_everything(client)
    case = Case.objects.get()
    case.service_records.all().delete()
    check = client.get("/apply/check/").content.decode()
    assert "there is no time for basic training" in check
    assert "You can still help" in check
    assert 'href="/other-ways-to-help/"' in check
    post_ok(client, "/apply/check/", {})
    assert Case.objects.get().state == CaseState.SUBMITTED


def test_excluded_nationality_sees_the_reason_before_sending(client, ready):
    start_application(client)
    answer_everything(client, nationality="RU")
    check = client.get("/apply/check/").content.decode()
    assert "Under current policy the legion cannot accept nationals of Russia." in check


def test_precheck_is_in_the_page_language(client, ready):
    start_application(client)
    answer_everything(client, nationality="RU")
    client.cookies["django_language"] = "es"
    check = client.get("/apply/check/").content.decode()
    assert '<html lang="es"' in check
    assert "la legión no puede aceptar a ciudadanos de Rusia" in check


def test_advice_follows_the_chosen_nationality(client, ready):
    f.AdvisoryFactory(nationality="FR", stance="permitted")
    f.AdvisoryFactory(nationality="JP", stance="discouraged")
    start_application(client)
    post_ok(client, "/apply/nationality/", {"nationality": "JP", "second_nationality": "FR"})
    page = client.get("/apply/advice/").content.decode()
    assert "tag--discouraged" in page and "tag--permitted" not in page
    post_ok(client, "/apply/nationality/", {"nationality": "FR", "second_nationality": "JP"})
    page = client.get("/apply/advice/").content.decode()
    assert "tag--permitted" in page and "tag--discouraged" not in page


def test_save_and_come_back_later_emails_a_link_that_resumes_the_draft(client, ready):
    start_application(client)
    post_ok(client, "/apply/name/", {"given_name": "Kenji", "surname": "Sato"})
    saved = client.post("/apply/save/", {"email": "kenji@example.jp"})
    assert saved.status_code == 200 and b"Your application is saved" in saved.content
    deliver_outbox()
    link = mail.outbox[0].body.split("http://127.0.0.1:8000")[1].split()[0]
    client.post("/sign-out/")
    assert client.get("/apply/name/").url == "/return/"
    landing = client.get(link)
    assert landing.status_code == 200 and b"Continue" in landing.content
    post_ok(client, link, {})
    assert client.get("/apply/name/").context["form"].initial["given_name"] == "Kenji"


def test_applicant_signed_in_to_one_case_cannot_remove_anothers_documents(client, ready, london):
    mine = f.CaseFactory(mission=london)
    theirs = f.DocumentFactory(case=f.CaseFactory(mission=london))
    sign_in(client, mine)
    response = client.post("/apply/documents/remove/", {"document": theirs.pk})
    assert response.status_code == 404
    assert Document.objects.filter(pk=theirs.pk).exists()


def test_an_old_start_form_opens_a_new_draft_not_someone_elses(client, ready):
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    key = start_application(client)
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    post_ok(Client(), "/apply/where/", {"mission": "lon", "start_key": key})
    assert Case.objects.count() == 2
    assert IdempotencyKey.objects.filter(owner=KEY_OWNER).count() == 1  # the expired one is gone
