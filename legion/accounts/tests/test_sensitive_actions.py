"""Re-authentication before the sensitive actions wired into the workspace and the API:
the visa decision (page and API transition) and the statistics export."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from legion.api.tokens import api_token_create
from legion.audit.models import AuditEntry
from legion.cases.models import Case
from legion.testing.auth import StaffClient, staff_device, totp_code
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db


def signed_in(user) -> StaffClient:
    client = StaffClient()
    client.force_login(user)
    return client


def test_visa_decision_page_asks_for_password_and_code_first(case, officer, attache, consul):
    steps.visa_pending(case, officer, attache, consul)
    client = signed_in(consul)
    url = reverse("workspace:visa", args=[case.reference])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth"))
    refused = client.post(url, {"decision": "refuse", "reason": "Passport reported stolen"})
    assert refused.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "visa_pending"  # nothing decided
    client.reauthenticate()
    assert client.get(url).status_code == 200


def test_statistics_export_asks_for_password_and_code_first(analyst, london):
    client = signed_in(analyst)
    response = client.get(reverse("dashboard:csv", args=["all"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth"))
    client.reauthenticate()
    exported = client.get(reverse("dashboard:csv", args=["all"]))
    assert exported.status_code == 200
    assert AuditEntry.objects.filter(action="export", actor_id=analyst.pk).exists()


def test_api_visa_decision_needs_a_current_code(case, officer, attache, consul):
    steps.visa_pending(case, officer, attache, consul)
    _, raw = api_token_create(username=consul.username, name="test", scope="read_write")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    url = f"/api/v1/cases/{case.reference}/visa/refusal"
    body = json.dumps({"reason": "Passport reported stolen"})
    refused = api.post(url, body, content_type="application/json")
    assert refused.status_code == 401
    assert Case.objects.get(pk=case.pk).state == "visa_pending"
    code = totp_code(staff_device(consul))
    done = api.post(url, body, content_type="application/json", headers={"X-Legion-OTP": code})
    assert done.status_code == 200
    assert Case.objects.get(pk=case.pk).state == "rejected"


def test_api_reads_of_a_case_are_audited(case, officer):
    steps.submitted(case)
    token, raw = api_token_create(username=officer.username, name="test")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get(f"/api/v1/cases/{case.reference}").status_code == 200
    assert api.get("/api/v1/cases").status_code == 200
    view = AuditEntry.objects.get(action="case.view", actor_id=officer.pk)
    assert view.data == {"what": "api case detail", "api_token": token.audit_label()}
    listed = AuditEntry.objects.get(action="case.list", actor_id=officer.pk)
    assert listed.data["references"] == [case.reference]
