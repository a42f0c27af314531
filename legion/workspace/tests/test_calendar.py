"""The interview calendar: a week of slots with bookings; opening and cancelling slots."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from legion.cases.models import Case
from legion.cases.states import CaseState as S
from legion.interviews.models import Interview, InterviewSlot
from legion.testing import factories as f
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def next_monday() -> dt.date:
    today = timezone.now().astimezone(LONDON).date()
    return today + dt.timedelta(days=7 - today.weekday())


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def calendar(client, week: dt.date | None = None):
    params = {"week": week.isoformat()} if week else {}
    return client.get(reverse("workspace:calendar", args=["lon"]), params)


def test_week_view_shows_slots_by_day_with_their_bookings(client_of, officer, case, london):
    monday = next_monday()
    slot = f.SlotFactory(
        mission=london, starts_at=at(monday + dt.timedelta(days=2), 10, 30),
        ends_at=at(monday + dt.timedelta(days=2), 11, 15), location="Room 4",
    )  # fmt: skip
    f.SlotFactory(mission=london, starts_at=at(monday + dt.timedelta(days=9), 9))  # next week
    steps.scheduled(case, officer, slot=slot)
    response = calendar(client_of(officer), monday)
    days = response.context["days"]
    assert [len(d.slots) for d in days] == [0, 0, 1, 0, 0, 0, 0]
    assert "10:30–11:15" in response.text  # local time, not UTC
    assert case.reference in response.text
    assert "1/1 booked" in response.text


def test_calendar_of_another_mission_is_404(client_of, outsider, london):
    assert calendar(client_of(outsider)).status_code == 404


def open_slot(client, day, start="09:30", **extra):
    data = {"day": day.isoformat(), "start": start, "minutes": 45, "location": "Room 1",
            "capacity": 2, **extra}  # fmt: skip
    return client.post(reverse("workspace:calendar", args=["lon"]), data, follow=True)


def test_officer_opens_a_slot_in_the_missions_time_zone(client_of, officer, london):
    monday = next_monday()
    response = open_slot(client_of(officer), monday, languages=["en"])
    assert "Slot opened" in response.text
    slot = InterviewSlot.objects.get()
    assert slot.starts_at == at(monday, 9, 30)
    assert slot.ends_at - slot.starts_at == dt.timedelta(minutes=45)
    assert (slot.capacity, slot.location, slot.languages) == (2, "Room 1", ["en"])


def test_overlapping_slot_in_the_same_room_is_refused(client_of, officer, london):
    client = client_of(officer)
    monday = next_monday()
    open_slot(client, monday)
    response = open_slot(client, monday, start="10:00")
    assert response.status_code == 400
    assert "Another slot at Room 1 overlaps this time." in response.text
    assert InterviewSlot.objects.count() == 1


def test_slot_in_the_past_is_refused(client_of, officer, london):
    response = open_slot(client_of(officer), dt.date(2020, 1, 6))
    assert "A new slot must start in the future." in response.text
    assert not InterviewSlot.objects.exists()


def test_attache_cannot_open_slots(client_of, officer, attache, london):
    response = open_slot(client_of(attache), next_monday())
    assert "Only consular officers and the consul" in response.text
    assert not InterviewSlot.objects.exists()


def test_cancelling_a_slot_cancels_its_bookings_and_tells_the_applicant(
    client_of, officer, case, london, mailoutbox, django_capture_on_commit_callbacks
):
    slot = f.SlotFactory(mission=london)
    steps.scheduled(case, officer, slot=slot)
    mailoutbox.clear()
    url = reverse("workspace:slot_cancel", args=["lon", slot.pk])
    client = client_of(officer)
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Please give a reason." in response.text
    assert not InterviewSlot.objects.get(pk=slot.pk).is_cancelled
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Consul recalled"}, follow=True)
    assert "cancelled" in response.text
    assert InterviewSlot.objects.get(pk=slot.pk).is_cancelled
    assert case.interviews.get().status == Interview.Status.CANCELLED
    assert Case.objects.get(pk=case.pk).state == S.IN_REVIEW
    assert len(mailoutbox) == 1 and "cancelled" in mailoutbox[0].subject


def test_slot_of_another_mission_cannot_be_cancelled(client_of, outsider, london, ottawa):
    slot = f.SlotFactory(mission=london)
    response = client_of(outsider).post(
        reverse("workspace:slot_cancel", args=["ott", slot.pk]), {"reason": "x"}, follow=True
    )
    assert "No such slot." in response.text
    assert not InterviewSlot.objects.get(pk=slot.pk).is_cancelled


def test_officer_opens_a_series_of_slots_on_weekdays(client_of, officer, london):
    monday = next_monday()
    response = open_slot(
        client_of(officer),
        monday,
        start="09:00",
        repeat_until=(monday + dt.timedelta(days=6)).isoformat(),
        day_ends="10:30",
    )
    assert "10 slots opened." in response.text  # two a day, Monday to Friday
    starts = sorted(s.starts_at for s in InterviewSlot.objects.all())
    assert starts[:2] == [at(monday, 9), at(monday, 9, 45)]
    assert starts[-1] == at(monday + dt.timedelta(days=4), 9, 45)


def test_series_with_the_end_before_the_start_is_refused(client_of, officer, london):
    response = open_slot(client_of(officer), next_monday(), start="11:00", day_ends="10:00")
    assert response.status_code == 400
    assert "The day must end after it starts." in response.text
    assert not InterviewSlot.objects.exists()


def test_new_slot_form_offers_the_last_room_used(client_of, officer, london):
    f.SlotFactory(mission=london, location="Consular hall, desk 3")
    response = calendar(client_of(officer))
    assert response.context["form"]["location"].value() == "Consular hall, desk 3"
