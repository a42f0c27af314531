"""An export in headless Chromium: from the queue, through the re-authentication, to the
download, with no Content-Security-Policy violation. Screenshots go to
var/screenshots/exports-*.png."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings

from legion.testing import factories as f
from legion.testing.auth import staff_device, totp_code
from legion.testing.factories import set_state
from legion.workspace.tests.test_workspace_browser import sign_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = settings.VAR_DIR / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"exports-{name}.png"), full_page=True)


def test_an_officer_exports_the_filtered_queue_in_chromium(page, london):
    officer = f.MembershipFactory(
        user__username="okovalenko", role="consular_officer", mission=london
    ).user
    for surname, nationality in (("Whitfield", "GB"), ("Tanaka", "JP"), ("Turner", "GB")):
        case = f.CaseFactory(
            mission=london, applicant__surname=surname, applicant__nationality=nationality
        )
        set_state(case, "submitted")
    csp = watch_csp(page)
    page.set_viewport_size({"width": 1300, "height": 900})
    sign_in(page, officer)
    page.goto("/staff/m/lon/queue/?nationality=GB")
    page.click("text=Export…")
    page.wait_for_load_state()
    if page.locator("input[name=password]").count():
        # Re-authentication (signing in just now counts as one for a few minutes).
        shot(page, "reauth")
        page.fill("input[name=password]", "correct horse battery staple")
        page.fill("input[name=code]", totp_code(staff_device(officer), steps_ahead=1))
        page.click("form button.primary")
    page.wait_for_url("**/staff/exports/m/lon/**")
    assert page.locator("strong", has_text="GB").is_visible()
    assert page.locator("code", has_text="passport_number").is_visible()
    shot(page, "new")
    page.click("text=Prepare the export")
    page.wait_for_url("**/staff/exports/*/")
    assert page.locator("strong", has_text="ready").is_visible()
    shot(page, "ready")
    with page.expect_download() as download:
        page.click("text=Download")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert sorted(r[rows[0].index("surname")] for r in rows[1:]) == ["Turner", "Whitfield"]
    assert csp == []
