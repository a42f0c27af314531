"""Idempotency-Key on API POSTs: a retry returns the first response and creates nothing
new; the same key with another body is refused; concurrent retries give one effect."""

import threading

import pytest
from django.db import connection
from django.test import Client

from legion.api.tokens import api_token_create
from legion.cases.models import CaseEvent
from legion.cases.states import CaseState as S
from legion.idempotency.models import IdempotencyKey
from legion.testing.factories import set_state


def api_client(user) -> Client:
    raw = api_token_create(username=user.username, name="t", scope="read_write")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def start_review(client, reference, key, reason=""):
    return client.post(
        f"/api/v1/cases/{reference}/transitions",
        {"action": "start_review", "reason": reason},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


@pytest.mark.django_db
def test_a_retry_with_the_same_key_returns_the_first_answer_and_changes_nothing(officer, case):
    set_state(case, S.SUBMITTED)
    client = api_client(officer)
    first = start_review(client, case.reference, "retry-1")
    assert first.status_code == 200
    again = start_review(client, case.reference, "retry-1")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CaseEvent.objects.filter(case=case, action="start_review").count() == 1
    # Without the key, the second request is a new one and the workflow refuses it.
    repeat = client.post(
        f"/api/v1/cases/{case.reference}/transitions",
        {"action": "start_review"},
        content_type="application/json",
    )
    assert repeat.status_code == 409


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(officer, case):
    set_state(case, S.SUBMITTED)
    client = api_client(officer)
    assert start_review(client, case.reference, "k-2").status_code == 200
    reused = start_review(client, case.reference, "k-2", reason="other")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_a_refusal_is_not_kept_so_a_retry_after_fixing_it_runs(officer, case):
    client = api_client(officer)  # the case is a draft: start_review is refused
    assert start_review(client, case.reference, "k-3").status_code == 409
    assert not IdempotencyKey.objects.exists()
    set_state(case, S.SUBMITTED)
    assert start_review(client, case.reference, "k-3").status_code == 200


@pytest.mark.django_db
def test_keys_belong_to_their_token(officer, consul, case):
    set_state(case, S.SUBMITTED)
    assert start_review(api_client(officer), case.reference, "shared").status_code == 200
    # Another token's identical key is another request (refused by the workflow).
    assert start_review(api_client(consul), case.reference, "shared").status_code == 409


@pytest.mark.django_db
def test_a_malformed_key_is_refused_with_400(officer, case):
    response = start_review(api_client(officer), case.reference, "has spaces")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"


@pytest.mark.django_db
def test_stored_answers_are_sealed(officer, case):
    set_state(case, S.SUBMITTED)
    start_review(api_client(officer), case.reference, "sealed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome FROM idempotency_idempotencykey")
        (stored,) = cursor.fetchone()
    assert case.reference.encode() not in bytes(stored)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent PostgreSQL connections"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_give_one_transition_and_the_same_answer(officer, case):
    set_state(case, S.SUBMITTED)
    client_token = api_token_create(username=officer.username, name="t", scope="read_write")[1]
    answers: list[tuple[int, str]] = []
    barrier = threading.Barrier(6)

    def retry() -> None:
        try:
            client = Client(headers={"Authorization": f"Bearer {client_token}"})
            barrier.wait()
            response = start_review(client, case.reference, "concurrent")
            answers.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [200] * 6
    assert len({body for _, body in answers}) == 1
    assert CaseEvent.objects.filter(case=case, action="start_review").count() == 1
