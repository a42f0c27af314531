"""Taking an application by phone in headless Chromium, from the queue to the new case,
with no Content-Security-Policy violation. Screenshot: var/screenshots/workspace-take.png."""

import pytest
from django.conf import settings

from legion.cases.models import Case
from legion.cases.states import CaseState
from legion.testing import factories as f
from legion.workspace.tests.test_workspace_browser import sign_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_takes_an_application_by_phone(page, officer, risk_notice, tmp_path):
    f.AdvisoryFactory(nationality="GB")
    scans = {}
    for name in ("passport", "dbs", "service"):
        scans[name] = tmp_path / f"{name}.pdf"
        scans[name].write_bytes(f.minimal_pdf(name.encode()))
    problems = watch_csp(page)
    sign_in(page, officer)
    page.goto("/staff/m/lon/queue/")
    page.click("text=Take an application")
    page.select_option("select[name=nationality]", "GB")
    page.click("button:has-text('Continue')")
    page.wait_for_selector("text=Legal advice to read out")
    for name, value in {
        "given_name": "James", "surname": "Turner", "date_of_birth": "1988-03-27",
        "place_of_birth": "Aldershot", "passport_number": "123456789",
        "passport_expiry": "2031-05-01", "email": "james.turner@example.co.uk",
        "phone": "+44 7700 900123", "address_line_1": "12 Queens Avenue",
        "address_town": "Aldershot", "address_postcode": "GU11 2LB",
        "service_branch": "Army, Parachute Regiment", "service_start_year": "2006",
    }.items():  # fmt: skip
        page.fill(f"[name={name}]", value)
    for name, value in {
        "sex": "M", "passport_country": "GB", "address_country": "GB", "language_1": "en",
        "level_1": "native", "service_kind": "military", "service_country": "GB",
    }.items():  # fmt: skip
        page.select_option(f"select[name={name}]", value)
    page.check("input[name=has_criminal_record][value=no]")
    page.set_input_files("input[name=passport_file]", str(scans["passport"]))
    page.set_input_files("input[name=criminal_record_file]", str(scans["dbs"]))
    page.set_input_files("input[name=service_record_file]", str(scans["service"]))
    page.check("input[name=advisory_read_out]")
    page.screenshot(
        path=str(settings.VAR_DIR / "screenshots" / "workspace-take.png"), full_page=True
    )
    page.click("button:has-text('Submit the application')")
    page.wait_for_selector("text=taken and submitted")
    case = Case.objects.get()
    assert case.state == CaseState.SUBMITTED
    assert page.url.endswith(f"/staff/c/{case.reference}/")
    assert problems == []
