"""Structured logs: JSON lines with a request id that follows the work into its tasks, and
none of the applicant's personal data anywhere, over the whole applicant and staff flow."""

import io
import json
import logging

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory

from legion.cases.models import Case
from legion.operations.logs import RequestLogMiddleware, formatter
from legion.outbox.services import outbox_email_add
from legion.portal.tests.conftest import gb_advisory  # noqa: F401 (fixture)
from legion.portal.tests.flows import answer_everything, post_ok, start_application
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def log_lines():
    """Every record of every logger, at DEBUG, through the production formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("json"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)

    def lines() -> list[dict]:
        handler.flush()
        return [json.loads(line) for line in stream.getvalue().splitlines() if line]

    yield lines
    root.removeHandler(handler)
    root.setLevel(level)


# What answer_everything enters for James Turner, and the forms it may take in a line.
PERSONAL = [
    "James",
    "Turner",
    "1988-04-12",
    "12 April 1988",
    "12/04/1988",
    "512345678",
    "james@example.org",
    "Wellington Road",
    "GU11 1AB",
    "Aldershot",
]


def test_applicant_and_staff_flow_logs_no_personal_data(
    client,
    london,
    risk_notice,
    gb_advisory,  # noqa: F811 (the imported fixture)
    officer,
    attache,
    consul,
    log_lines,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.MAILERS = LOCMEM
    # The applicant: every page of the portal, documents uploaded, sent.
    start_application(client)
    answer_everything(client)
    with django_capture_on_commit_callbacks(execute=True):
        post_ok(client, "/apply/check/", {})
    case = Case.objects.get()
    assert client.get("/my-application/").status_code in (200, 302)
    # The staff: the queue, a search by surname, the case page, every decision to the
    # travel instructions (with their e-mails through the outbox).
    client.force_login(officer)
    assert client.get(f"/staff/m/{london.code}/queue/?q=Turner").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        steps.instructions_issued(case, officer, attache, consul)
    assert client.get(f"/staff/c/{case.reference}/").status_code == 200
    client.force_login(consul)
    assert client.get(f"/staff/c/{case.reference}/").status_code == 200

    lines = log_lines()
    requests = [line for line in lines if line["event"] == "request"]
    assert len(requests) >= 20
    assert all(len(line["request_id"]) == 32 for line in requests)
    routes = {line["route"] for line in requests}
    assert {"workspace:case", "workspace:queue"} <= routes, routes
    assert any(line["event"] == "task started" for line in lines)  # the e-mails
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    found = [value for value in PERSONAL if value.lower() in text.lower()]
    assert found == [], f"personal data in the log: {found}"
    assert case.reference not in text  # the path is never logged either


@pytest.mark.django_db(transaction=True)  # the worker closes its connections when done
def test_a_request_id_follows_the_work_into_the_database_task_worker(settings, log_lines):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = LOCMEM

    def view(request):
        outbox_email_add(
            email=EmailMessage(subject="Interview", body="b", to=["x@example.org"]),
            kind="interview invitation",
        )
        return HttpResponse("ok")

    request = RequestFactory().get("/staff/", HTTP_X_REQUEST_ID="nginx-5f0c2a9e7d41")
    response = RequestLogMiddleware(view)(request)
    assert response["X-Request-ID"] == "nginx-5f0c2a9e7d41"

    call_command("db_worker", batch=True, reload=False, verbosity=0)  # another process's job

    started = [line for line in log_lines() if line["event"] == "task started"]
    assert started and started[0]["task"] == "outbox_deliver"
    assert started[0]["request_id"] == "nginx-5f0c2a9e7d41"
    assert "x@example.org" not in json.dumps(log_lines())


def test_a_malformed_request_id_is_replaced(log_lines):
    request = RequestFactory().get("/healthz", HTTP_X_REQUEST_ID='bad id "with" quotes')
    response = RequestLogMiddleware(lambda r: HttpResponse(status=503))(request)
    assert response["X-Request-ID"] != 'bad id "with" quotes'
    assert len(response["X-Request-ID"]) == 32
    (line,) = [line for line in log_lines() if line["event"] == "request"]
    assert line["status"] == 503 and line["route"] == "healthz"  # quiet paths log failures


def test_an_email_address_in_a_message_is_masked(log_lines):
    logging.getLogger("legion.somewhere").warning("could not reach %s", "kenji@example.jp")
    (line,) = [line for line in log_lines() if line["logger"] == "legion.somewhere"]
    assert line["event"] == "could not reach [e-mail]"
