"""The workspace in headless Chromium: sign-in, queue search with HTMX, document preview,
the calendar and the forms, with no Content-Security-Policy violation on any page.

Screenshots go to var/screenshots/workspace-*.png for people to look at."""

import datetime as dt
import hashlib

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from legion.advisories.services import case_acknowledge_advisories
from legion.interviews.models import InterviewSlot
from legion.testing import factories as f
from legion.testing.auth import staff_device, totp_code
from legion.workspace.tests import steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = settings.VAR_DIR / "screenshots"
PEOPLE = [
    ("James", "Whitfield", "GB", ""),
    ("Aiko", "Tanaka", "JP", "田中 愛子"),
    ("Giorgi", "Beridze", "GE", "გიორგი ბერიძე"),
    ("Lukas", "Petrauskas", "LT", ""),
    ("Sindre", "Haugen", "NO", ""),
    ("Michael", "O'Connor", "US", ""),
    ("Chloé", "Martin", "FR", ""),
    ("Tomasz", "Wiśniewski", "PL", ""),
]


def passport_scan(given: str, surname: str, nationality: str) -> bytes:
    """A one-page PDF standing in for a scanned passport."""
    from weasyprint import HTML

    return HTML(
        string=f"<h1>PASSPORT</h1><p>Surname: {surname}</p><p>Given names: {given}</p>"
        f"<p>Nationality: {nationality}</p><p>Date of birth: 12 APR 1988</p>"
    ).write_pdf()


def staff(username, first, last, role, mission):
    return f.MembershipFactory(
        user__username=username,
        user__first_name=first,
        user__last_name=last,
        role=role,
        mission=mission,
    ).user


@pytest.fixture
def embassy(db, risk_notice):
    london = f.MissionFactory(
        code="lon",
        name="Embassy of Ukraine in the United Kingdom",
        city="London",
        address="60 Holland Park\nLondon W11 3SJ",
        email="consular@ukr-embassy.example",
        interview_languages=["en", "uk"],
    )
    people = {
        "officer": staff("okovalenko", "Olena", "Kovalenko", "consular_officer", london),
        "attache": staff("attache", "Andrii", "Melnyk", "defence_attache", london),
        "consul": staff("consul", "Iryna", "Shevchenko", "consul", london),
    }
    cases = []
    for given, surname, nationality, native in PEOPLE:
        f.AdvisoryFactory(nationality=nationality)
        case = f.CaseFactory(
            mission=london,
            applicant__given_name=given,
            applicant__surname=surname,
            applicant__nationality=nationality,
            applicant__native_name=native,
        )
        f.ServiceRecordFactory(case=case, country=nationality)
        for kind in ("criminal_record", "service_record"):
            f.DocumentFactory(case=case, kind=kind)
        scan = passport_scan(given, surname, nationality)
        f.DocumentFactory(
            case=case,
            kind="passport",
            file=ContentFile(scan, name="x"),
            size=len(scan),
            sha256=hashlib.sha256(scan).hexdigest(),
        )
        case_acknowledge_advisories(case=case)
        cases.append(case)
    monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    for day in range(5):
        for hour in (9, 10, 11, 14):
            start = dt.datetime.combine(
                monday + dt.timedelta(days=day), dt.time(hour), tzinfo=dt.UTC
            )
            f.SlotFactory(
                mission=london,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=45),
                location="Interview room 1",
            )
    officer, attache, consul = people["officer"], people["attache"], people["consul"]
    for case in cases[:5]:
        steps.submitted(case)
    steps.in_review(cases[1], officer)
    steps.scheduled(cases[2], officer, slot=london.interview_slots.order_by("starts_at")[1])
    steps.interviewed(cases[3], officer, attache, consul)
    steps.visa_issued(cases[4], officer, attache, consul)
    return {"mission": london, "cases": cases, "monday": monday, **people}


def sign_in(page, user):
    device = staff_device(user)
    page.goto("/staff/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(device))
    page.click("form button.primary")
    page.wait_for_url("**/staff/")


def watch_csp(page) -> list[str]:
    problems: list[str] = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.log("
        "'CSPDEBUG', e.violatedDirective, e.sourceFile, e.lineNumber, e.columnNumber, e.sample,"
        " e.target && e.target.outerHTML && e.target.outerHTML.slice(0, 200)))"
    )
    page.on("console", lambda m: print(m.text) if "CSPDEBUG" in m.text else None)
    page.on(
        "console",
        lambda m: (
            problems.append(f"{page.url}: {m.text} at {m.location}")
            if "Content Security Policy" in m.text
            else None
        ),
    )
    return problems


def settle(page):
    """Let the page finish its requests (a PDF in a frame) before the server stops."""
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"workspace-{name}.png"), full_page=True)


