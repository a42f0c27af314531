"""Staff log-in, log-out and the home page."""

import pytest
from django.test import Client
from django.urls import reverse

from legion.testing import factories as f
from legion.testing.auth import StaffClient, staff_device, totp_code
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_login_page(london):
    response = Client().get(reverse("workspace:queue", args=["lon"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("workspace:login"))


def test_officer_logs_in_with_password_and_code_and_lands_on_home(officer):
    device = staff_device(officer)
    client = Client()
    page = client.get(reverse("workspace:login"))
    assert b'name="password"' in page.content
    response = client.post(
        reverse("workspace:login"),
        {"username": "officer", "password": "correct horse battery staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:verify"))
    response = client.post(
        reverse("accounts:verify"),
        {"code": totp_code(device), "next": reverse("workspace:home")},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("workspace:home")
    assert "Embassy of Ukraine in London" in response.text
    assert "Consular officer" in response.text


def test_wrong_password_is_refused_with_a_message(officer):
    response = Client().post(
        reverse("workspace:login"), {"username": "officer", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert "_auth_user_id" not in response.wsgi_request.session


def test_logout_is_a_post_and_ends_the_session(client_of, officer):
    client = client_of(officer)
    response = client.post(reverse("workspace:logout"))
    assert response.status_code == 200
    assert client.get(reverse("workspace:home")).status_code == 302


def test_home_shows_roles_and_queue_counts_of_the_users_mission(client_of, officer, case):
    steps.submitted(case)
    f.CaseFactory(mission=case.mission)  # a draft
    page = client_of(officer).get(reverse("workspace:home"))
    assert page.status_code == 200
    assert "Consular officer" in page.text
    # One submitted case; the other is still a draft and not counted.
    assert page.context["summaries"][0].counts == {"submitted": 1, "open": 1, "all": 1}


def test_home_of_an_officer_elsewhere_does_not_count_our_cases(client_of, outsider, case):
    steps.submitted(case)
    page = client_of(outsider).get(reverse("workspace:home"))
    assert "Embassy of Ukraine in Ottawa" in page.text
    assert "London" not in page.text
    assert page.context["summaries"][0].counts["all"] == 0


def test_user_without_any_role_gets_a_clear_refusal(db):
    user = f.UserFactory(username="nobody")
    client = StaffClient()
    client.force_login(user)
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 403
    assert "No staff role" in response.text


def test_administrator_home_links_to_the_administration(client_of, admin_user):
    page = client_of(admin_user).get(reverse("workspace:home"))
    assert page.status_code == 200
    assert reverse("admin:index") in page.text
    assert page.context["summaries"] == []
