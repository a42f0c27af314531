"""The statistics follow the case events and agree with a full recount."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from legion.cases.services import case_submit, case_transition
from legion.dashboard.figures import (
    Contribution,
    contribution_of,
    counters_stored,
    figures_check,
    figures_rebuild,
    stage_bucket,
)
from legion.dashboard.models import CaseCount, CaseFigures, HoldCount, StageTime
from legion.dashboard.tests.conftest import Walker, ready_draft
from legion.missions.actors import Actor


def test_incremental_figures_equal_full_recount_after_random_transitions(walker_setup, clock):
    rng, cases, officers, security, missions = walker_setup
    walker = Walker(rng=rng, officers=officers, security=security, missions=missions, clock=clock)
    taken = [walker.step(rng.choice(cases)) for _ in range(160)]
    # The walk went through every kind of change the counters must follow.
    for action in ("submit", "start_review", "transfer", "hold", "release", "reject", "withdraw"):
        assert action in taken, action
    result = figures_check()
    assert result.differences == {}
    assert result.cells > 20
    assert StageTime.objects.values("bucket").distinct().count() > 3
    assert HoldCount.objects.filter(source="screening").exists()
    assert HoldCount.objects.filter(source="security").exists()


def test_a_transition_moves_one_case_between_cells(case, officer, london):
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    assert CaseCount.objects.get(state="submitted").n == 1
    case_transition(reference=case.reference, action="start_review", actor=Actor.staff(officer))
    counts = dict(CaseCount.objects.values_list("state", "n"))
    assert counts == {"submitted": 0, "in_review": 1}
    figures = CaseFigures.objects.get(pk=case.pk)
    assert figures.state == "in_review"
    assert figures.stage_times == [["submitted", 0]]
    case_transition(
        reference=case.reference, action="reject", actor=Actor.staff(officer), reason="No proof"
    )
    assert CaseCount.objects.get(state="rejected").outcome == "reject"


def test_drafts_are_not_counted(case):
    assert not CaseCount.objects.exists()
    assert not CaseFigures.objects.exists()


def test_rebuild_repairs_counters_changed_behind_the_services(walker_setup, clock):
    rng, cases, officers, security, missions = walker_setup
    walker = Walker(rng=rng, officers=officers, security=security, missions=missions, clock=clock)
    for _ in range(60):
        walker.step(rng.choice(cases))
    before = counters_stored()
    CaseCount.objects.filter(n__gt=0).update(n=99)  # as if loaded by a bulk copy
    assert figures_check().differences
    figures_rebuild()
    assert figures_check().differences == {}
    assert counters_stored() == before


def test_recount_command_checks_and_rebuilds(case, capsys):
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    call_command("statistics", "recount", "--check")
    assert "agree" in capsys.readouterr().out
    CaseCount.objects.update(n=7)
    with pytest.raises(SystemExit) as exit_:
        call_command("statistics", "recount", "--check")
    assert exit_.value.code == 1
    assert "differ" in capsys.readouterr().err
    call_command("statistics", "recount")
    assert CaseCount.objects.get(state="submitted").n == 1


def test_stage_buckets_are_ordered():
    hours = [0, 0.5, 1, 5, 23, 24, 100, 3000]
    buckets = [stage_bucket(dt.timedelta(hours=h)) for h in hours]
    assert buckets == sorted(buckets)
    assert buckets[0] == 0 and buckets[-1] == 16


def test_contribution_of_a_draft_is_none():
    assert (
        contribution_of({"submitted_at": None, "state": "draft", "mission_id": 1}, [], []) is None
    )


def test_hold_by_the_system_counts_as_a_screening_hit():
    at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    events = [
        ("submit", "draft", "submitted", at, None, "applicant"),
        ("hold", "submitted", "on_hold", at + dt.timedelta(hours=2), None, "system"),
    ]
    row = {
        "pk": 1,
        "submitted_at": at,
        "state": "on_hold",
        "mission_id": 3,
        "applicant__nationality": "US",
    }
    contribution = contribution_of(row, events, [("military", "infantry")])
    assert contribution == Contribution(
        mission_id=3,
        nationality="US",
        submitted_on=dt.date(2026, 3, 1),
        state="on_hold",
        outcome="",
        stage_entered_at=at + dt.timedelta(hours=2),
        stage_times=(("submitted", 1),),
        holds=("screening",),
        services=(("military", "Infantry"),),
    )


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_lose_no_count_and_never_deadlock(
    london, ottawa, officer, outsider, security, risk_notice
):
    """Four connections move cases of the same cells at once, in opposite directions."""
    cases = [ready_draft(london, "GB") for _ in range(24)]
    for c in cases:
        case_submit(reference=c.reference, actor=Actor.applicant(c.pk))
    for c in cases[:12]:
        case_transition(reference=c.reference, action="start_review", actor=Actor.staff(officer))
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def work(group, action, actor_user) -> None:
        try:
            barrier.wait(timeout=10)
            for c in group:
                case_transition(
                    reference=c.reference,
                    action=action,
                    actor=Actor.staff(actor_user),
                    reason="Reason",
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        # in_review -> rejected and submitted -> in_review touch the same in_review cell.
        threading.Thread(target=work, args=(cases[0:6], "reject", officer)),
        threading.Thread(target=work, args=(cases[12:18], "start_review", officer)),
        # submitted -> on_hold and in_review -> on_hold share the on_hold cell.
        threading.Thread(target=work, args=(cases[18:24], "hold", security)),
        threading.Thread(target=work, args=(cases[6:12], "hold", security)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    counts = dict(CaseCount.objects.exclude(n=0).values_list("state", "n"))
    assert counts == {"rejected": 6, "in_review": 6, "on_hold": 12}
    assert figures_check().differences == {}


@pytest.mark.slow
@pytest.mark.django_db
def test_bulk_demo_data_is_counted_by_the_recount_demo_runs():
    """`legion demo --bulk` copies rows around the services; the command recounts."""
    import io

    from legion.cases.models import Case

    out = io.StringIO()
    call_command("demo", "--applicants", "0", "--bulk", "400", "--processes", "1", stdout=out)
    assert "Statistics recounted" in out.getvalue()
    submitted = Case.objects.exclude(submitted_at=None).exclude(state="draft").count()
    assert sum(CaseCount.objects.values_list("n", flat=True)) == submitted > 300
    assert figures_check().differences == {}
    assert CaseFigures.objects.count() == submitted
