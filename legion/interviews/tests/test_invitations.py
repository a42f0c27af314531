"""Interview invitations with an .ics file, and cancellation notices that remove it."""

from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import transaction

from legion.interviews.invitations import interview_uid
from legion.interviews.services import interview_cancel
from legion.missions.actors import Actor
from legion.testing import factories as f
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db


def event_of(ics: bytes):
    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def slot(london):
    london.address = "60 Holland Park\nLondon W11 3SJ"
    london.email = "consular@ukr-embassy.example"
    london.save()
    return f.SlotFactory(mission=london, location="Interview room 2")


def test_booking_sends_an_invitation_with_a_calendar_file_after_commit(
    case, officer, slot, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        interview = steps.scheduled(case, officer, slot=slot)
    (message,) = mailoutbox
    assert message.to == [case.applicant.email]
    assert case.reference in message.subject
    assert "Interview room 2, 60 Holland Park, London W11 3SJ" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("interview.ics", "text/calendar")
    calendar, event = event_of(content if isinstance(content, bytes) else content.encode())
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == interview_uid(interview)
    # Calendar files carry whole seconds.
    assert event["DTSTART"].dt == slot.starts_at.replace(microsecond=0)
    assert event["DTEND"].dt == slot.ends_at.replace(microsecond=0)
    assert str(event["SUMMARY"]) == "Interview at Embassy of Ukraine in London"
    assert "Interview room 2, 60 Holland Park" in str(event["LOCATION"])
    assert case.reference in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == "mailto:consular@ukr-embassy.example"
    assert str(event["ATTENDEE"]) == f"mailto:{case.applicant.email}"
    assert event.walk("VALARM")


def test_no_invitation_when_the_booking_is_rolled_back(case, officer, slot, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        steps.scheduled(case, officer, slot=slot)
        raise RuntimeError("crash after booking")
    assert mailoutbox == []
    assert not case.interviews.exists()


def test_cancellation_notice_removes_the_calendar_entry(
    case, officer, slot, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        interview = steps.scheduled(case, officer, slot=slot)
    with django_capture_on_commit_callbacks(execute=True):
        interview_cancel(
            reference=case.reference, actor=Actor.applicant(case.pk), reason="Flight changed"
        )
    _invitation, notice = mailoutbox
    assert "cancelled" in notice.subject
    calendar, event = event_of(notice.attachments[0][1])
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == interview_uid(interview)
    assert event["SEQUENCE"] == 1


def test_invitation_is_written_in_the_case_language(
    case, officer, slot, mailoutbox, django_capture_on_commit_callbacks
):
    case.language = "es"
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        steps.scheduled(case, officer, slot=slot)
    (message,) = mailoutbox
    local = slot.starts_at.astimezone(ZoneInfo(slot.mission.timezone))
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre"]  # fmt: skip
    assert f"{local.day} de {months[local.month - 1]} de {local.year}" in message.body
    assert "español" in message.body.lower()


def test_a_booking_cancelled_before_delivery_sends_invitation_then_cancellation(
    case, officer, slot, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        steps.scheduled(case, officer, slot=slot)
        interview_cancel(reference=case.reference, actor=Actor.staff(officer), reason="Mistake")
    invitation, cancellation = mailoutbox
    # Same calendar UID: the cancellation removes the entry the invitation made.
    assert b"METHOD:REQUEST" in invitation.attachments[0][1].encode()
    assert b"METHOD:CANCEL" in cancellation.attachments[0][1].encode()
