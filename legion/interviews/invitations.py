"""Interview invitations and cancellation notices for applicants, each with an .ics
calendar file (METHOD:REQUEST, then METHOD:CANCEL with the same UID so calendar apps
remove the entry), in the language of the case.

`interview_book` and `interview_cancel` put them in the outbox in their transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from legion.cases.languages import language_name
from legion.cases.notifications import applicant_email_queue
from legion.interviews.models import Interview

INVITATION_TEMPLATE = "interviews/email/invitation"
CANCELLATION_TEMPLATE = "interviews/email/cancellation"
ICS_FILENAME = "interview.ics"


def interview_uid(interview: Interview) -> str:
    """Stable identifier of the calendar entry: the cancellation must carry the same."""
    host = urlsplit(settings.SITE_URL).hostname or "legion.invalid"
    return f"interview-{interview.pk}@{host}"


def interview_ics(interview: Interview, *, cancelled: bool = False) -> bytes:
    """The calendar file of the interview, in the case's language."""
    case = interview.case
    slot = interview.slot
    mission = case.mission
    with translation.override(case.language):
        summary = _("Interview at %(mission)s") % {"mission": mission.name}
        if cancelled:
            summary = _("Cancelled: %(summary)s") % {"summary": summary}
        description = "\n".join(
            [
                _("Reference: %(reference)s") % {"reference": case.reference},
                _("Interview language: %(language)s")
                % {"language": language_name(interview.language)},
                _("Bring your passport and the originals of the documents you uploaded."),
            ]
        )
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Legion//Interview invitations//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", interview_uid(interview))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", slot.starts_at.astimezone(dt.UTC))
    event.add("dtend", slot.ends_at.astimezone(dt.UTC))
    event.add("summary", summary)
    event.add("location", _place(interview))
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", 1 if cancelled else 0)
    if mission.email:
        event.add("organizer", f"mailto:{mission.email}", parameters={"CN": mission.name})
    if case.applicant.email:
        event.add(
            "attendee",
            f"mailto:{case.applicant.email}",
            parameters={"CN": case.applicant.full_name, "ROLE": "REQ-PARTICIPANT"},
        )
    if not cancelled:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", dt.timedelta(days=-1))
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()


def _place(interview: Interview) -> str:
    """Room and the mission's address on one line."""
    address = [line.strip() for line in interview.case.mission.address.splitlines()]
    return ", ".join(part for part in (interview.slot.location, *address) if part)


def _context(interview: Interview) -> dict[str, Any]:
    zone = ZoneInfo(interview.case.mission.timezone)
    return {
        "interview": interview,
        "slot": interview.slot,
        "starts_at": interview.slot.starts_at.astimezone(zone),
        "ends_at": interview.slot.ends_at.astimezone(zone),
        "time_zone": interview.case.mission.timezone,
        "place": _place(interview),
        "interview_language": language_name(interview.language),
    }


def interview_invitation_queue(*, interview: Interview) -> None:
    """Put the invitation with its .ics file in the outbox (the booking's transaction)."""
    with translation.override(interview.case.language):
        context = _context(interview)
    applicant_email_queue(
        case=interview.case,
        template=INVITATION_TEMPLATE,
        kind="interview invitation",
        context=context,
        attachments=[(ICS_FILENAME, interview_ics(interview), "text/calendar")],
    )


def interview_cancellation_queue(*, interview: Interview) -> None:
    """Put the cancellation, with an .ics that removes the entry, in the outbox."""
    with translation.override(interview.case.language):
        context = _context(interview)
    applicant_email_queue(
        case=interview.case,
        template=CANCELLATION_TEMPLATE,
        kind="interview cancellation",
        context=context,
        attachments=[(ICS_FILENAME, interview_ics(interview, cancelled=True), "text/calendar")],
    )
