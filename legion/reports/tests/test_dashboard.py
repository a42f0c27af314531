"""The statistics dashboard: HQ sees all missions, mission staff their own, nobody a person."""

import pytest
from django.urls import reverse
from django.utils import timezone

from legion.audit.models import AuditEntry
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def applications(london, ottawa):
    cases = []
    for mission, count in ((london, 6), (ottawa, 2)):
        for _ in range(count):
            case = set_state(
                f.CaseFactory(mission=mission, applicant__surname="Hollingsworth"), "submitted"
            )
            type(case).objects.filter(pk=case.pk).update(submitted_at=timezone.now())
            cases.append(case)
    return cases


def test_analyst_sees_all_missions_and_no_personal_data(client, analyst, applications):
    client.force_login(analyst)
    page = client.get("/staff/reports/").content.decode()
    assert "all missions" in page
    assert "Embassy of Ukraine in London" in page and "Embassy of Ukraine in Ottawa" in page
    assert "Hollingsworth" not in page
    assert applications[0].reference not in page
    assert "&lt;5" in page  # Ottawa's two applications are suppressed


def test_mission_staff_see_only_their_mission(client, outsider, applications):
    client.force_login(outsider)
    response = client.get("/staff/reports/?mission=lon")
    page = response.content.decode()
    assert response.context["chosen"].code == "ott"
    assert "Embassy of Ukraine in London" not in page


def test_export_needs_recent_reauthentication(client, analyst, applications):
    client.force_login(analyst)
    response = client.get("/staff/reports/export.csv")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth"))
    assert not AuditEntry.objects.filter(action="export").exists()


def test_export_is_aggregate_and_audited(client, analyst, applications):
    client.force_login(analyst)
    client.reauthenticate()
    response = client.get("/staff/reports/export.csv?mission=lon")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "state,submitted,Submitted,6" in body
    assert "Hollingsworth" not in body
    entry = AuditEntry.objects.get(action="export")
    assert entry.data["what"] == "statistics" and entry.data["filters"] == {"mission": "lon"}


def test_user_without_role_is_refused(client, db):
    client.force_login(f.UserFactory(username="nobody"))
    assert client.get("/staff/reports/").status_code == 403
