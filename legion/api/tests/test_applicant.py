"""The applicant's side through the API, with the applicant's own one-time access: start
a draft, fill each part, upload, read and acknowledge the advice, submit, then come back
with the e-mailed code, follow the status, write to the mission, withdraw. The same
services as the portal, so the same checks and messages."""

import re

import pytest
from django.core import mail
from django.test import Client

from legion.api.applicant_tokens import applicant_token_issue
from legion.api.examples import APPLICANT_ANSWERS
from legion.api.models import ApplicantApiToken
from legion.cases.models import Case
from legion.conversation.models import CaseMessage
from legion.testing import factories as f
from legion.testing import files
from legion.testing.api import api
from legion.testing.outbox import deliver_outbox
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db

BASE = "/api/v1/applicant"
# The documentation's example answers: they must be accepted as they stand.
ANSWERS = {k: v for k, v in APPLICANT_ANSWERS.items() if v is not None and k != "language"}


@pytest.fixture
def ready(london, risk_notice):
    f.AdvisoryFactory(nationality="GB")
    return london


def as_applicant(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def send(client, method, url, data=None):
    return getattr(client, method)(BASE + url, data or {}, content_type="application/json")


def start(client=None) -> tuple[Client, dict]:
    answer = send(client or Client(), "post", "/drafts", {"mission": "lon", "language": "en"})
    assert answer.status_code == 201, answer.content
    return as_applicant(answer.json()["token"]), answer.json()


def code_from_last_email() -> str:
    deliver_outbox()
    text = mail.outbox[-1].body
    return re.search(r"this code: (\S+)", text)[1]


def test_an_applicant_applies_from_start_to_submission(ready):
    client, session = start()
    draft = send(client, "get", "/case").json()
    assert draft["state"] == "draft" and {m["section"] for m in draft["missing"]} >= {"name"}
    saved = send(client, "patch", "/case/answers", ANSWERS)
    assert saved.status_code == 200, saved.content
    assert saved.json()["answers"]["surname"] == "Turner"
    language = send(client, "post", "/case/languages", {"code": "en", "level": "native"})
    assert language.status_code == 200, language.content
    record = {"kind": "military", "country": "GB", "branch": "Army", "start_year": 2006}
    added = send(client, "post", "/case/service-records", {**record, "end_year": 2014})
    assert added.status_code == 200, added.content
    for kind in ("passport", "criminal_record", "service_record"):
        uploaded = client.post(
            BASE + "/case/documents",
            {"kind": kind, "file": files.pdf(f"{kind}.pdf", kind.encode())},
        )
        assert uploaded.status_code == 201, uploaded.content
    advice = send(client, "get", "/case/advisories").json()
    assert {a["nationality"] for a in advice} == {"GB", ""}
    acknowledged = send(client, "post", "/case/advisory-acknowledgement", {"language": "en"})
    assert acknowledged.json()["missing"] == []
    sent = send(client, "post", "/case/submission")
    assert sent.status_code == 200 and sent.json()["state"] == "submitted"
    case = Case.objects.get(reference=session["reference"])
    assert case.events.filter(action="submit").exists()
    # The submission e-mail's code opens the case again, from any device.
    code = code_from_last_email()
    back = send(Client(), "post", "/sessions", {"reference": case.reference, "code": code})
    assert back.status_code == 201
    status = send(as_applicant(back.json()["token"]), "get", "/case").json()
    assert status["state"] == "submitted" and status["actions"] == ["withdraw"]


def test_wrong_answers_come_back_per_field_and_nothing_is_saved(ready):
    client, session = start()
    answer = send(
        client, "patch", "/case/answers", {"surname": "Turner", "email": "not-an-address"}
    )
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["email"]
    assert Case.objects.get(reference=session["reference"]).applicant.surname == ""


def test_an_incomplete_draft_is_not_sent_and_says_what_is_missing(ready):
    client, _ = start()
    refused = send(client, "post", "/case/submission")
    assert refused.status_code == 422
    assert {"name", "passport", "advisory"} <= {e["field"] for e in refused.json()["errors"]}


def test_the_same_idempotency_key_starts_one_draft(ready):
    key = "k" * 40
    first = Client().post(
        BASE + "/drafts",
        {"mission": "lon", "language": "en"},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    again = Client().post(
        BASE + "/drafts",
        {"mission": "lon", "language": "en"},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    assert first.json()["reference"] == again.json()["reference"]
    assert Case.objects.count() == 1


def test_an_applicant_token_opens_its_own_case_only(ready, case, officer):
    client, session = start()
    assert send(client, "get", "/case").json()["reference"] == session["reference"]
    # Not a staff token: the staff API refuses it, and a staff token is no applicant's.
    staff_side = client.get(f"/api/v1/cases/{case.reference}")
    assert staff_side.status_code == 401
    assert api(officer).get(BASE + "/case").status_code == 401


def test_a_wrong_code_is_refused_and_a_used_one_works_once(ready):
    client, session = start()
    send(client, "patch", "/case/answers", {"email": ANSWERS["email"]})
    wrong = send(
        Client(), "post", "/sessions", {"reference": session["reference"], "code": "AAAA-AAAA"}
    )
    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid")
    asked = send(
        Client(),
        "post",
        "/access-emails",
        {"reference": session["reference"], "email": ANSWERS["email"]},
    )
    assert asked.status_code == 202
    code = code_from_last_email()
    body = {"reference": session["reference"], "code": code}
    assert send(Client(), "post", "/sessions", body).status_code == 201
    assert send(Client(), "post", "/sessions", body).status_code == 401


def test_signing_out_ends_the_token(ready):
    client, _ = start()
    assert client.delete(BASE + "/session").status_code == 204
    assert send(client, "get", "/case").status_code == 401
    assert ApplicantApiToken.objects.get().revoked_at is not None


def test_an_expired_token_is_refused(ready, settings):
    client, _ = start()
    ApplicantApiToken.objects.update(expires_at="2020-01-01T00:00:00Z")
    assert send(client, "get", "/case").status_code == 401


def test_the_applicant_writes_to_the_mission_and_withdraws(ready, case):
    steps.submitted(case)
    _token, raw = applicant_token_issue(case=case)
    client = as_applicant(raw)
    sent = client.post(BASE + "/case/messages", {"body": "Can I bring my own helmet?"})
    assert sent.status_code == 201 and sent.json()["sender"] == "applicant"
    assert [m["body"] for m in send(client, "get", "/case/messages").json()] == [
        "Can I bring my own helmet?"
    ]
    assert CaseMessage.objects.get().case == case
    gone = send(client, "post", "/case/withdrawal", {"reason": "Plans changed."})
    assert gone.status_code == 200 and gone.json()["state"] == "withdrawn"
    changed = send(client, "patch", "/case/answers", {"surname": "Other"})
    assert (changed.status_code, changed.json()["code"]) == (409, "not_draft")
