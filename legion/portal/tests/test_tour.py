"""Every portal page, in every language, in a real browser (Debian Chromium):

- axe-core (npm, pinned in package-lock.json) finds no WCAG 2.0/2.1/2.2 A or AA
  violation, also on pages showing errors;
- the page says its language, has a title of its own with no personal data in it,
  landmarks, and a skip link that is the first thing Tab reaches and moves focus to
  the main content;
- it loads nothing from another origin, and tells the browser never to send its
  address to another site (Referrer-Policy: no-referrer);
- it weighs at most 100 KB on a first visit, compressed: every response the page
  loads with the browser cache off (HTML, CSS, JavaScript, images, fonts), each body
  gzip-compressed at level 6 as a compressing server or proxy would send it;
- it does not scroll sideways at 360 px or at 1280 px.

Screenshots of every page go to var/screenshots/tour/<language>/ for people to look at
(both widths in English, 360 px in the other languages).
"""

import gzip
from pathlib import Path

import pytest
from django.conf import settings

from legion.portal.tests.tour import SERVER_ERROR_PATH, session_key, tour, tour_world, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LANGUAGES = [code for code, _name in settings.LANGUAGES]
MAX_COMPRESSED = 100 * 1024
SHOTS = settings.VAR_DIR / "screenshots" / "tour"

RUN_AXE = """async (tags) => {
  const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
  const result = await axe.run(document, options);
  return {
    passed: result.passes.length,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary),
    })),
  };
}"""

STRUCTURE = """() => {
  const inMain = el => el.closest("main, article, aside, section");
  return {
    lang: document.documentElement.lang,
    title: document.title,
    mains: document.querySelectorAll("main#main").length,
    banners: [...document.querySelectorAll("header")].filter(h => !inMain(h)).length,
    footers: [...document.querySelectorAll("footer")].filter(h => !inMain(h)).length,
    navs: document.querySelectorAll("nav[aria-label]").length,
    h1s: document.querySelectorAll("h1").length,
  };
}"""

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def tour_urls(settings):
    settings.ROOT_URLCONF = "legion.portal.tests.urls"


def open_context(browser, live_server, language, session=None):
    """One browser context per visitor: the language chosen, the cache off (every page
    is a first visit), and axe-core from node_modules loaded into every page before the
    page's own scripts (an init script: no request, so it does not count in the weight,
    and the page's CSP still applies to everything else)."""
    host = live_server.url.split("//")[1].split(":")[0]
    context = browser.new_context(
        base_url=live_server.url,
        locale=language,
        viewport={"width": 360, "height": 780},
    )
    context.add_init_script(path=str(AXE))
    cookies = [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
    if session:
        cookies.append({"name": "sessionid", "value": session, "domain": host, "path": "/"})
    context.add_cookies(cookies)
    page = context.new_page()
    context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.set_default_timeout(15_000)
    page.responses = []
    page.on("response", lambda response: page.responses.append(response))
    return context, page


def compressed_weight(responses) -> int:
    total = 0
    for response in responses:
        if 300 <= response.status < 400:
            continue
        total += len(gzip.compress(response.body(), compresslevel=6))
    return total


def skip_link_works(page) -> bool:
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.matches('a.skip-link[href=\"#main\"]')")
    page.keyboard.press("Enter")
    return first and page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_portal_page(browser, live_server, tour_urls, language):
    assert AXE.exists(), "axe-core is missing: run `make setup` (npm ci)"
    world = tour_world()
    stops = tour(world)
    assert len({s.name for s in stops}) == len(stops)
    problems: dict[str, list] = {
        "axe": [],
        "status": [],
        "referrer policy": [],
        "structure": [],
        "skip link": [],
        "titles": [],
        "personal data in title": [],
        "foreign requests": [],
        "weight": [],
        "scrolls sideways": [],
    }
    titles: dict[str, set[str]] = {}
    weights = {}
    origin = live_server.url
    shots = SHOTS / language
    shots.mkdir(parents=True, exist_ok=True)
    context = None
    who = None
    for stop in stops:
        if context is None or stop.who != who:
            if context:
                context.close()
            who = stop.who
            session = session_key(world.cases[who]) if who else None
            context, page = open_context(browser, live_server, language, session)
        page.set_viewport_size({"width": 360, "height": 780})
        page.responses.clear()
        response = visit(page, stop, before_send=page.responses.clear)
        if response.status != stop.status:
            problems["status"].append((stop.name, response.status))
        if response.headers.get("referrer-policy") != "no-referrer":
            problems["referrer policy"].append((stop.name, response.headers.get("referrer-policy")))
        page.wait_for_load_state("load")
        foreign = [r.url for r in page.responses if not r.url.startswith((origin, "data:"))]
        if foreign:
            problems["foreign requests"].append((stop.name, foreign))
        weights[stop.name] = compressed_weight(page.responses)
        if weights[stop.name] > MAX_COMPRESSED:
            problems["weight"].append((stop.name, weights[stop.name]))

        found = page.evaluate(STRUCTURE)
        if found["lang"] != language:
            problems["structure"].append((stop.name, "lang", found["lang"]))
        for key in ("mains", "banners", "footers", "h1s"):
            if found[key] != 1:
                problems["structure"].append((stop.name, key, found[key]))
        if found["navs"] < 1:
            problems["structure"].append((stop.name, "no labelled nav"))
        title = " ".join(found["title"].split())
        if stop.status < 400 and stop.send is None:
            titles.setdefault(title, set()).add(stop.path)
        if any(item in title for item in world.personal) or "LGN-" in title:
            problems["personal data in title"].append((stop.name, title))

        axe = page.evaluate(RUN_AXE, WCAG_AA)
        if axe["passed"] < 10:  # axe-core did not really run
            problems["axe"].append((stop.name, f"only {axe['passed']} rules passed"))
        problems["axe"] += [(stop.name, violation) for violation in axe["violations"]]

        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            problems["scrolls sideways"].append((stop.name, 360, overflow))
        page.screenshot(path=str(shots / f"{stop.name}-360.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            problems["scrolls sideways"].append((stop.name, 1280, overflow))
        if language == LANGUAGES[0]:
            page.screenshot(path=str(shots / f"{stop.name}-1280.png"), full_page=True)

        # Last: the skip link moves focus (and the address gains #main).
        if not stop.send and stop.status < 400 and not skip_link_works(page):
            problems["skip link"].append(stop.name)
    context.close()

    problems["titles"] = [(t, sorted(p)) for t, p in titles.items() if len(p) > 1]
    assert SERVER_ERROR_PATH in {s.url for s in stops}
    found = {kind: items for kind, items in problems.items() if items}
    assert found == {}, _report(found)
    print(f"\n{language}: {len(stops)} pages, heaviest {max(weights.values())} bytes compressed")


def test_axe_check_catches_what_it_should(browser, live_server, db):
    """The harness really runs axe-core: a faint text and an unlabelled field on a portal
    page are reported."""
    context, page = open_context(browser, live_server, "en")
    page.goto("/")
    page.evaluate(
        """() => {
        const main = document.querySelector("main");
        main.insertAdjacentHTML("beforeend", '<p id="faint">Faint</p><input type="text">');
        document.getElementById("faint").style.color = "#aaa";
        }"""
    )
    found = {v["id"] for v in page.evaluate(RUN_AXE, WCAG_AA)["violations"]}
    context.close()
    assert {"color-contrast", "label"} <= found


def _report(found: dict) -> str:
    lines = []
    for kind, items in found.items():
        lines.append(f"== {kind} ({len(items)})")
        lines += [f"  {item}" for item in items]
    return "\n".join(lines)
