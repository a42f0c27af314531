"""The old statistics addresses lead to the dashboard (legion.dashboard)."""

import pytest

pytestmark = pytest.mark.django_db


def test_old_statistics_page_redirects_to_the_dashboard(client, analyst):
    client.force_login(analyst)
    response = client.get("/staff/reports/?mission=lon")
    assert response.status_code == 302
    assert response["Location"] == "/staff/statistics/?mission=lon"


def test_old_export_redirects_to_the_dashboard_csv(client, analyst):
    client.force_login(analyst)
    response = client.get("/staff/reports/export.csv")
    assert response["Location"] == "/staff/statistics/all.csv"
