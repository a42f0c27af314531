"""No lost updates: case representations carry an ETag; a write with a stale If-Match
is refused with 412 under the case's row lock, and a current one goes through."""

import threading

import pytest
from django.db import connection
from django.test import Client

from legion.api.tokens import api_token_create
from legion.cases.models import CaseEvent
from legion.cases.states import CaseState as S
from legion.testing.factories import set_state


def api_client(user) -> Client:
    raw = api_token_create(username=user.username, name="t", scope="read_write")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def transition(client, reference, action, etag=None, reason=""):
    headers = {"If-Match": etag} if etag else {}
    return client.post(
        f"/api/v1/cases/{reference}/transitions",
        {"action": action, "reason": reason},
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.django_db
def test_the_case_carries_an_etag_that_changes_with_the_case(officer, case):
    set_state(case, S.SUBMITTED)
    client = api_client(officer)
    before = client.get(f"/api/v1/cases/{case.reference}")["ETag"]
    assert before.startswith('"') and before.endswith('"')
    assert client.get(f"/api/v1/cases/{case.reference}")["ETag"] == before
    moved = transition(client, case.reference, "start_review", etag=before)
    assert moved.status_code == 200
    assert moved["ETag"] != before
    assert client.get(f"/api/v1/cases/{case.reference}")["ETag"] == moved["ETag"]


@pytest.mark.django_db
def test_a_write_with_a_stale_version_is_refused_with_412(officer, case):
    set_state(case, S.SUBMITTED)
    first, second = api_client(officer), api_client(officer)
    seen = first.get(f"/api/v1/cases/{case.reference}")["ETag"]
    assert transition(second, case.reference, "start_review").status_code == 200
    stale = transition(first, case.reference, "refer", etag=seen, reason="no training")
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale_version"
    assert stale["ETag"] != seen
    assert not CaseEvent.objects.filter(case=case, action="refer").exists()
    # With the version it now has, the write goes through.
    assert (
        transition(first, case.reference, "refer", stale["ETag"], "no training").status_code == 200
    )


@pytest.mark.django_db
def test_assignment_honours_if_match_too(officer, case):
    set_state(case, S.IN_REVIEW)
    client = api_client(officer)
    response = client.post(
        f"/api/v1/cases/{case.reference}/assignment",
        {"assignee": officer.username},
        content_type="application/json",
        headers={"If-Match": '"0000"'},
    )
    assert response.status_code == 412
    case.refresh_from_db()
    assert case.assigned_to is None


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent PostgreSQL connections"
)
@pytest.mark.django_db(transaction=True)
def test_two_writers_with_one_version_give_one_winner(officer, case):
    """Both read the same version and write at once: the row lock orders them, and the
    second finds the version changed (412) instead of overwriting the first."""
    set_state(case, S.IN_REVIEW)
    token = api_token_create(username=officer.username, name="t", scope="read_write")[1]
    etag = Client(headers={"Authorization": f"Bearer {token}"}).get(
        f"/api/v1/cases/{case.reference}"
    )["ETag"]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def write(action: str) -> None:
        try:
            client = Client(headers={"Authorization": f"Bearer {token}"})
            barrier.wait()
            statuses.append(transition(client, case.reference, action, etag, "why").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(a,)) for a in ("refer", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 412]
    assert CaseEvent.objects.filter(case=case, action__in=["refer", "reject"]).count() == 1
