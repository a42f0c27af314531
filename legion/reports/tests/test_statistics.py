"""HQ statistics are aggregates only, small counts are suppressed, waits come from events."""

import datetime as dt

import pytest
from django.utils import timezone

from legion.cases.models import CaseEvent
from legion.reports.services import (
    SMALL_COUNT,
    stats_by_mission,
    stats_by_nationality,
    stats_by_state,
    stats_per_day,
    waiting_times,
)
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


def submitted_case(mission, nationality="US", state="submitted"):
    case = f.CaseFactory(mission=mission, applicant__nationality=nationality)
    case = set_state(case, state)
    type(case).objects.filter(pk=case.pk).update(submitted_at=timezone.now())
    return case


def test_drafts_are_not_counted_as_applications(london):
    f.CaseFactory(mission=london)
    submitted_case(london)
    by_state = {t.key: t.value for t in stats_by_state()}
    assert "draft" not in by_state
    assert by_state["submitted"] == 1


def test_small_counts_are_suppressed(london, ottawa):
    for _ in range(SMALL_COUNT):
        submitted_case(london)
    submitted_case(ottawa)
    by_mission = {t.key: t for t in stats_by_mission()}
    assert by_mission["lon"].shown == str(SMALL_COUNT)
    assert by_mission["ott"].shown == f"<{SMALL_COUNT}"


def test_nationality_tail_is_summed_into_other(london):
    for code in ("US", "US", "GB", "DE", "NO"):
        submitted_case(london, nationality=code)
    rows = stats_by_nationality(top=2)
    assert [r.key for r in rows] == ["US", "DE", "other"]
    assert rows[-1].value == 2


def test_per_day_fills_days_without_applications(london):
    submitted_case(london)
    days = stats_per_day(days=7)
    assert len(days) == 7
    assert days[-1].value == 1 and sum(d.value for d in days) == 1


def _event(case, from_state, to_state, at):
    event = CaseEvent.objects.create(
        case=case,
        kind="transition",
        action="x",
        from_state=from_state,
        to_state=to_state,
        actor_label="test",
    )
    CaseEvent.objects.filter(pk=event.pk).update(created_at=at)


def test_waiting_time_is_the_median_of_the_mission_cases(london, ottawa):
    start = timezone.now() - dt.timedelta(days=20)
    for hours in (10, 20, 30, 40, 50):
        case = f.CaseFactory(mission=london)
        _event(case, "draft", "submitted", start)
        _event(case, "submitted", "in_review", start + dt.timedelta(hours=hours))
    other = f.CaseFactory(mission=ottawa)
    _event(other, "draft", "submitted", start)
    _event(other, "submitted", "in_review", start + dt.timedelta(hours=1000))
    waits = {(w.from_state, w.to_state): w for w in waiting_times(mission_id=london.pk)}
    review = waits[("submitted", "in_review")]
    assert review.median == dt.timedelta(hours=30)
    assert review.sample == 5


def test_too_few_cases_give_no_waiting_time(london):
    start = timezone.now() - dt.timedelta(days=2)
    case = f.CaseFactory(mission=london)
    _event(case, "draft", "submitted", start)
    _event(case, "submitted", "in_review", start + dt.timedelta(hours=3))
    waits = {(w.from_state, w.to_state): w for w in waiting_times(mission_id=london.pk)}
    assert waits[("submitted", "in_review")].median is None


def test_counts_on_the_page_carry_the_languages_separators_but_exports_stay_plain():
    from django.utils import translation

    from legion.reports.services import Tally

    big, small = Tally("x", "X", 12345), Tally("y", "Y", SMALL_COUNT - 1)
    with translation.override("de"):
        assert (big.shown_on_page, big.shown) == ("12.345", "12345")
        assert small.shown_on_page == small.shown == f"<{SMALL_COUNT}"
    with translation.override("fr"):
        assert big.shown_on_page == "12\xa0345"
