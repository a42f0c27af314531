"""Layout that survives what applicants write and what translations bring: names and
other answers in right-to-left scripts, and long German compounds, in a real browser
(Debian Chromium) at 360 px."""

import pytest
from django.conf import settings

from legion.cases.models import Document
from legion.portal.tests.tour import session_key
from legion.testing import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = settings.VAR_DIR / "screenshots" / "layout"
LONG_WORD = "Rechtsschutzversicherungsgesellschaften"
ARABIC_SPECIALTY = "مشاة"  # infantry
ARABIC_RANK = "رقيب"  # sergeant
ARABIC_NAME = ("محمد", "الحسن")
HEBREW_PLACE = "תל אביב"
ARABIC_STREET = "شارع الرينبو 12"  # 12 Rainbow Street


@pytest.fixture
def draft(db):
    mission = f.MissionFactory(code="amm", name="Embassy of Ukraine in Jordan", city="Amman")
    case = f.CaseFactory(
        mission=mission,
        applicant__given_name=ARABIC_NAME[0],
        applicant__surname=ARABIC_NAME[1],
        applicant__native_name=" ".join(ARABIC_NAME),
        applicant__place_of_birth=HEBREW_PLACE,
        applicant__nationality="JO",
        applicant__address_line_1=ARABIC_STREET,
        applicant__address_town="عمّان",
        applicant__address_postcode="11183",
        applicant__address_country="JO",
    )
    f.ServiceRecordFactory(
        case=case, country="JO", specialty=ARABIC_SPECIALTY, rank=ARABIC_RANK, branch="الجيش"
    )
    f.DocumentFactory(case=case, kind=Document.Kind.PASSPORT, original_name="جواز سفر 2022.pdf")
    return case


def signed_in_page(browser, live_server, case, *, width=360):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": 800}
    )
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": session_key(case), "domain": host, "path": "/"}]
    )
    return context, context.new_page()


# Where a piece of text is drawn: the left edge of the first rectangle of its text.
TEXT_LEFT = """(needle) => {
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + needle.length);
    return range.getClientRects()[0].left;
  }
  return null;
}"""

# Text nodes in <main> holding one of the needles, outside any isolating element.
NOT_ISOLATED = """(needles) => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!needles.some(n => node.data.includes(n))) continue;
    const parent = node.parentElement;
    if (parent.closest("bdi, [dir=auto], .visually-hidden, option")) continue;
    found.push(parent.outerHTML.slice(0, 160));
  }
  return found;
}"""


def test_right_to_left_answers_keep_the_pages_order(browser, live_server, draft):
    context, page = signed_in_page(browser, live_server, draft, width=1280)
    SHOTS.mkdir(parents=True, exist_ok=True)
    needles = [*ARABIC_NAME, HEBREW_PLACE, ARABIC_SPECIALTY, ARABIC_RANK, "جواز سفر", ARABIC_STREET]
    for url in ("/apply/experience/", "/apply/check/", "/apply/documents/", "/apply/birth/"):
        page.goto(url)
        assert page.evaluate(NOT_ISOLATED, needles) == [], url
    page.goto("/apply/experience/")
    page.screenshot(path=str(SHOTS / "rtl-experience.png"))
    # "…, specialty, rank" in an English list stays in that order, whatever the script.
    specialty = page.evaluate(TEXT_LEFT, ARABIC_SPECIALTY)
    rank = page.evaluate(TEXT_LEFT, ARABIC_RANK)
    assert specialty < rank
    # Text typed into a field is laid out in its own direction.
    page.goto("/apply/name/")
    field = page.locator("#id_given_name")
    assert field.get_attribute("dir") == "auto"
    assert field.evaluate("el => getComputedStyle(el).direction") == "rtl"
    context.close()


# Put a long German compound into every kind of text that could be too wide.
LONG_TEXT = """(word) => {
  document.documentElement.lang = "de";
  const selectors = ["h1", "h2", "label", "legend", "button", "a", ".tag", "dt", "dd",
                     ".header__service", ".language-switch__current", ".caption", ".hint"];
  const changed = [];
  for (const el of document.querySelectorAll(selectors.join(","))) {
    const text = [...el.childNodes].find(n => n.nodeType === 3 && n.data.trim());
    if (!text) continue;
    text.data = word + " " + text.data.trim();
    changed.push(el);
  }
  return changed.length;
}"""

TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .filter(el => !el.closest(".skip-link, .visually-hidden"))
    .map(el => el.outerHTML.slice(0, 100));
}"""


def test_long_german_word_fits_a_small_screen(browser, live_server, draft):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = signed_in_page(browser, live_server, draft)
    for url in (
        "/",
        "/apply/where/",
        "/apply/",
        "/apply/birth/",
        "/apply/address/",
        "/apply/languages/",
        "/apply/documents/",
        "/apply/check/",
    ):
        page.goto(url)
        assert page.evaluate(LONG_TEXT, LONG_WORD) > 5
        assert page.evaluate(TOO_WIDE) == [], url
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
        name = url.strip("/").replace("/", "-") or "start"
        page.screenshot(path=str(SHOTS / f"long-word-{name}.png"), full_page=True)
    context.close()
