"""Polish and Japanese applicants in a real browser at 360 px: the browser's language picks
the portal's, the advisories come in it, and nothing is loaded from another origin (the
Japanese text is set in the system's fonts, not a web font).

Screenshots go to var/screenshots/portal-*-pl.png and portal-*-ja.png for people to look at."""

import pytest

from legion.cases.access import access_grant_issue
from legion.demo.setup import advisories_create
from legion.missions.models import Role
from legion.portal.tests.test_browser import browse, shot
from legion.testing import factories as f
from legion.workspace.tests import steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "pl": {
        "locale": "pl-PL",
        "start": "Złóż wniosek o przyjęcie do Legionu Międzynarodowego",
        "steps": "Jak to działa – krok po kroku",
        "advice": "Informacje prawne: Japonia",
        "risk": "Ostrzeżenie: możesz nie otrzymać statusu jeńca wojennego",
        "status": "Twoje instrukcje podróży są gotowe.",
        "assembly": "Punkt zbiórki",
        "continue": "Dalej",
    },
    "ja": {
        "locale": "ja-JP",
        "start": "国際部隊への参加を申請する",
        "steps": "手続きの流れ（ステップごとの説明）",
        "advice": "法的な注意事項：日本",
        "risk": "リスクに関するお知らせ：捕虜の地位が認められない可能性があります",
        "status": "渡航案内の準備ができました。",
        "assembly": "集合場所",
        "continue": "次へ",
    },
}


@pytest.fixture
def tokyo_case(db):
    """A Japanese veteran at Tokyo whose travel instructions have been issued, in Japanese."""
    tokyo = f.MissionFactory(
        code="tyo", name="Embassy of Ukraine in Japan", city="Tokyo", country="JP",
        timezone="Asia/Tokyo", interview_languages=["en", "ja"],
    )  # fmt: skip
    advisories_create()  # the demo's stances and risk notice, in every portal language
    staff = {
        role: f.MembershipFactory(user__username=f"tyo.{role}", role=role, mission=tokyo).user
        for role in (Role.CONSULAR_OFFICER, Role.DEFENCE_ATTACHE, Role.CONSUL)
    }
    case = f.CaseFactory(
        mission=tokyo,
        language="ja",
        applicant__given_name="Kenji",
        applicant__surname="Takahashi",
        applicant__native_name="高橋 健二",
        applicant__nationality="JP",
    )
    f.ServiceRecordFactory(case=case, country="JP", branch="Japan Ground Self-Defense Force")
    for kind in ("passport", "criminal_record", "service_record"):
        f.DocumentFactory(case=case, kind=kind)
    from legion.advisories.services import case_acknowledge_advisories

    case_acknowledge_advisories(case=case)
    steps.instructions_issued(
        case,
        staff[Role.CONSULAR_OFFICER],
        staff[Role.DEFENCE_ATTACHE],
        staff[Role.CONSUL],
    )
    return case


@pytest.mark.parametrize("language", ["pl", "ja"])
def test_applicant_reads_the_portal_in_polish_or_japanese_at_360px(
    browser, live_server, tokyo_case, language
):
    want = PAGES[language]
    context, page = browse(browser, live_server, javascript=False, locale=want["locale"])
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == want["start"]
    shot(page, f"start-{language}")
    page.goto("/how-it-works/")
    assert page.locator("h1").inner_text() == want["steps"]
    shot(page, f"steps-{language}")
    page.goto("/advice/jp/")
    assert page.title().startswith(want["advice"])
    assert want["risk"] in page.locator("main").inner_text()
    shot(page, f"advice-{language}")
    page.goto(f"/return/link/{access_grant_issue(case=tokyo_case).link_token}/")
    page.get_by_role("button", name=want["continue"]).click()
    assert want["status"] in page.locator("main").inner_text()
    shot(page, f"status-{language}")
    page.goto("/my-application/travel-instructions/")
    instructions = page.locator("section.instructions")
    assert instructions.get_attribute("lang") == language
    assert want["assembly"] in instructions.inner_text()
    shot(page, f"instructions-{language}")
    assert page.foreign_requests == []
    context.close()
