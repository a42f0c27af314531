"""Form posts from our own pages pass CSRF although Referrer-Policy is no-referrer."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def csrf_client():
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")
    return client, client.cookies["csrftoken"].value


def post_login(client, token, **headers):
    return client.post(
        "/admin/login/",
        {"csrfmiddlewaretoken": token, "username": "x", "password": "y"},
        headers=headers,
    )


def test_same_origin_post_with_null_origin_passes_csrf():
    client, token = csrf_client()
    response = post_login(client, token, origin="null", sec_fetch_site="same-origin")
    assert response.status_code == 200  # the login form again, not 403


def test_cross_site_post_with_null_origin_is_still_refused():
    client, token = csrf_client()
    response = post_login(client, token, origin="null", sec_fetch_site="cross-site")
    assert response.status_code == 403


def test_null_origin_without_fetch_metadata_is_refused():
    client, token = csrf_client()
    assert post_login(client, token, origin="null").status_code == 403
