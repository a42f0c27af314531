"""The dashboard in headless Chromium, as an HQ analyst: every filter, every chart
against its table view, no personal data, no CSP or WCAG 2.2 AA violation (axe-core);
and the staff queue through axe-core too.

Screenshots go to var/screenshots/dashboard-*.png for people to look at."""

import datetime as dt
import random
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from legion.cases.services import case_submit
from legion.dashboard.models import CaseCount, HoldCount, ServiceCount, StageTime
from legion.dashboard.tests.conftest import ready_draft
from legion.missions.actors import Actor
from legion.testing import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = settings.VAR_DIR / "screenshots"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => v.id + ": " + v.help + " :: "
    + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""
# The March 2022 mix of nationalities (DESIGN.md), and a long tail.
MIX = {"US": 31, "GB": 18, "DE": 7, "CA": 5, "IN": 3, "PL": 3, "LT": 2, "NO": 2, "JP": 1, "GE": 1}
STATES = {"submitted": 30, "in_review": 25, "interview_scheduled": 10, "rejected": 6, "on_hold": 2}


def counters(missions, *, days: int = 28, seed: int = 15) -> None:
    """Counters as a busy month leaves them (written directly: thousands of cases)."""
    rng = random.Random(seed)
    today = timezone.now().astimezone(dt.UTC).date()
    rows, holds, services, stages = [], [], [], []
    for i in range(days):
        day = today - dt.timedelta(days=days - 1 - i)
        wave = 1 + 2.5 * max(0, 1 - abs(i - 8) / 8)  # the first week's surge
        for mission in missions:
            for nationality, share in MIX.items():
                for state, weight in STATES.items():
                    n = int(rng.gauss(share * weight * wave / 60, 1.5))
                    if n > 0:
                        rows.append(
                            CaseCount(
                                submitted_on=day,
                                mission=mission,
                                nationality=nationality,
                                state=state,
                                outcome="reject" if state == "rejected" else "",
                                n=n,
                            )
                        )
                holds.append(
                    HoldCount(
                        submitted_on=day,
                        mission=mission,
                        nationality=nationality,
                        source="screening",
                        n=rng.randint(0, 6),
                    )
                )
                for kind, specialty in (("military", "Infantry"), ("medical", "")):
                    services.append(
                        ServiceCount(
                            submitted_on=day,
                            mission=mission,
                            nationality=nationality,
                            kind=kind,
                            specialty=specialty,
                            n=max(0, int(share * wave * rng.uniform(0.5, 1.5))),
                        )
                    )
                for bucket in (3, 5, 8):
                    stages.append(
                        StageTime(
                            submitted_on=day,
                            mission=mission,
                            nationality=nationality,
                            stage="submitted",
                            bucket=bucket,
                            n=rng.randint(0, share + 2),
                        )
                    )
    CaseCount.objects.bulk_create(rows)
    HoldCount.objects.bulk_create(holds)
    ServiceCount.objects.bulk_create(services)
    StageTime.objects.bulk_create(stages)


def axe_violations(page) -> list[str]:
    """axe-core, loaded into every page by an init script (see `with_axe`)."""
    return page.evaluate(RUN_AXE, WCAG_AA)


def with_axe(page) -> None:
    # An init script runs before the page's own and is not subject to its CSP.
    page.context.add_init_script(path=str(AXE))


def marks_and_table(page, chart: str) -> tuple[list, list]:
    figure = page.locator(f"figure[data-chart='{chart}']")
    marks = figure.locator("svg g.mark").evaluate_all(
        "els => els.map(e => [e.dataset.key, e.dataset.value])"
    )
    rows = figure.locator("table tr[data-key]").evaluate_all(
        "els => els.map(e => [e.dataset.key, e.dataset.value])"
    )
    return marks, rows


