"""`legion demo` in production, and the bulk path for benchmark volumes."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from legion.cases.models import Case
from legion.cases.states import CaseState
from legion.demo.bulk import cases_bulk_generate
from legion.demo.setup import demo_configure
from legion.missions.models import Mission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_demo_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        run_demo("--applicants", "0")
    assert not Mission.objects.exists()


def test_bulk_path_follows_the_2022_nationality_mix_with_histories():
    demo_configure()
    assert cases_bulk_generate(count=3000, seed=3, batch_size=700) == 3000
    nationality = Counter(Case.objects.values_list("applicant__nationality", flat=True))
    assert 0.27 < nationality["US"] / 3000 < 0.35
    assert 0.15 < nationality["GB"] / 3000 < 0.21
    assert 0.05 < nationality["DE"] / 3000 < 0.09
    assert len(nationality) > 40
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    arrived = Case.objects.filter(state=CaseState.ARRIVED).first()
    assert list(arrived.events.values_list("to_state", flat=True))[-1] == CaseState.ARRIVED
    assert Case.objects.values("reference").distinct().count() == 3000


def test_bulk_cases_carry_documents_interviews_visas_and_events_as_their_state_implies():
    from legion.advisories.models import Acknowledgement
    from legion.cases.models import CaseEvent, Document, TravelInstructions, VisaDecision
    from legion.interviews.models import Assessment, Interview

    demo_configure()
    count = 1500
    cases_bulk_generate(count=count, seed=5, batch_size=400)
    cases = Case.objects.exclude(state=CaseState.DRAFT)
    # Three or four documents per submitted case; all verified once an interview was set.
    per_case = Document.objects.count() / count
    assert 3.0 < per_case < 4.0
    scheduled = Case.objects.filter(state=CaseState.INTERVIEW_SCHEDULED).first()
    assert set(scheduled.documents.values_list("status", flat=True)) == {"verified"}
    assert scheduled.interviews.get().status == Interview.Status.BOOKED
    # Everyone past the interview had one, held, with both assessments signed.
    arrived = Case.objects.filter(state=CaseState.ARRIVED)
    assert Interview.objects.filter(case__in=arrived, status="held").count() == arrived.count()
    assert Assessment.objects.filter(interview__case__in=arrived).count() == 2 * arrived.count()
    # Visas for every case past visa_pending, instructions for those past visa_issued.
    issued = Case.objects.filter(
        state__in=[CaseState.VISA_ISSUED, CaseState.INSTRUCTIONS_ISSUED, CaseState.ARRIVED]
    )
    assert VisaDecision.objects.filter(case__in=issued, decision="issued").count() == issued.count()
    assert TravelInstructions.objects.filter(case__state=CaseState.VISA_ISSUED).count() == 0
    assert VisaDecision.objects.filter(decision="refused", case__state="rejected").exists()
    assert Acknowledgement.objects.filter(case__in=cases).count() >= cases.count()
    # The history: uploads, reviews, transitions in time order, ending in the state.
    events = list(arrived.first().events.order_by("created_at", "id"))
    assert events[-1].to_state == CaseState.ARRIVED
    assert {"upload", "verify", "sign_military_assessment"} <= {e.action for e in events}
    assert [e.created_at for e in events] == sorted(e.created_at for e in events)
    assert CaseEvent.objects.count() / count > 7


def test_bulk_passport_numbers_are_sealed_and_found_by_their_blind_index():
    from legion.cases.models import Applicant
    from legion.crypto import identity_number_index

    demo_configure()
    cases_bulk_generate(count=50, seed=6)
    applicant = Applicant.objects.order_by("id").last()
    number = applicant.passport_number
    assert number and applicant.passport_number_index == identity_number_index(number, "passport")
    found = Applicant.objects.get(passport_number_index=identity_number_index(number, "passport"))
    assert found == applicant
    with connection.cursor() as cursor:
        cursor.execute("SELECT passport_number FROM cases_applicant WHERE id = %s", [applicant.pk])
        stored = bytes(cursor.fetchone()[0])
    assert stored.startswith(b"LG1") and number.encode() not in stored


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="parallel fills are for PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_parallel_fill_writes_each_case_once_with_its_own_ids_and_references():
    from legion.cases.models import CaseEvent, Document
    from legion.testing import factories as f

    demo_configure()
    done = []
    count = cases_bulk_generate(
        count=900, seed=8, batch_size=200, processes=2, progress=lambda n, _: done.append(n)
    )
    assert count == 900 == Case.objects.count()
    assert done[-1] == 900
    assert Case.objects.values("reference").distinct().count() == 900
    assert Case.objects.values("applicant").distinct().count() == 900
    # Both processes wrote whole cases: every submitted case has its documents and events.
    submitted = Case.objects.exclude(state=CaseState.DRAFT)
    assert not submitted.filter(documents__isnull=True).exists()
    assert not submitted.filter(events__isnull=True).exists()
    assert Document.objects.values("case").distinct().count() >= submitted.count()
    assert CaseEvent.objects.count() > 7 * 900
    # The sequences were moved past the ids written: the ORM can add a case after them.
    highest = max(Case.objects.values_list("pk", flat=True))
    assert f.CaseFactory(mission=Mission.objects.first()).pk > highest
