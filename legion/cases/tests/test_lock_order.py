"""Lock order under real concurrency (PostgreSQL, one connection per thread).

The audit chain is appended under one lock held until commit; PostgreSQL checks foreign
keys at commit (Django declares them DEFERRABLE INITIALLY DEFERRED), taking a share lock
on every referenced row then. So a transaction that locks a case must lock only the case:
had it locked the case's mission too (`select_for_update()` with
`select_related("mission")`), an applicant opening a draft at that mission would hold the
chain lock while waiting for the mission row, and the case's transaction would wait for
the chain lock: `deadlock detected`, a 500 for one of the two under intake load.
"""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from legion.cases.intake import draft_start
from legion.cases.models import Case, CaseEvent
from legion.cases.services import case_lock, record_event
from legion.missions.actors import Actor

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
    pytest.mark.django_db(transaction=True),
]


def _in_thread(target, errors: list, *args) -> threading.Thread:
    def run() -> None:
        try:
            target(*args)
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_draft_opened_while_a_case_of_its_mission_is_locked_does_not_deadlock(london):
    existing = draft_start(mission_code=london.code, language="en")
    actor = Actor.applicant(existing.pk)
    locked, opened, errors = threading.Event(), threading.Event(), []

    def change_existing_case() -> None:
        with transaction.atomic():
            case = case_lock(reference=existing.reference, actor=actor)
            locked.set()
            # Let the other applicant's draft reach its commit (and its foreign-key
            # checks) while this transaction still holds its lock.
            opened.wait(1.5)
            record_event(case=case, kind=CaseEvent.Kind.NOTE, action="test.note", actor=actor)

    def open_draft() -> None:
        locked.wait(5)
        try:
            draft_start(mission_code=london.code, language="en")
        finally:
            opened.set()

    threads = [_in_thread(change_existing_case, errors), _in_thread(open_draft, errors)]
    for thread in threads:
        thread.join(30)
    close_old_connections()
    assert errors == []
    assert Case.objects.filter(mission=london).count() == 2
    assert CaseEvent.objects.filter(case=existing, action="test.note").count() == 1