@pytest.fixture
def wave(db, risk_notice):
    london = f.MissionFactory(code="lon", name="Embassy of Ukraine in London", city="London")
    ottawa = f.MissionFactory(
        code="ott", name="Embassy of Ukraine in Ottawa", city="Ottawa", country="CA"
    )
    counters([london, ottawa])
    people = []
    for i in range(3):  # real applications too: their names must never show
        case = ready_draft(london, "GB")
        case.applicant.surname = f"Pemberton-Whitlock{i}"
        case.applicant.save()
        case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
        people.append(case)
    analyst = f.MembershipFactory(user__username="analyst", role="hq_analyst", mission=None).user
    officer = f.MembershipFactory(
        user__username="officer", role="consular_officer", mission=london
    ).user
    return {"analyst": analyst, "officer": officer, "cases": people}


def test_analyst_uses_every_filter_and_every_chart_matches_its_table(page, wave):
    from legion.workspace.tests.test_workspace_browser import sign_in, watch_csp

    assert AXE.exists(), "axe-core is missing: run `make setup` (npm ci)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with_axe(page)
    csp = watch_csp(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, wave["analyst"])
    page.click("nav >> text=Statistics")
    page.wait_for_url("**/staff/statistics/")
    page.screenshot(path=str(SHOTS / "dashboard-all.png"), full_page=True)

    def check_charts() -> None:
        for chart in ("per_day", "per_week", "nationality", "state", "holds", "experience"):
            marks, rows = marks_and_table(page, chart)
            assert marks, f"{chart}: empty chart"
            assert marks == rows, f"{chart}: chart and table differ"
        assert page.locator("figure[data-chart='per_day'] svg rect.bar").count() >= 7
        assert page.locator("svg.world path.country").count() > 150
        assert page.locator("svg.world path.level1, svg.world path.level5").count() > 0
        content = page.content()
        for case in wave["cases"]:
            assert case.reference not in content
            assert case.applicant.surname not in content
            assert case.applicant.email not in content

    check_charts()
    assert not axe_violations(page)

    # Each filter in turn, as a person would set it.
    start = (timezone.now() - dt.timedelta(days=13)).astimezone(dt.UTC).date()
    page.fill("input[name=date_from]", start.isoformat())
    page.click("form.dash-filters button[type=submit]")
    page.wait_for_url("**date_from=*")
    days, _ = marks_and_table(page, "per_day")
    assert len(days) == 14 and days[0][0] == start.isoformat()
    check_charts()

    end = start + dt.timedelta(days=6)
    page.fill("input[name=date_to]", end.isoformat())
    page.click("form.dash-filters button[type=submit]")
    page.wait_for_url("**date_to=*")
    days, _ = marks_and_table(page, "per_day")
    assert [d[0] for d in days][-1] == end.isoformat() and len(days) == 7

    assert page.locator("figure[data-chart='mission']").count() == 1
    page.select_option("select[name=mission]", "ott")
    page.click("form.dash-filters button[type=submit]")
    page.wait_for_url("**mission=ott*")
    assert page.locator("figure[data-chart='mission']").count() == 0  # one mission chosen
    check_charts()

    page.select_option("select[name=nationality]", "US")
    page.click("form.dash-filters button[type=submit]")
    page.wait_for_url("**nationality=US*")
    nationalities, _ = marks_and_table(page, "nationality")
    assert [k for k, _v in nationalities] == ["US"]
    check_charts()
    page.screenshot(path=str(SHOTS / "dashboard-filtered.png"), full_page=True)
    assert not axe_violations(page)

    # A bad range is refused with a message, not a half-drawn page.
    page.fill("input[name=date_from]", (end + dt.timedelta(days=3)).isoformat())
    page.click("form.dash-filters button[type=submit]")
    page.wait_for_load_state()
    assert "The start date is after the end date." in page.content()
    assert page.locator("figure.chart").count() == 0
    assert csp == []


def test_staff_queue_has_no_wcag_violation(page, wave):
    from legion.workspace.tests.test_workspace_browser import sign_in, watch_csp

    with_axe(page)
    csp = watch_csp(page)
    sign_in(page, wave["officer"])
    page.goto("/staff/m/lon/queue/")
    page.wait_for_load_state()
    page.screenshot(path=str(SHOTS / "dashboard-queue.png"), full_page=True)
    assert axe_violations(page) == []
    assert csp == []
