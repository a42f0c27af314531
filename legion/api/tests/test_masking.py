"""The API masks each case per role through the access policy: what a role may not see
is null (and absent from the whole answer), `sees` names what it may."""

import pytest
from django.test import Client

from legion.api.tokens import api_token_create
from legion.identity.models import WatchlistEntry, WatchlistHit
from legion.testing.factories import set_state
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db

EVERYTHING = ["assessments", "contact", "documents", "eligibility", "identity", "interview"]
EVERYTHING += ["passport", "travel"]
# role -> (the parts it sees, the document kinds it sees)
MASKS = {
    "officer": (sorted(EVERYTHING), {"passport", "criminal_record", "service_record"}),
    "consul": (sorted(EVERYTHING), {"passport", "criminal_record", "service_record"}),
    "attache": (
        ["assessments", "documents", "eligibility", "identity", "interview"],
        {"service_record"},
    ),
    "security": (["documents", "identity", "passport"], {"passport"}),
}


def client_for(user) -> Client:
    _, raw = api_token_create(username=user.username, name="masking", scope="read")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def interviewed(case, officer, attache, consul):
    """Interviewed, and named in a watch-list review item (so HQ security reaches it)."""
    case = steps.interviewed(case, officer, attache, consul)
    entry = WatchlistEntry.objects.create(source="t", entity_id="e", caption="X", properties={})
    WatchlistHit.objects.create(case=case, entry=entry, score=0.9)
    return case


@pytest.mark.parametrize("role", sorted(MASKS))
def test_each_role_gets_only_its_parts_of_a_case(role, interviewed, request):
    sees, kinds = MASKS[role]
    response = client_for(request.getfixturevalue(role)).get(
        f"/api/v1/cases/{interviewed.reference}"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["sees"] == sees
    assert {d["kind"] for d in body["documents"]} == kinds
    applicant = interviewed.applicant
    for part, key, value in (
        ("contact", "contact", applicant.email),
        ("passport", "passport", applicant.passport_number),
        ("interview", "interview", "Interview room"),
        ("assessments", "assessments", "signed_by"),
    ):
        if part in sees:
            assert body[key] is not None, part
            assert value in response.content.decode(), part
        else:
            assert body[key] is None, part
            assert value not in response.content.decode(), part
    assert body["applicant"]["surname"] == applicant.surname


def test_the_attache_gets_no_draft_and_no_case_before_its_interview(case, attache):
    """The issue's finding: an attaché's token listed drafts and read their name and date
    of birth. A draft is the applicant's; the attaché's cases are those interviewed."""
    api = client_for(attache)
    assert api.get("/api/v1/cases").json()["count"] == 0
    assert api.get(f"/api/v1/cases/{case.reference}").status_code == 404
    set_state(case, "in_review")
    assert api.get(f"/api/v1/cases/{case.reference}").status_code == 404
    assert case.applicant.surname not in api.get("/api/v1/cases").content.decode()


@pytest.mark.parametrize("role", ["analyst", "admin_user", "outsider"])
def test_roles_without_the_case_get_404(role, interviewed, request):
    api = client_for(request.getfixturevalue(role))
    response = api.get(f"/api/v1/cases/{interviewed.reference}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert interviewed.applicant.surname not in response.content.decode()


def test_the_schema_documents_the_masking(client):
    schema = client.get("/api/v1/openapi.json").json()
    detail = schema["components"]["schemas"]["CaseDetail"]["properties"]
    for key in ("contact", "passport", "documents", "interview", "assessments"):
        assert "null when your role does not see" in detail[key]["description"], key
    assert "sees" in schema["components"]["schemas"]["CaseDetail"]["required"]
