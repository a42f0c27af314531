"""A notice for every decision, in the applicant's language, through the outbox; times
in the mission's zone, across a daylight-saving change too (finding M1)."""

import datetime as dt

import pytest
from django.core import mail

from legion.cases.services import case_transition
from legion.cases.states import CaseState as S
from legion.cases.travel import visa_refuse
from legion.identity.models import DuplicateCandidate
from legion.interviews.invitations import interview_invitation_queue
from legion.interviews.models import Interview
from legion.missions.actors import Actor
from legion.outbox.models import OutboxMessage
from legion.testing import factories as f
from legion.testing.factories import set_state
from legion.testing.outbox import deliver_outbox
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db


def notice(case):
    """The one notice the case got since the last call."""
    deliver_outbox()
    (message,) = mail.outbox
    mail.outbox.clear()
    assert message.to == [case.applicant.email]
    return message


def settle():
    """Deliver what earlier steps queued, so the next notice is the only new e-mail."""
    deliver_outbox()
    mail.outbox.clear()


def in_language(case, language):
    case.language = language
    case.save(update_fields=["language"])
    return case


def test_referral_in_spanish_gives_the_reason_and_the_other_ways_to_help(case, officer):
    case = in_language(steps.in_review(case, officer), "es")
    settle()
    case_transition(
        reference=case.reference,
        action="refer",
        actor=Actor.staff(officer),
        reason="Sin experiencia.",
    )
    message = notice(case)
    assert message.subject == f"Su solicitud: otras formas de ayudar – {case.reference}"
    assert "Sin experiencia." in message.body
    assert "/other-ways-to-help/" in message.body
    assert OutboxMessage.objects.get(case=case, kind="referral").status == "sent"


def test_rejection_in_ukrainian_gives_the_reason(case, officer):
    case = in_language(steps.in_review(case, officer), "uk")
    settle()
    case_transition(
        reference=case.reference,
        action="reject",
        actor=Actor.staff(officer),
        reason="Паспорт недійсний.",
    )
    message = notice(case)
    assert "Рішення щодо вашої заявки" in message.subject
    assert "Паспорт недійсний." in message.body


def test_visa_refusal_gives_the_consuls_reason(case, officer, attache, consul):
    case = steps.visa_pending(case, officer, attache, consul)
    settle()
    visa_refuse(reference=case.reference, actor=Actor.staff(consul), reason="Forged entry stamp.")
    message = notice(case)
    assert message.subject == f"Decision on your visa – {case.reference}"
    assert "refused your visa" in message.body and "Forged entry stamp." in message.body


def test_rejection_after_the_interview_does_not_quote_the_assessments(
    case, officer, attache, consul
):
    steps.scheduled(steps.verified(case, officer), officer)
    steps.sign_military(case, attache, favourable=False)
    settle()
    steps.sign_consular(case, consul)
    case.refresh_from_db()
    assert case.state == S.REJECTED
    message = notice(case)
    assert "After your interview the mission decided it cannot accept" in message.body
    assert "The reason" not in message.body
    assert "unfavourable" not in message.body.lower()


def test_hold_and_release_in_neutral_words_in_japanese(case, officer, security):
    case = in_language(steps.in_review(case, officer), "ja")
    # HQ security reaches a case through a review item (here a possible duplicate).
    DuplicateCandidate.objects.create(case=case, other_case=f.CaseFactory(), score=0.9)
    settle()
    actor = Actor.staff(security)
    case_transition(reference=case.reference, action="hold", actor=actor, reason="Watch-list hit")
    held = notice(case)
    assert "一時停止" in held.subject
    assert "Watch-list" not in held.body and "watch" not in held.body.lower()
    case_transition(reference=case.reference, action="release", actor=actor, reason="Cleared")
    released = notice(case)
    assert "再開" in released.subject and "Cleared" not in released.body


def test_hold_takes_back_travel_instructions_not_yet_sent(case, officer, attache, consul, security):
    steps.instructions_issued(case, officer, attache, consul)
    waiting = OutboxMessage.objects.get(case=case, kind="travel instructions")
    DuplicateCandidate.objects.create(case=case, other_case=f.CaseFactory(), score=0.9)
    assert waiting.status == "pending"
    case_transition(
        reference=case.reference, action="hold", actor=Actor.staff(security), reason="Check"
    )
    waiting.refresh_from_db()
    assert waiting.status == "withdrawn" and waiting.payload == ""
    deliver_outbox()
    subjects = [m.subject for m in mail.outbox]
    assert f"Your application is paused – {case.reference}" in subjects
    assert not [s for s in subjects if "travel instructions" in s]


def test_withdrawal_is_confirmed(case, officer):
    case = steps.in_review(case, officer)
    settle()
    case_transition(reference=case.reference, action="withdraw", actor=Actor.applicant(case.pk))
    message = notice(case)
    assert message.subject == f"Your application is withdrawn – {case.reference}"
    assert "If you did not ask for this" in message.body


def test_travel_instructions_email_carries_the_officers_note(case, officer, attache, consul):
    note = "ポーランド側で大使館の担当者が出迎えます。"
    steps.instructions_issued(case, officer, attache, consul, notes=note)
    mail.outbox.clear()
    deliver_outbox()
    (message,) = [m for m in mail.outbox if "travel instructions" in m.subject]
    assert note in message.body


@pytest.mark.parametrize(
    ("zone", "starts_utc", "shown"),
    [
        # Berlin: summer time (UTC+2) on Saturday 24 October 2026 ...
        ("Europe/Berlin", dt.datetime(2026, 10, 24, 8, 30, tzinfo=dt.UTC), "10:30"),
        # ... and winter time (UTC+1) after the change on Sunday 25 October.
        ("Europe/Berlin", dt.datetime(2026, 10, 26, 8, 30, tzinfo=dt.UTC), "09:30"),
        # Tokyo has no daylight saving: always UTC+9 (finding M1's 09:45 interview).
        ("Asia/Tokyo", dt.datetime(2026, 12, 8, 0, 45, tzinfo=dt.UTC), "09:45"),
    ],
)
def test_interview_invitation_shows_the_time_in_the_missions_zone(zone, starts_utc, shown):
    mission = f.MissionFactory(code="zz", timezone=zone)
    case = set_state(f.CaseFactory(mission=mission), S.INTERVIEW_SCHEDULED)
    slot = f.SlotFactory(mission=mission, starts_at=starts_utc)
    interview = Interview.objects.create(case=case, slot=slot, language="en")
    interview_invitation_queue(interview=interview)
    body = notice(case).body
    time_line = next(line for line in body.splitlines() if line.startswith("Time:"))
    assert time_line.startswith(f"Time: {shown}–") and time_line.endswith(f"({zone})")
