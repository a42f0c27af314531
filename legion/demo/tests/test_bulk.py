"""`legion demo` in production, and the bulk path for benchmark volumes."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

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
