"""The dashboard page and its CSV files: who sees what, filters, errors."""

import datetime as dt

import pytest

from legion.audit.models import AuditEntry
from legion.dashboard.models import CaseCount, StageTime

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def counted(london, ottawa):
    for mission, nationality, state, n in (
        (london, "GB", "submitted", 40),
        (london, "GB", "in_review", 12),
        (london, "JP", "submitted", 2),  # a small group
        (ottawa, "CA", "submitted", 9),
        (ottawa, "CA", "rejected", 3),  # a small group
    ):
        CaseCount.objects.create(
            submitted_on=DAY,
            mission=mission,
            nationality=nationality,
            state=state,
            outcome="reject" if state == "rejected" else "",
            n=n,
        )
    StageTime.objects.create(
        submitted_on=DAY, mission=london, nationality="GB", stage="submitted", bucket=4, n=12
    )


def _get(client, user, query="date_from=2026-03-01&date_to=2026-03-07"):
    client.force_login(user)
    return client.get(f"/staff/statistics/?{query}")


def test_analyst_sees_every_mission_without_small_groups(client, analyst, counted):
    response = _get(client, analyst)
    assert response.status_code == 200
    s = response.context["s"]
    assert s.total.value == 61 and s.total.incomplete
    by_mission = {f.key: (f.value, f.incomplete) for f in s.by_mission}
    assert by_mission == {"lon": (52, True), "ott": (9, True)}
    assert {f.key for f in s.by_nationality if f.value} == {"GB", "CA"}
    page = response.content.decode()
    assert 'data-value="61+"' in page
    assert "<svg" in page and 'data-chart="per_day"' in page


def test_the_mission_filter_does_not_show_a_hidden_group(client, analyst, counted):
    """The old dashboard showed a suppressed cell outright once filtered to its mission."""
    s = _get(client, analyst, "date_from=2026-03-01&date_to=2026-03-07&mission=ott").context["s"]
    rejected = next(f for f in s.by_state if f.key == "rejected")
    assert (rejected.value, rejected.incomplete) == (0, True)
    assert s.total.value == 9


def test_consul_sees_exact_figures_of_own_mission_only(client, consul, counted):
    response = _get(client, consul)
    s = response.context["s"]
    assert s.total.value == 54 and not s.total.incomplete
    assert response.context["exact"]
    assert [m.code for m in response.context["form"].scope.missions] == ["lon"]
    # Another mission is not a choice: refused, nothing shown.
    refused = _get(client, consul, "mission=ott")
    assert refused.status_code == 400
    assert "s" not in refused.context


def test_bad_dates_are_refused_with_a_message(client, analyst, counted):
    response = _get(client, analyst, "date_from=2026-03-09&date_to=2026-03-01")
    assert response.status_code == 400
    assert "The start date is after the end date." in response.content.decode()
    response = _get(client, analyst, "date_from=yesterday")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_csv_holds_published_figures_and_is_audited(client, analyst, counted):
    client.force_login(analyst)
    client.reauthenticate()
    response = client.get("/staff/statistics/mission.csv?date_from=2026-03-01&date_to=2026-03-07")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "chart,key,label,value,incomplete"
    assert "mission,ott,Embassy of Ukraine in Ottawa,9,yes" in lines
    entry = AuditEntry.objects.get(action="export")
    assert entry.data["what"] == "statistics:mission"
    assert client.get("/staff/statistics/nonsense.csv").status_code == 404


def test_staff_without_roles_get_no_dashboard(client, db):
    from legion.testing import factories as f

    client.force_login(f.UserFactory())
    assert client.get("/staff/statistics/").status_code == 403
