"""Erasure and retention: personal data and files go, anonymised statistics and the audit
chain stay; a retention policy per final state runs as a scheduled task."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from legion.audit.services import audit_verify
from legion.cases.models import (
    Applicant,
    Case,
    CaseEvent,
    Document,
    TravelInstructions,
    VisaDecision,
)
from legion.cases.services import CaseError
from legion.dataprotection.erasure import ERASURE_PLAN, case_erase, retention_apply
from legion.dataprotection.tasks import retention_run
from legion.dataprotection.tests.test_encryption_at_rest import database_dump, media_dump
from legion.identity.models import DuplicateCandidate
from legion.missions.actors import Actor
from legion.reports.services import stats_by_state
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db

PERSONAL = {
    "given_name": "Gwendolyn",
    "surname": "Featherstonehaugh",
    "native_name": "Ґвендолін",
    "email": "gwen.f@example.org",
    "phone": "+44 7700 900777",
    "address_line_1": "12 Larkspur Close",
    "address_line_2": "Heathside Estate",
    "address_town": "Fleet",
    "address_postcode": "GU11 9ZZ",
    "passport_number": "Q81726354",
    "place_of_birth": "Tidworth",
}


@pytest.fixture
def closed_case(case, officer, london):
    Applicant.objects.filter(pk=case.applicant_id).update(
        **{k: v for k, v in PERSONAL.items() if k != "passport_number"}, address_country="IE"
    )
    applicant = Applicant.objects.get(pk=case.applicant_id)
    applicant.passport_number = PERSONAL["passport_number"]
    applicant.save()
    f.ServiceRecordFactory(case=case, deployments="Helmand 2010 with 3 PARA", licence_number="L-1")
    VisaDecision.objects.create(
        case=case, decision="refused", reason="Gwendolyn lied", decided_by=officer
    )
    TravelInstructions.objects.create(
        case=case,
        entry_point="Krakovets",
        assembly_point="Lviv hall 2",
        report_by=dt.date(2022, 3, 20),
        contacts="call Gwendolyn's handler",
        language="en",
    )
    other = f.CaseFactory(mission=london)
    DuplicateCandidate.objects.create(
        case=case, other_case=other, score=0.93, explanation={"surname": {"a": "Featherstonehaugh"}}
    )
    CaseEvent.objects.create(
        case=case, kind="note", action="note", actor_label="officer", reason="Gwendolyn called"
    )
    closed = set_state(case, "rejected")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    return closed


def test_erasure_removes_personal_data_and_files(
    closed_case, settings, django_capture_on_commit_callbacks
):
    assert media_dump(settings)
    with django_capture_on_commit_callbacks(execute=True):
        case_erase(reference=closed_case.reference, actor=Actor.system(), reason="Request")
    dump = database_dump()
    for value in PERSONAL.values():
        assert value.encode() not in dump, value
    # The country of residence is too short to find in a dump: it is checked by name.
    assert Applicant.objects.get(pk=closed_case.applicant_id).address_country == ""
    for fragment in (b"Helmand", b"Gwendolyn", b"Lviv hall 2"):
        assert fragment not in dump
    assert not Document.objects.filter(case=closed_case).exists()
    assert media_dump(settings) == b""  # the sealed files are gone too


def test_erasure_keeps_anonymised_statistics_and_a_valid_audit_chain(closed_case):
    before = [(t.key, t.value) for t in stats_by_state()]
    case_erase(reference=closed_case.reference, actor=Actor.system(), reason="Applicant's request")
    case = Case.objects.select_related("applicant").get(pk=closed_case.pk)
    assert (case.state, case.mission.code, case.applicant.nationality.code) == (
        "rejected",
        "lon",
        "GB",
    )
    assert case.applicant.erased_at is not None
    assert [(t.key, t.value) for t in stats_by_state()] == before
    assert case.events.filter(action="erase", reason="Applicant's request").exists()
    assert audit_verify().ok


def test_open_cases_are_not_erased(case):
    with pytest.raises(CaseError) as exc:
        case_erase(reference=case.reference, actor=Actor.system(), reason="request")
    assert exc.value.code == "open"
    assert Applicant.objects.get(pk=case.applicant_id).surname == case.applicant.surname


def test_erase_command(closed_case):
    out = io.StringIO()
    call_command("erase", closed_case.reference, "--reason", "Request of 2022-04-01", stdout=out)
    assert "Erased the personal data" in out.getvalue()
    with pytest.raises(CommandError) as again:
        call_command("erase", closed_case.reference, "--reason", "twice")
    assert again.value.returncode == 2
    assert "already been erased" in str(again.value)


def _models_holding_case_data():
    """Every model whose rows hang off a case or applicant, directly or through another."""
    found, todo = set(), [apps.get_model("cases", "Case"), apps.get_model("cases", "Applicant")]
    while todo:
        model = todo.pop()
        for relation in model._meta.related_objects:
            related = relation.related_model
            label = related._meta.label
            if label not in found and related is not model:
                found.add(label)
                todo.append(related)
    return found - {"cases.Case"}


def test_every_model_holding_case_data_is_in_the_erasure_plan():
    missing = _models_holding_case_data() - set(ERASURE_PLAN)
    assert not missing, f"Say in ERASURE_PLAN what erasure does with: {sorted(missing)}"


def old_case(london, state, days):
    case = set_state(f.CaseFactory(mission=london), state)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=days))
    return case


def test_retention_erases_only_cases_past_the_period_of_their_state(london, settings):
    settings.LEGION_RETENTION_DAYS = "rejected=365,withdrawn=90"
    due = [old_case(london, "rejected", 400), old_case(london, "withdrawn", 91)]
    kept = [
        old_case(london, "rejected", 300),
        old_case(london, "arrived", 4000),  # no period for arrived: kept
        old_case(london, "in_review", 4000),  # open
    ]
    assert sorted(retention_apply()) == sorted(c.reference for c in due)
    assert all(Applicant.objects.get(case=c).erased_at for c in due)
    assert not any(Applicant.objects.get(case=c).erased_at for c in kept)
    event = CaseEvent.objects.get(case=due[0], action="erase")
    assert "365 days" in event.reason


def test_retention_runs_as_a_scheduled_task(london, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LEGION_RETENTION_DAYS = "rejected=365"
    case = old_case(london, "rejected", 400)
    call_command("retention", "--schedule", stdout=io.StringIO())
    booked = DBTaskResult.objects.get()
    assert booked.task_path == "legion.dataprotection.tasks.retention_run"
    # What `legion db_worker` does with it (the worker itself closes the test's connection).
    retention_run.call()
    assert Applicant.objects.get(case=case).erased_at is not None
    # It booked its next run, a day later.
    upcoming = DBTaskResult.objects.exclude(pk=booked.pk).get()
    assert upcoming.run_after > timezone.now() + dt.timedelta(hours=23)
