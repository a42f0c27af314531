"""`legion case list|show|transition --as USER`: thin over the services; refusals exit 2."""

import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from legion.cases.models import Case, CaseEvent
from legion.cases.states import CaseState as S
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("case", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_officer_takes_a_transition_from_the_command_line(case, officer):
    set_state(case, S.SUBMITTED)
    out = run("transition", case.reference, "start_review", "--as", "officer")
    assert f"{case.reference} is now in_review" in out
    event = CaseEvent.objects.get(case=case, action="start_review")
    assert (event.actor, event.from_state, event.to_state) == (officer, S.SUBMITTED, S.IN_REVIEW)


def test_refused_transition_exits_2_with_the_refusal_message(case, consul):
    set_state(case, S.SUBMITTED)
    with pytest.raises(CommandError) as exc:
        run("transition", case.reference, "start_review", "--as", "consul")
    assert exc.value.returncode == 2
    assert "Your role does not allow" in str(exc.value)
    assert Case.objects.get(pk=case.pk).state == S.SUBMITTED


def test_reject_without_reason_exits_2(case, officer):
    set_state(case, S.IN_REVIEW)
    with pytest.raises(CommandError) as exc:
        run("transition", case.reference, "reject", "--as", "officer")
    assert exc.value.returncode == 2
    assert "reason" in str(exc.value)
    run("transition", case.reference, "reject", "--as", "officer", "--reason", "Forged papers")
    assert Case.objects.get(pk=case.pk).state == S.REJECTED


def test_the_legion_command_exits_with_status_2_on_refusal(case, officer, capsys):
    set_state(case, S.SUBMITTED)
    argv = ["legion", "case", "transition", case.reference, "arrive", "--as", "officer"]
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(argv).execute()
    assert exc.value.code == 2
    assert "Unknown action" in capsys.readouterr().err


def test_case_of_another_mission_is_not_found(case, outsider):
    set_state(case, S.SUBMITTED)
    for args in (("show", case.reference), ("transition", case.reference, "start_review")):
        with pytest.raises(CommandError) as exc:
            run(*args, "--as", "outsider")
        assert exc.value.returncode == 1
        assert f"No such case: {case.reference}" in str(exc.value)


def test_unknown_user_is_refused_clearly(case):
    with pytest.raises(CommandError) as exc:
        run("list", "--as", "nobody")
    assert exc.value.returncode == 1
    assert "No active staff user named 'nobody'" in str(exc.value)


def test_show_prints_history_and_the_actions_this_role_allows(case, officer):
    set_state(case, S.SUBMITTED)
    run("transition", case.reference, "start_review", "--as", "officer")
    out = run("show", case.reference, "--as", "officer")
    assert "In review (in_review)" in out
    assert "start_review" in out and "submitted → in_review  by officer" in out
    assert "reject" in out and "[reason required]" in out
    assert "Schedule interview" in out and "blocked:" in out  # documents not verified yet
    assert "record_arrival" not in out


def test_list_shows_only_cases_in_scope_filtered_by_state(case, officer, ottawa):
    from legion.testing import factories as f

    set_state(case, S.SUBMITTED)
    draft = f.CaseFactory(mission=case.mission)  # the applicant's until sent: not listed
    elsewhere = set_state(f.CaseFactory(mission=ottawa), S.SUBMITTED)
    out = run("list", "--as", "officer", "--state", "submitted")
    assert case.reference in out
    assert elsewhere.reference not in out
    assert "1 of 1 cases" in out
    everything = run("list", "--as", "officer")
    assert "1 of 1 cases" in everything and draft.reference not in everything
