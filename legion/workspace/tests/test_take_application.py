"""Assisted intake: an officer takes an application down from the workspace with the
portal's questions and checks, reads the advice out, and it is submitted as theirs."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from legion.advisories.models import Acknowledgement
from legion.cases.models import Case, CaseEvent
from legion.cases.states import CaseState
from legion.testing import factories as f

pytestmark = pytest.mark.django_db
URL = "/staff/m/lon/take/"
START = "?nationality=GB&channel=phone&language=en"


@pytest.fixture
def advice(risk_notice):
    return f.AdvisoryFactory(nationality="GB")


def answers(**changes):
    values = {
        "given_name": "James", "surname": "Turner", "date_of_birth": "1988-03-27", "sex": "M",
        "place_of_birth": "Aldershot", "passport_number": "123456789", "passport_country": "GB",
        "passport_expiry": "2031-05-01", "email": "james.turner@example.co.uk",
        "phone": "+44 7700 900123", "address_line_1": "12 Queens Avenue",
        "address_town": "Aldershot", "address_postcode": "GU11 2LB", "address_country": "GB",
        "language_1": "en", "level_1": "native", "has_criminal_record": "no",
        "service_kind": "military", "service_country": "GB",
        "service_branch": "Army, Parachute Regiment", "service_start_year": "2006",
        "service_end_year": "2014", "advisory_read_out": "on",
        "passport_file": SimpleUploadedFile("passport.pdf", f.minimal_pdf(b"p")),
        "criminal_record_file": SimpleUploadedFile("dbs.pdf", f.minimal_pdf(b"c")),
        "service_record_file": SimpleUploadedFile("service.pdf", f.minimal_pdf(b"s")),
    }  # fmt: skip
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_the_page_asks_first_what_decides_the_advice(client, officer, advice):
    client.force_login(officer)
    page = client.get(URL).content.decode()
    assert "Before the questions" in page and 'name="nationality"' in page
    second = client.get(URL + START).content.decode()
    assert advice.texts.first().body in second  # the advice for British nationals
    assert "No prisoner-of-war status" in second  # and the risk notice
    assert 'name="advisory_read_out"' in second


def test_an_officer_takes_an_application_down_and_it_is_submitted_as_theirs(
    client, officer, advice, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL + START, answers())
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/c/{case.reference}/"
    assert case.state == CaseState.SUBMITTED
    assert case.documents.count() == 3
    start = CaseEvent.objects.get(case=case, action="start")
    assert start.actor == officer and start.data["channel"] == "phone"
    assert all(a.taken_by == officer for a in Acknowledgement.objects.filter(case=case))
    assert [m.to for m in mail.outbox] == [["james.turner@example.co.uk"]]
    assert case.reference in mail.outbox[0].body


def test_without_the_advice_read_out_nothing_is_kept(client, officer, advice, settings):
    client.force_login(officer)
    response = client.post(URL + START, answers(advisory_read_out=None))
    assert response.status_code == 400
    assert "Read the legal advice and the risk notice to the applicant" in response.content.decode()
    assert not Case.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_the_portal_checks_apply_and_every_problem_is_shown(client, officer, advice):
    client.force_login(officer)
    response = client.post(
        URL + START, answers(date_of_birth="2015-01-01", email="not-an-address", passport_file=None)
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "18 or older" in page
    assert "A scan or photo of the passport is required." in page
    assert "e-mail" in page.lower()
    assert not Case.objects.exists()


def test_only_consular_officers_take_applications(client, attache, officer, advice):
    client.force_login(attache)
    assert client.get(URL + START).status_code == 403
    assert client.post(URL + START, answers()).status_code == 403
    assert not Case.objects.exists()
    assert "Take an application" not in client.get("/staff/m/lon/queue/").content.decode()
    client.force_login(officer)
    assert "Take an application" in client.get("/staff/m/lon/queue/").content.decode()


def test_staff_of_another_mission_get_404(client, outsider, advice):
    client.force_login(outsider)
    assert client.get(URL + START).status_code == 404
