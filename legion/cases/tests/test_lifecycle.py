"""The fan-out point: reactions registered by other apps run inside the event's
transaction, so they roll back with it."""

import pytest
from django.db import transaction

from legion.cases.lifecycle import _reactions, case_event_reactions, on_case_event
from legion.cases.models import CaseEvent
from legion.cases.notices import case_event_notify
from legion.cases.services import record_event
from legion.missions.actors import Actor

pytestmark = pytest.mark.django_db


def test_the_applicant_notices_are_registered_at_start_up():
    assert case_event_notify in case_event_reactions()


def test_a_reaction_sees_every_event_and_rolls_back_with_it(case):
    seen = []

    def count(*, case, event):
        seen.append((case.pk, event.kind, event.action))
        raise RuntimeError("reaction failed")

    on_case_event(count)
    on_case_event(count)  # registering twice runs it once
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            record_event(case=case, kind=CaseEvent.Kind.NOTE, action="noted", actor=Actor.system())
    finally:
        _reactions.remove(count)
    assert seen == [(case.pk, CaseEvent.Kind.NOTE, "noted")]
    assert not CaseEvent.objects.filter(case=case, action="noted").exists()


def test_intake_screening_is_a_reaction_registered_at_start_up():
    from legion.identity.screening import case_screen_on_submit

    assert case_screen_on_submit in case_event_reactions()


def test_every_event_joins_the_audit_chain_with_its_actor(case, officer):
    from legion.audit.models import AuditEntry

    event = record_event(
        case=case, kind=CaseEvent.Kind.NOTE, action="noted", actor=Actor.staff(officer)
    )
    entry = AuditEntry.objects.get(action="case.note", case_id=case.pk)
    assert (entry.actor_id, entry.actor_label) == (officer.pk, "officer")
    assert entry.data == {"event": event.pk, "action": "noted", "from": "", "to": ""}
    record_event(
        case=case, kind=CaseEvent.Kind.NOTE, action="by_applicant", actor=Actor.applicant(case.pk)
    )
    assert AuditEntry.objects.filter(data__action="by_applicant").get().actor_label == "applicant"


def test_a_guard_no_app_provides_fails_loudly(case):
    from django.core.exceptions import ImproperlyConfigured

    from legion.cases.lifecycle import case_guard_check

    with pytest.raises(ImproperlyConfigured):
        case_guard_check("no_such_guard", case)