def test_officer_works_the_queue_and_a_case_in_chromium(page, embassy):
    csp = watch_csp(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, embassy["officer"])
    assert page.locator("h2", has_text="Embassy of Ukraine in the United Kingdom").is_visible()
    shot(page, "home")

    page.goto("/staff/m/lon/queue/")
    assert page.locator("table.list tbody tr").count() == 5
    shot(page, "queue")
    # Typing filters the list through HTMX: the page itself is not reloaded.
    page.evaluate("window.__marker = 1")
    page.fill("#id_q", "tanaka")
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    assert page.evaluate("window.__marker") == 1
    assert "q=tanaka" in page.url

    # Bulk action from the queue: start review of the ticked cases.
    page.fill("#id_q", "")
    expect(page.locator("table.list tbody tr")).to_have_count(5)
    page.check("input[data-select-all]")
    page.select_option("#id_action", "start_review")
    page.click("text=Apply to ticked")
    page.wait_for_selector("#bulk-results")
    assert "done" in page.inner_text("#bulk-results")
    shot(page, "queue-bulk-results")

    case = embassy["cases"][1]
    page.goto(f"/staff/c/{case.reference}/")
    page.click("#documents tr:has(td:text-is('Passport')) a")
    page.wait_for_selector("#document-preview iframe")
    page.wait_for_timeout(1500)  # the PDF viewer draws the page
    shot(page, "case")
    page.click("#document-preview button:has-text('Verify')")
    page.wait_for_selector(".message.success")
    assert "verified" in page.inner_text(".messages")
    assert csp == []
    settle(page)


def test_calendar_and_decision_forms_in_chromium(page, embassy):
    csp = watch_csp(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, embassy["officer"])
    page.goto(f"/staff/m/lon/calendar/?week={embassy['monday'].isoformat()}")
    assert page.locator(".slot").count() >= 20
    shot(page, "calendar")
    page.goto(f"/staff/c/{embassy['cases'][4].reference}/instructions/")
    assert page.locator("input[value=helmet]").is_checked()
    shot(page, "instructions-form")
    page.click("text=Issue and e-mail the instructions")
    page.wait_for_selector(".message.success")
    shot(page, "case-instructions-issued")
    assert csp == []
    settle(page)


def test_attache_and_consul_forms_in_chromium(browser, live_server, embassy):
    case = embassy["cases"][2]
    # Assessments open once the booked interview has begun.
    InterviewSlot.objects.filter(interviews__case=case).update(
        starts_at=timezone.now() - dt.timedelta(minutes=30),
        ends_at=timezone.now() + dt.timedelta(minutes=15),
    )
    pages = {}
    for who, kind in (("attache", "military"), ("consul", "consular")):
        page = browser.new_context(base_url=live_server.url).new_page()
        pages[who] = page
        csp = watch_csp(page)
        page.set_viewport_size({"width": 1300, "height": 900})
        sign_in(page, embassy[who])
        page.goto(f"/staff/c/{case.reference}/assessment/{kind}/")
        shot(page, f"assessment-{kind}")
        if kind == "military":
            page.check("input[name=suitability][value=suitable]")
        else:
            page.check("input[name=identity_confirmed][value=yes]")
            page.check("input[name=language_ok][value=yes]")
        page.check("input[name=favourable][value=yes]")
        page.click("text=Sign assessment")
        page.wait_for_selector(".message.success")
        assert csp == []
    page = pages["consul"]
    assert "Interviewed" in page.inner_text(".case-head")
    shot(page, "case-interviewed")
    other = embassy["cases"][3]
    page.goto(f"/staff/c/{other.reference}/")
    page.click("text=Open visa procedure")
    page.wait_for_selector(".message.success")
    page.goto(f"/staff/c/{other.reference}/visa/")
    shot(page, "visa-form")
    page.fill("input[name=visa_number]", "UA1234567")
    page.click("text=Issue visa")
    page.wait_for_selector(".message.success")
    assert "Visa issued" in page.inner_text(".case-head")
    for each in pages.values():
        settle(each)
        each.context.close()


def test_workspace_works_without_javascript(browser, live_server, embassy):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_viewport_size({"width": 1300, "height": 900})
    sign_in(page, embassy["officer"])
    page.goto("/staff/m/lon/queue/")
    page.fill("#id_q", "whitfield")
    page.click("text=Apply")
    assert page.locator("table.list tbody tr").count() == 1
    page.click("table.list tbody a")
    case = embassy["cases"][0]
    assert page.url.endswith(f"/staff/c/{case.reference}/")
    page.click("#actions button:has-text('Start review')")
    assert "the case is now “In review”" in page.inner_text(".messages")
    page.click("#documents tr:has(td:text-is('Passport')) a")
    assert page.locator(".preview iframe").count() == 1
    page.click("button:has-text('Verify')")
    assert "Passport: verified." in page.inner_text(".messages")
    settle(page)
    context.close()
