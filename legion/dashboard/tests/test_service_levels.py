"""Service levels: targets per stage and mission, age in stage, due soon and overdue."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from legion.cases.services import case_submit, case_transition
from legion.dashboard.models import CaseFigures, StageTarget
from legion.dashboard.service_levels import (
    DUE_SOON,
    OVERDUE,
    breaches_by_mission,
    case_service_levels,
    stage_targets,
)
from legion.dashboard.tests.conftest import ready_draft
from legion.missions.actors import Actor

pytestmark = pytest.mark.django_db


def aged(case, days: float):
    """Pretend the case entered its stage `days` ago."""
    CaseFigures.objects.filter(pk=case.pk).update(
        stage_entered_at=timezone.now() - dt.timedelta(days=days)
    )


@pytest.fixture
def queue(london, ottawa, officer, risk_notice):
    cases = []
    for days in (0.2, 3.5, 6, 9):
        case = ready_draft(london, "GB")
        case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
        case_transition(reference=case.reference, action="start_review", actor=Actor.staff(officer))
        aged(case, days)
        cases.append(case)
    return cases


def test_mission_target_overrides_the_default(london, ottawa):
    StageTarget.objects.create(stage="in_review", warning_days=Decimal(2), target_days=Decimal(4))
    StageTarget.objects.create(
        mission=london, stage="in_review", warning_days=Decimal(1), target_days=Decimal(2)
    )
    assert stage_targets(mission_id=london.pk)["in_review"].breach == dt.timedelta(days=2)
    assert stage_targets(mission_id=ottawa.pk)["in_review"].breach == dt.timedelta(days=4)


def test_each_case_has_its_age_warning_and_breach(queue, london):
    levels = case_service_levels(case_ids=[c.pk for c in queue], mission_id=london.pk)
    statuses = [levels[c.pk].status for c in queue]
    # In review: warning after 3 days, breach after 5 (the defaults).
    assert statuses == ["", DUE_SOON, OVERDUE, OVERDUE]
    assert round(levels[queue[1].pk].age_days) == 4 or levels[queue[1].pk].age_days > 3


def test_breaches_are_counted_per_mission(queue, london, ottawa):
    assert breaches_by_mission(mission_ids=[london.pk, ottawa.pk]) == {
        london.pk: {OVERDUE: 2, DUE_SOON: 1},
        ottawa.pk: {OVERDUE: 0, DUE_SOON: 0},
    }


def test_queue_offers_due_soon_and_overdue(client, officer, queue):
    client.force_login(officer)
    page = client.get("/staff/m/lon/queue/?due=overdue").content.decode()
    assert queue[3].reference in page and queue[2].reference in page
    assert queue[0].reference not in page and queue[1].reference not in page
    soon = client.get("/staff/m/lon/queue/?due=soon").content.decode()
    assert queue[1].reference in soon and queue[3].reference not in soon
    everything = client.get("/staff/m/lon/queue/").content.decode()
    assert "overdue" in everything and "due soon" in everything
    assert "9 days" in everything
