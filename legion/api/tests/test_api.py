"""The REST API: token auth, scoping (404), refusals (409), validation (422), each endpoint."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from legion.api.models import ApiToken
from legion.api.tokens import api_token_create
from legion.cases.models import Case, CaseEvent
from legion.cases.states import CaseState as S
from legion.dashboard.figures import figures_rebuild
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    _, raw = api_token_create(username=user.username, name="test", scope="read_write")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def api(officer):
    return client_for(officer)


@pytest.fixture
def submitted(case):
    return set_state(case, S.SUBMITTED)


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


# ---------------------------------------------------------------- auth and tokens


def test_requests_without_a_valid_token_get_401(submitted):
    for headers in ({}, {"Authorization": "Bearer lgn_not-a-token"}, {"Authorization": "Basic x"}):
        response = Client(headers=headers).get("/api/v1/cases")
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


def test_revoked_token_and_inactive_user_get_401(officer):
    client = client_for(officer)
    assert client.get("/api/v1/cases").status_code == 200
    officer.is_active = False
    officer.save()
    assert client.get("/api/v1/cases").status_code == 401
    officer.is_active = True
    officer.save()
    ApiToken.objects.update(revoked_at="2026-01-01T00:00Z")
    assert client.get("/api/v1/cases").status_code == 401


def test_token_command_shows_the_token_once_and_stores_only_its_hash(officer):
    out, err = io.StringIO(), io.StringIO()
    call_command("api-token", "create", "--user", "officer", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("lgn_") and len(raw) > 40
    assert "cannot be shown again" in err.getvalue()
    token = ApiToken.objects.get()
    assert raw not in (token.token_hash, token.prefix)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/missions").status_code == 200
    call_command("api-token", "revoke", token.prefix, stdout=io.StringIO())
    assert client.get("/api/v1/missions").status_code == 401


def test_token_command_refuses_unknown_users_and_non_staff(db):
    f.UserFactory(username="nobody-in-particular")
    for user in ("ghost", "nobody-in-particular"):
        with pytest.raises(CommandError):
            call_command("api-token", "create", "--user", user, stdout=io.StringIO())
    assert not ApiToken.objects.exists()


# ---------------------------------------------------------------- cases


def test_list_shows_cases_in_scope_with_filters_and_pages(api, submitted, officer, ottawa):
    others = [set_state(f.CaseFactory(mission=submitted.mission), S.IN_REVIEW) for _ in range(3)]
    draft = f.CaseFactory(mission=submitted.mission)  # the applicant's until sent
    elsewhere = set_state(f.CaseFactory(mission=ottawa), S.SUBMITTED)
    body = api.get("/api/v1/cases").json()
    references = {c["reference"] for c in body["results"]}
    assert body["count"] == 4
    assert elsewhere.reference not in references and draft.reference not in references
    body = api.get("/api/v1/cases", {"state": "submitted"}).json()
    assert [c["reference"] for c in body["results"]] == [submitted.reference]
    assert body["results"][0]["applicant_name"] == str(submitted.applicant)
    page = api.get("/api/v1/cases", {"page": 2, "page_size": 3}).json()
    assert (page["count"], len(page["results"])) == (4, 1)
    Case.objects.filter(pk=others[0].pk).update(assigned_to=officer)
    mine = api.get("/api/v1/cases", {"assigned": "me"}).json()
    assert [c["reference"] for c in mine["results"]] == [others[0].reference]
    assert api.get("/api/v1/cases", {"assigned": "none"}).json()["count"] == 3
    assert api.get("/api/v1/cases", {"mission": "ott"}).json()["count"] == 0


def test_list_rejects_bad_filters_with_per_field_messages(api):
    response = api.get("/api/v1/cases", {"state": "flying", "page": 0, "page_size": 1000})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert "state" in {e["field"] for e in body["errors"]}
    response = api.get("/api/v1/cases", {"page": 0, "page_size": 1000})
    assert {e["field"] for e in response.json()["errors"]} == {"page", "page_size"}


def test_case_detail_has_history_documents_and_actions(api, submitted):
    body = api.get(f"/api/v1/cases/{submitted.reference}").json()
    assert body["state"] == "submitted"
    assert body["applicant"]["surname"] == submitted.applicant.surname
    assert {d["kind"] for d in body["documents"]} == {
        "passport",
        "criminal_record",
        "service_record",
    }
    assert [a["name"] for a in body["actions"]] == ["start_review"]
    # The consular officer sees the whole case, contact details and passport included
    # (what other roles see is in test_masking.py).
    a = submitted.applicant
    assert body["contact"]["email"] == a.email and body["contact"]["phone"] == a.phone
    assert a.address_line_1 in body["contact"]["address"]
    assert body["passport"]["number"] == a.passport_number
    assert "contact" in body["sees"] and "passport" in body["sees"]


def test_case_outside_scope_is_404_for_every_endpoint(submitted, outsider):
    client = client_for(outsider)
    base = f"/api/v1/cases/{submitted.reference}"
    responses = [
        client.get(base),
        client.get(f"{base}/actions"),
        post(client, f"{base}/transitions", {"action": "start_review"}),
        post(client, f"{base}/assignment", {"assignee": "outsider"}),
    ]
    for response in responses:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert Case.objects.get(pk=submitted.pk).state == S.SUBMITTED


def test_available_actions_show_blocking_guards(api, case):
    in_review = set_state(case, S.IN_REVIEW)
    body = api.get(f"/api/v1/cases/{in_review.reference}/actions").json()
    by_name = {a["name"]: a for a in body}
    assert set(by_name) == {"refer", "reject", "schedule_interview"}
    assert by_name["reject"]["reason_required"] is True
    assert any("documents" in m for m in by_name["schedule_interview"]["unmet"])


def test_transition_is_taken_and_recorded(api, submitted, officer):
    response = post(
        api, f"/api/v1/cases/{submitted.reference}/transitions", {"action": "start_review"}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "in_review"
    event = CaseEvent.objects.get(case=submitted, action="start_review")
    assert event.actor == officer


def test_refused_transition_is_409_with_message_and_code(submitted, consul, officer):
    url = f"/api/v1/cases/{submitted.reference}/transitions"
    response = post(client_for(consul), url, {"action": "start_review"})
    assert response.status_code == 409
    assert response.json()["code"] == "forbidden"
    assert "Your role does not allow" in response.json()["detail"]
    api = client_for(officer)
    response = post(api, url, {"action": "reject", "reason": "x"})
    assert (response.status_code, response.json()["code"]) == (409, "wrong_state")
    response = post(api, url, {"action": "fly_away"})
    assert response.status_code == 409
    assert Case.objects.get(pk=submitted.pk).state == S.SUBMITTED


def test_transition_without_action_is_422(api, submitted):
    response = post(api, f"/api/v1/cases/{submitted.reference}/transitions", {"reason": "x"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["action"]


def test_assign_and_unassign(api, submitted, officer, attache):
    url = f"/api/v1/cases/{submitted.reference}/assignment"
    response = post(api, url, {"assignee": "officer"})
    assert (response.status_code, response.json()["assigned_to"]) == (200, "officer")
    for other in ("attache", "ghost"):
        response = post(api, url, {"assignee": other})
        assert (response.status_code, response.json()["code"]) == (409, "invalid_assignee")
    assert post(api, url, {"assignee": None}).json()["assigned_to"] is None
    assert CaseEvent.objects.filter(case=submitted, kind="assignment").count() == 2


def test_bulk_transition_reports_each_case(api, submitted, london, ottawa):
    draft = f.CaseFactory(mission=london)
    elsewhere = set_state(f.CaseFactory(mission=ottawa), S.SUBMITTED)
    refs = [submitted.reference, draft.reference, elsewhere.reference]
    response = post(
        api, "/api/v1/cases/bulk-transitions", {"action": "start_review", "references": refs}
    )
    assert response.status_code == 200
    results = {r["reference"]: r for r in response.json()["results"]}
    assert results[submitted.reference]["ok"] is True
    assert results[draft.reference]["ok"] is False
    assert "not possible" in results[draft.reference]["detail"]
    assert results[elsewhere.reference]["detail"] == "No such case."
    assert Case.objects.get(pk=elsewhere.pk).state == S.SUBMITTED
    response = post(
        api, "/api/v1/cases/bulk-transitions", {"action": "start_review", "references": []}
    )
    assert response.status_code == 422


# ---------------------------------------------------------------- missions, slots, statistics


def test_missions_list(api, london, ottawa):
    codes = [m["code"] for m in api.get("/api/v1/missions").json()]
    assert sorted(codes) == ["lon", "ott"]


def test_slots_of_own_mission_with_bookings(api, london, ottawa):
    free = f.SlotFactory(mission=london)
    f.SlotFactory(mission=ottawa)
    body = api.get("/api/v1/missions/lon/slots").json()
    assert [s["id"] for s in body] == [free.pk]
    assert body[0]["booked"] == 0
    assert api.get("/api/v1/missions/lon/slots", {"available": "true"}).json()[0]["id"] == free.pk
    assert api.get("/api/v1/missions/ott/slots").status_code == 404
    assert api.get("/api/v1/missions/nowhere/slots").status_code == 404


def test_statistics_are_counts_only_for_hq(analyst, officer, london):
    for _ in range(6):
        set_state(f.CaseFactory(mission=london), S.SUBMITTED)
    set_state(f.CaseFactory(mission=london, applicant__nationality="JP"), S.SUBMITTED)
    Case.objects.update(submitted_at=timezone.now())
    figures_rebuild()  # set_state goes around the case events the counters follow
    response = client_for(analyst).get("/api/v1/statistics")
    assert response.status_code == 200
    body = response.json()
    # The Japanese applicant is a group of one: left out of every count, totals included.
    assert (body["total"], body["total_incomplete"]) == (6, True)
    submitted = next(t for t in body["by_state"] if t["key"] == "submitted")
    assert (submitted["count"], submitted["shown"]) == (6, "6+")
    assert "JP" not in [t["key"] for t in body["by_nationality"] if t["count"]]
    assert "Turner" not in response.content.decode()  # no names anywhere
    denied = client_for(officer).get("/api/v1/statistics")
    assert (denied.status_code, denied.json()["code"]) == (403, "forbidden")


def test_openapi_schema_is_published(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/cases/{reference}/transitions" in paths
    assert "409" in paths["/api/v1/cases/{reference}/transitions"]["post"]["responses"]


# ---------------------------------------------------------------- malformed bodies


@pytest.mark.parametrize("body", ["not json", '{"action": "start_review"', b"\xff\xfe\x00"])
def test_a_body_that_is_not_json_gets_400_malformed_body(api, submitted, body):
    response = api.post(
        f"/api/v1/cases/{submitted.reference}/transitions", body, content_type="application/json"
    )
    assert response.status_code == 400
    payload = response.json()
    assert set(payload) == {"detail", "code"}
    assert payload["code"] == "malformed_body"
    assert payload["detail"].startswith("The request body is not valid JSON")
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED


def test_openapi_lists_the_malformed_body_and_too_large_answers_of_every_write(api):
    schema = api.get("/api/v1/openapi.json").json()
    writes = [
        (path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("post", "put", "patch", "delete")
    ]
    assert writes
    for path, operation in writes:
        assert {"400", "403", "413"} <= set(operation["responses"]), path
        error = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert error["$ref"].endswith("/Error")
    assert "malformed_body" in schema["info"]["description"]


def test_list_pages_follow_the_next_cursor_newest_first(api, submitted):
    # In review, with no submission time (taken straight into a state): they sort first.
    others = [set_state(f.CaseFactory(mission=submitted.mission), S.IN_REVIEW) for _ in range(4)]
    f.CaseFactory(mission=submitted.mission)  # a draft: the applicant's, never listed
    body = api.get("/api/v1/cases", {"page_size": 2}).json()
    seen = [c["reference"] for c in body["results"]]
    while body["next"]:
        body = api.get("/api/v1/cases", {"page_size": 2, "after": body["next"]}).json()
        seen += [c["reference"] for c in body["results"]]
    # No submission time first, newest first; then the submitted case.
    assert seen == [c.reference for c in others[::-1]] + [submitted.reference]
    assert body["count"] == 5 and body["count_is_estimate"] is False


def test_list_refuses_a_cursor_it_did_not_give(api):
    response = api.get("/api/v1/cases", {"after": "not-a-cursor"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["after"]
