"""Break the glass: HQ security opens a case outside its scope only with a stated reason;
the access is logged, time-limited and shown to the owning mission."""

import datetime as dt

import pytest
from django.utils import timezone

from legion.audit.break_glass import grants_for_mission_staff
from legion.audit.models import AuditEntry, BreakGlassGrant
from legion.audit.services import audit_case_view
from legion.cases.break_glass import break_glass_close, break_glass_open
from legion.cases.policy import CaseNotFound, case_for
from legion.cases.services import CaseError
from legion.cases.states import CaseState
from legion.missions.actors import Actor
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(case):
    """A submitted case (a draft is the applicant's, in nobody's scope but theirs)."""
    return set_state(case, CaseState.SUBMITTED)


REASON = "Possible infiltration: same phone number as a watch-listed person"


def test_security_cannot_open_a_case_outside_its_scope(case, security):
    with pytest.raises(CaseNotFound):
        case_for(Actor.staff(security), case.reference)


def test_breaking_the_glass_needs_a_stated_reason(case, security):
    for reason in ("", "   ", "just looking"):
        with pytest.raises(CaseError) as exc:
            break_glass_open(actor=Actor.staff(security), reference=case.reference, reason=reason)
        assert exc.value.code == "reason_required"
    assert not BreakGlassGrant.objects.exists()


@pytest.mark.parametrize("who", ["analyst", "outsider", "admin_user", "officer"])
def test_only_hq_security_can_break_the_glass(case, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(CaseError) as exc:
        break_glass_open(actor=Actor.staff(user), reference=case.reference, reason=REASON)
    assert exc.value.code == "forbidden"


def test_broken_glass_opens_the_case_and_is_logged(case, security):
    grant = break_glass_open(actor=Actor.staff(security), reference=case.reference, reason=REASON)
    seen = case_for(Actor.staff(security), case.reference)
    assert seen.pk == case.pk
    audit_case_view(actor=Actor.staff(security), case=seen)
    logged = AuditEntry.objects.filter(case_id=case.pk, actor_id=security.pk)
    assert logged.filter(action="case.note", data__action="break_glass").exists()
    assert logged.get(action="case.view").data["break_glass"] == grant.pk


def test_broken_glass_is_shown_to_the_owning_mission(case, security, officer, outsider):
    break_glass_open(actor=Actor.staff(security), reference=case.reference, reason=REASON)
    # In the case's history, which the mission's staff read ...
    history = case_for(Actor.staff(officer), case.reference).events.get(action="break_glass")
    assert (history.actor_label, history.reason) == ("security", REASON)
    # ... and in the mission's list of break-the-glass accesses, not in other missions'.
    assert [g.case_id for g in grants_for_mission_staff(Actor.staff(officer))] == [case.pk]
    assert not grants_for_mission_staff(Actor.staff(outsider)).exists()


def test_broken_glass_expires(case, security, settings):
    settings.LEGION_BREAK_GLASS_MINUTES = 30
    grant = break_glass_open(actor=Actor.staff(security), reference=case.reference, reason=REASON)
    assert grant.expires_at - grant.created_at <= dt.timedelta(minutes=30, seconds=1)
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(CaseNotFound):
        case_for(Actor.staff(security), case.reference)


def test_closing_the_glass_ends_access(case, security):
    grant = break_glass_open(actor=Actor.staff(security), reference=case.reference, reason=REASON)
    break_glass_close(actor=Actor.staff(security), grant_id=grant.pk)
    with pytest.raises(CaseNotFound):
        case_for(Actor.staff(security), case.reference)


def test_unknown_reference_is_not_found(db, security):
    with pytest.raises(CaseError) as exc:
        break_glass_open(actor=Actor.staff(security), reference="LGN-0000-0000", reason=REASON)
    assert exc.value.code == "not_found"


def test_security_breaks_the_glass_in_the_workspace_and_the_mission_sees_it(
    case, security, officer, outsider
):
    from django.urls import reverse

    from legion.testing.auth import StaffClient
    from legion.workspace.tests import steps

    steps.submitted(case)
    browser = StaffClient()
    browser.force_login(security)
    refused = browser.post(
        reverse("audit:break_glass"), {"reference": case.reference, "reason": "x"}
    )
    assert refused.status_code == 200 and not BreakGlassGrant.objects.exists()
    opened = browser.post(
        reverse("audit:break_glass"), {"reference": case.reference, "reason": REASON}
    )
    assert opened["Location"] == reverse("workspace:case", args=[case.reference])
    assert browser.get(opened["Location"]).status_code == 200
    mission = StaffClient()
    mission.force_login(officer)
    log = mission.get(reverse("audit:break_glass_log"))
    assert REASON in log.text and case.reference in log.text
    elsewhere = StaffClient()
    elsewhere.force_login(outsider)
    assert case.reference not in elsewhere.get(reverse("audit:break_glass_log")).text
    other = StaffClient()
    other.force_login(officer)
    assert other.get(reverse("audit:break_glass")).status_code == 403
