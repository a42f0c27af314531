"""Error pages look like the portal, speak the applicant's language and offer a way on."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_urls(settings):
    settings.ROOT_URLCONF = "legion.portal.tests.urls"


def spanish_client(**kwargs) -> Client:
    client = Client(**kwargs)
    client.cookies["django_language"] = "es"
    return client


def assert_portal_page(response, status: int, heading: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="es" dir="ltr">' in html
    assert '<a href="#main" class="skip-link">' in html and '<main id="main"' in html
    assert f'<h1 class="heading-xl">{heading}</h1>' in html
    assert '<a href="/">Ir a la página de inicio</a>' in html
    return html


def test_page_not_found_in_the_applicants_language():
    response = spanish_client().get("/no-such-page/")
    assert_portal_page(response, 404, "Página no encontrada")


def test_server_error_in_the_applicants_language(broken_urls):
    response = spanish_client(raise_request_exception=False).get("/tour/server-error/")
    html = assert_portal_page(response, 500, "Lo sentimos, hay un problema con el servicio")
    assert "RuntimeError" not in html and "Traceback" not in html


def test_forbidden_in_the_applicants_language(broken_urls):
    response = spanish_client().get("/tour/forbidden/")
    assert_portal_page(response, 403, "No puede ver esta página")


def test_refused_form_sends_the_applicant_back_to_the_form():
    client = spanish_client(enforce_csrf_checks=True)
    response = client.post("/return/", {"reference": "LGN-AAAA-AAAA", "email": "a@example.org"})
    html = assert_portal_page(response, 403, "Su formulario no se ha enviado")
    assert 'href="/return/"' in html
    assert "LGN-AAAA-AAAA" not in html and "a@example.org" not in html


def test_refused_language_switch_leads_back_to_the_page_the_applicant_was_on():
    client = spanish_client(enforce_csrf_checks=True)
    response = client.post("/language/setlang/", {"language": "uk", "next": "/how-it-works/"})
    assert response.status_code == 403
    assert 'href="/how-it-works/" role="button"' in response.content.decode()
    response = client.post(
        "/language/setlang/", {"language": "uk", "next": "https://elsewhere.example/"}
    )
    assert 'href="/" role="button"' in response.content.decode()
