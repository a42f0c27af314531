"""The portal in a real browser (Debian Chromium) against the real HTTP server.

Screenshots go to var/screenshots/portal-*.png for people to look at."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from legion.advisories.models import Advisory, AdvisoryText
from legion.cases.models import Case, CaseEvent, Document
from legion.cases.states import CaseState
from legion.testing import factories as f
from legion.testing import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = settings.VAR_DIR / "screenshots"


@pytest.fixture
def legion(db):
    mission = f.MissionFactory(
        code="mad",
        name="Embajada de Ucrania en Madrid",
        city="Madrid",
        country="ES",
        timezone="Europe/Madrid",
    )
    notice = Advisory.objects.create(
        nationality="", stance="warned", source="Russian Defence Ministry", reviewed_on="2022-03-09"
    )
    for language, title in (("en", "No prisoner-of-war status"), ("es", "Sin estatus de POW")):
        AdvisoryText.objects.create(advisory=notice, language=language, title=title, body="Riesgo.")
    f.AdvisoryFactory(nationality="ES", stance="individual_decision")
    return mission


def browse(browser, live_server, *, javascript=True, width=360, locale="es-ES"):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=javascript,
        locale=locale,
        viewport={"width": width, "height": 780},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    origin = live_server.url
    page.foreign_requests = []
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith((origin, "data:")) else page.foreign_requests.append(r.url)
        ),
    )
    return context, page


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"portal-{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name} scrolls sideways ({width}px)"


def go_on(page):
    page.locator("main button.button:not(.button--secondary)").last.click()


def fill_application(page, tmp_path, *, screenshots=False):
    """A Spanish veteran's whole application, page by page, as a person would type it."""
    expiry = timezone.localdate() + dt.timedelta(days=900)
    page.goto("/apply/")
    page.get_by_role("button", name="Continuar").click()
    if screenshots:
        page.get_by_role("button", name="Continuar").click()  # nothing chosen yet
        shot(page, "mission-error")
    page.get_by_label("Embajada de Ucrania en Madrid").check()
    go_on(page)
    page.get_by_label("Nombre o nombres").fill("Javier")
    page.get_by_label("Apellidos").fill("García Ruiz")
    go_on(page)
    page.get_by_label("Día").fill("31")
    page.get_by_label("Mes").fill("2")
    page.get_by_label("Año").fill("1985")
    page.get_by_label("Masculino").check()
    go_on(page)
    if screenshots:
        shot(page, "birth-error")
    page.get_by_label("Día").fill("28")
    go_on(page)
    page.get_by_label("Su nacionalidad").select_option("ES")
    go_on(page)
    page.get_by_label("Número de pasaporte").fill("PAB123456")
    page.get_by_label("País que expidió su pasaporte").select_option("ES")
    page.get_by_label("Día").fill(str(expiry.day))
    page.get_by_label("Mes").fill(str(expiry.month))
    page.get_by_label("Año").fill(str(expiry.year))
    go_on(page)
    page.get_by_label("Correo electrónico").fill("javier@example.es")
    page.get_by_label("español").check()
    go_on(page)
    page.get_by_label("Dirección, línea 1").fill("Calle de Alcalá 142")
    page.get_by_label("Código postal (opcional)").fill("28009")
    go_on(page)
    if screenshots:
        shot(page, "address-error")
    page.get_by_label("Dirección, línea 2 (opcional)").fill("3.º B")
    page.get_by_label("Ciudad o localidad").fill("Madrid")
    page.get_by_label("País", exact=True).select_option("ES")
    go_on(page)
    page.get_by_label("Idioma", exact=True).select_option("en")
    page.get_by_label("Bueno: puedo seguir órdenes e instrucciones").check()
    page.get_by_role("button", name="Guardar y continuar").click()
    page.get_by_role("button", name="Añadir experiencia").click()
    page.get_by_label("Militar", exact=True).check()
    page.get_by_label("País", exact=True).select_option("ES")
    page.get_by_label("Ejército, unidad o profesión").fill("Ejército de Tierra, BRIPAC")
    page.get_by_label("Año en que empezó").fill("2004")
    page.get_by_label("Año en que terminó (opcional)").fill("2016")
    page.get_by_label("Despliegues y misiones (opcional)").fill("Líbano (FINUL) 2012")
    page.get_by_role("button", name="Añadir esta experiencia").click()
    if screenshots:
        shot(page, "experience")
    page.get_by_role("button", name="Continuar").click()
    page.get_by_label("No", exact=True).check()
    go_on(page)
    fake = tmp_path / "pasaporte.pdf"
    fake.write_bytes(files.EXE_BYTES)
    page.get_by_label("¿Qué documento es?").select_option("passport")
    page.get_by_label("Suba un archivo").set_input_files(str(fake))
    page.get_by_role("button", name="Subir este archivo").click()
    if screenshots:
        shot(page, "documents-error")
    for kind, name, content in (
        ("passport", "pasaporte.pdf", files.pdf().read()),
        ("criminal_record", "antecedentes.pdf", files.pdf(extra=b"r").read()),
        ("service_record", "licencia.jpg", files.jpeg_bytes(with_gps=True)),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        page.get_by_label("¿Qué documento es?").select_option(kind)
        page.get_by_label("Suba un archivo").set_input_files(str(path))
        page.get_by_role("button", name="Subir este archivo").click()
    if screenshots:
        shot(page, "documents")
    page.get_by_role("button", name="Continuar").click()
    page.get_by_label("He leído y entendido").check()
    page.get_by_role("button", name="Confirmar y continuar").click()


def test_veteran_applies_in_spanish_without_javascript(browser, live_server, legion, tmp_path):
    context, page = browse(browser, live_server, javascript=False)
    fill_application(page, tmp_path, screenshots=True)
    assert page.locator("h1").inner_text() == "Revise sus respuestas antes de enviar su solicitud"
    assert "cumple todos los requisitos" in page.locator("main").inner_text()
    shot(page, "check")
    page.get_by_role("button", name="Aceptar y enviar").click()
    assert page.locator("h1").inner_text() == "Solicitud enviada"
    case = Case.objects.get()
    assert case.reference in page.locator(".panel").inner_text()
    assert (case.state, case.language) == (CaseState.SUBMITTED, "es")
    assert case.documents.count() == 3
    assert case.applicant.address_lines[:3] == ["Calle de Alcalá 142", "3.º B", "28009 Madrid"]
    assert case.applicant.address_country.code == "ES"
    shot(page, "sent")
    page.goto("/my-application/")
    shot(page, "status")
    assert page.foreign_requests == []
    context.close()


def test_double_click_on_send_sends_once(browser, live_server, legion, tmp_path):
    context, page = browse(browser, live_server, width=1280)
    fill_application(page, tmp_path)
    page.get_by_role("button", name="Aceptar y enviar").dblclick()
    page.wait_for_url("**/apply/sent/")
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(action="submit").count() == 1
    assert Document.objects.count() == 3
    shot(page, "sent-1280")
    context.close()


def test_error_summary_link_moves_focus_to_the_field(browser, live_server, legion):
    context, page = browse(browser, live_server, locale="en-GB")
    page.goto("/apply/where/")
    page.get_by_label("Embajada de Ucrania en Madrid").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".error-summary")
    assert summary.evaluate("el => el === document.activeElement")
    page.get_by_role("link", name="Enter your given names.").click()
    assert page.evaluate("document.activeElement.id") == "id_given_name"
    shot(page, "name-error-en")
    context.close()


def test_language_switch_keeps_the_page_and_the_answers(browser, live_server, legion):
    context, page = browse(browser, live_server, locale="en-GB", javascript=False)
    page.goto("/how-it-works/")
    page.get_by_role("button", name="Українська").click()
    assert page.url.endswith("/how-it-works/")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.locator("h1").inner_text() == "Як це працює, крок за кроком"
    shot(page, "steps-uk")
    context.close()
