"""The whole pipeline in a real browser against the real HTTP server.

A Spanish veteran applies in Spanish with documents and books an interview; the
consular officer verifies, the defence attaché and the consul sign their assessments,
the consul issues the visa, the officer issues travel instructions; the applicant
downloads them as a PDF, in Spanish, with the assembly point.

Screenshots go to var/screenshots/e2e-*.png for people to look at.
"""

import datetime as dt
import subprocess

import pytest
from django.conf import settings
from django.utils import timezone

from legion.cases.models import Case
from legion.cases.states import CaseState
from legion.interviews.models import InterviewSlot
from legion.portal.tests.test_browser import browse, fill_application
from legion.portal.tests.test_browser import legion as spanish_legion  # noqa: F401 (fixture)
from legion.testing import factories as f
from legion.workspace.tests.test_workspace_browser import sign_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = settings.VAR_DIR / "screenshots"
ASSEMBLY_POINT = "Lviv, estación central, sala 2"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"e2e-{name}.png"), full_page=True)


@pytest.fixture
def madrid(spanish_legion):  # noqa: F811 (the imported fixture)
    """The mission of the portal's browser tests, with its staff and interview times."""
    mission = spanish_legion
    mission.default_assembly_point = ASSEMBLY_POINT
    mission.default_entry_point = "Paso fronterizo de Krakovets (Polonia–Ucrania)"
    mission.save()
    people = {
        role: f.MembershipFactory(
            user__username=role, user__first_name=role.title(), role=role, mission=mission
        ).user
        for role in ("consular_officer", "defence_attache", "consul")
    }
    start = timezone.now() + dt.timedelta(days=4)
    for hours in (0, 1, 2):
        at = start + dt.timedelta(hours=hours)
        f.SlotFactory(mission=mission, starts_at=at, ends_at=at + dt.timedelta(minutes=45))
    return {"mission": mission, **people}


def staff_page(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    csp = watch_csp(page)
    sign_in(page, user)
    return page, csp


def take_action(page, reference, label):
    page.goto(f"/staff/c/{reference}/")
    page.click(f"#actions button:text-is('{label}')")
    page.wait_for_selector(".message.success")


def test_spanish_applicant_to_instructions_issued_and_pdf(browser, live_server, madrid, tmp_path):
    # The applicant applies in Spanish, with documents.
    applicant_context, applicant = browse(browser, live_server, width=1280)
    fill_application(applicant, tmp_path)
    applicant.get_by_role("button", name="Aceptar y enviar").click()
    assert applicant.locator("h1").inner_text() == "Solicitud enviada"
    case = Case.objects.get()
    reference = case.reference
    assert (case.state, case.language) == (CaseState.SUBMITTED, "es")

    # The consular officer starts the review and verifies every document.
    officer, officer_csp = staff_page(browser, live_server, madrid["consular_officer"])
    take_action(officer, reference, "Start review")
    for document in case.documents.all():
        officer.goto(f"/staff/c/{reference}/documents/{document.pk}/")
        officer.click("button:text-is('Verify')")
        officer.wait_for_selector(".message.success")
    shot(officer, "officer-case")

    # The applicant books an interview time in the portal.
    applicant.goto("/my-application/interview/")
    applicant.locator("input[name=slot]").first.check()
    applicant.locator("main form button[type=submit]").click()
    applicant.wait_for_url("**/my-application/")
    shot(applicant, "applicant-booked")
    assert Case.objects.get().state == CaseState.INTERVIEW_SCHEDULED

    # The interview begins; the attaché and the consul each sign their own assessment.
    InterviewSlot.objects.filter(interviews__case__reference=reference).update(
        starts_at=timezone.now() - dt.timedelta(minutes=30),
        ends_at=timezone.now() + dt.timedelta(minutes=15),
    )
    attache, attache_csp = staff_page(browser, live_server, madrid["defence_attache"])
    attache.goto(f"/staff/c/{reference}/assessment/military/")
    attache.check("input[name=suitability][value=suitable]")
    attache.check("input[name=favourable][value=yes]")
    attache.click("text=Sign assessment")
    attache.wait_for_selector(".message.success")
    consul, consul_csp = staff_page(browser, live_server, madrid["consul"])
    consul.goto(f"/staff/c/{reference}/assessment/consular/")
    consul.check("input[name=identity_confirmed][value=yes]")
    consul.check("input[name=language_ok][value=yes]")
    consul.check("input[name=favourable][value=yes]")
    consul.click("text=Sign assessment")
    consul.wait_for_selector(".message.success")
    assert Case.objects.get().state == CaseState.INTERVIEWED

    # The consul opens the visa procedure and issues the visa.
    take_action(consul, reference, "Open visa procedure")
    consul.goto(f"/staff/c/{reference}/visa/")
    consul.fill("input[name=visa_number]", "UA7654321")
    consul.click("text=Issue visa")
    consul.wait_for_selector(".message.success")
    assert Case.objects.get().state == CaseState.VISA_ISSUED

    # The officer issues the travel instructions (prefilled from the mission).
    officer.goto(f"/staff/c/{reference}/instructions/")
    officer.click("text=Issue and e-mail the instructions")
    officer.wait_for_selector(".message.success")
    shot(officer, "officer-instructions-issued")
    assert Case.objects.get().state == CaseState.INSTRUCTIONS_ISSUED

    # The applicant reads them and downloads the PDF, in Spanish.
    applicant.goto("/my-application/travel-instructions/")
    assert ASSEMBLY_POINT in applicant.locator("main").inner_text()
    shot(applicant, "applicant-instructions")
    with applicant.expect_download() as download:
        applicant.locator("a[download]").click()
    pdf = tmp_path / "instrucciones.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert reference in text
    assert ASSEMBLY_POINT in text
    assert "Javier" in text and "casco" in text.lower()  # the helmet, in Spanish

    assert officer_csp == attache_csp == consul_csp == []
    assert applicant.foreign_requests == []
    applicant_context.close()
