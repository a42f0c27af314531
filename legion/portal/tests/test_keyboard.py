"""A whole application with the keyboard only, in a real browser (Debian Chromium).

Nothing is clicked or filled in by the test: it presses Tab, Shift+Tab, the arrow
keys, Enter and Space, and types into whatever has the focus, as a person without a
mouse does; the file chooser is opened with the keyboard too. Every element that
takes the focus on the way must show it (the yellow focus colour). The same run
records every URL the browser requests and every page title: no personal data may
appear in either.
"""

import datetime as dt
import re
from urllib.parse import unquote

import pytest
from django.utils import timezone

from legion.cases.models import Case
from legion.cases.states import CaseState
from legion.demo.setup import advisories_create, missions_create
from legion.testing import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS = "rgb(255, 221, 0)"  # --focus in portal.css

# What has the focus: its accessible name (label, or text), and whether the focus shows.
FOCUSED = """(focus) => {
  const el = document.activeElement;
  const text = s => (s || "").trim().replace(/\\s+/g, " ");
  let name = el.labels && el.labels.length ? el.labels[0].innerText : el.innerText;
  if (!text(name)) name = el.getAttribute("aria-label") || el.value;
  const s = getComputedStyle(el);
  const visible = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2
                   && s.outlineColor === focus)
    || s.backgroundColor === focus || s.boxShadow.includes(focus);
  return {tag: el.tagName.toLowerCase(), type: el.type || "", field: el.name || "",
          name: text(name), checked: !!el.checked, visible: visible,
          html: el.outerHTML.slice(0, 120)};
}"""

APPLICANT = {
    "given": "Ingrid",
    "surname": "Haugland",
    "email": "ingrid.haugland@example.no",
    "passport": "NO7712345",
    "place": "Stavanger",
    "street": "Kongsgårdbakken 3",
    "birth": ("14", "3", "1999"),
}


class Keyboard:
    """A person at the keyboard: moves the focus and types, and notices where the
    focus does not show."""

    def __init__(self, page) -> None:
        self.page = page
        self.invisible: list[str] = []
        self.presses = 0
        self.titles: dict[str, set[str]] = {}  # title: the addresses that had it
        # File dialogs are intercepted from the start: turned on only when an upload
        # waits for one, the interception could arrive after the key press that opens it.
        page.on("filechooser", lambda chooser: None)

    def arrived(self) -> None:
        title = " ".join(self.page.title().split())
        self.titles.setdefault(title, set()).add(self.page.url.split("?")[0])

    def focused(self) -> dict:
        found = self.page.evaluate(FOCUSED, FOCUS)
        # The page's main content, focused by the skip link, is a region, not a control.
        if found["tag"] not in ("body", "main") and not found["visible"]:
            self.invisible.append(f"{self.page.url}: {found['html']}")
        return found

    def press(self, key: str) -> dict:
        self.presses += 1
        self.page.keyboard.press(key)
        return self.focused()

    def tab_to(self, name: str, *, back: bool = False, exact: bool = True, limit: int = 80):
        """Tab (or Shift+Tab) until the element named `name` has the focus."""
        for _ in range(limit):
            found = self.press("Shift+Tab" if back else "Tab")
            if found["name"] == name or (not exact and name in found["name"]):
                return found
        raise AssertionError(f"Tab never reached {name!r} on {self.page.url}")

    def type_into(self, name: str, text: str) -> None:
        self.tab_to(name)
        self.page.keyboard.type(text)

    def choose_radio(self, field: str, name: str) -> None:
        """Tab into the radio group, then arrow down to the option (which selects it)."""
        for _ in range(80):
            found = self.press("Tab")
            if found["type"] == "radio" and found["field"] == field:
                break
        else:
            raise AssertionError(f"Tab never reached the {field} radios on {self.page.url}")
        for _ in range(40):
            if found["name"] == name or name in found["name"]:
                if not found["checked"]:
                    found = self.press("Space")
                assert found["checked"], found
                return
            found = self.press("ArrowDown")
        raise AssertionError(f"No option {name!r} in the {field} radios")

    def choose_option(self, name: str, option: str) -> None:
        """Tab to a select and type the start of the option, as people do."""
        self.tab_to(name)
        self.page.keyboard.type(option)
        chosen = self.page.evaluate("document.activeElement.selectedOptions[0].textContent.trim()")
        assert chosen.startswith(option), (name, chosen)

    def activate(self, name: str, *, key: str = "Enter", **kwargs) -> None:
        """Tab to a link or button and press it; wait for the next page."""
        self.tab_to(name, **kwargs)
        with self.page.expect_navigation():
            self.presses += 1
            self.page.keyboard.press(key)
        self.arrived()

    def upload(self, kind: str, path) -> None:
        self.choose_option("Which document is it?", kind)
        self.tab_to("Upload a file")
        with self.page.expect_file_chooser() as chooser:
            self.press("Space")
        chooser.value.set_files(str(path))
        self.activate("Upload this file")
        assert "was uploaded as" in self.page.locator("main").inner_text()


def type_date(keys: Keyboard, day, month, year) -> None:
    for part, value in (("Day", day), ("Month", month), ("Year", year)):
        keys.type_into(part, str(value))


@pytest.fixture
def legion(db):
    missions_create()
    advisories_create()


def test_whole_application_with_the_keyboard_only(browser, live_server, legion, tmp_path):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    keys = Keyboard(page)
    a = APPLICANT
    expiry = timezone.localdate() + dt.timedelta(days=800)

    page.goto("/")
    keys.arrived()
    skip = keys.press("Tab")
    assert skip["name"] == "Skip to main content"
    keys.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    keys.activate("Start now", key="Space")  # a link that looks like a button
    keys.activate("Continue", key="Space")
    keys.choose_radio("mission", "Norway")
    keys.activate("Continue")

    # Sent empty first: the error summary takes the focus, its link leads to the field.
    keys.activate("Continue")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert keys.tab_to("Enter your given names.")["tag"] == "a"
    assert keys.press("Enter")["name"] == "Given names"
    page.keyboard.type(a["given"])
    keys.type_into("Surname", a["surname"] + "x")
    page.keyboard.press("Backspace")
    keys.activate("Continue")

    type_date(keys, *a["birth"])
    keys.choose_radio("sex", "Female")
    keys.type_into("Place of birth (optional)", a["place"])
    keys.activate("Continue")

    keys.choose_option("Your nationality", "Norway")
    keys.activate("Continue")

    keys.type_into("Passport number", a["passport"])
    keys.choose_option("Country that issued your passport", "Norway")
    type_date(keys, expiry.day, expiry.month, expiry.year)
    keys.activate("Continue")

    keys.type_into("E-mail address", a["email"])
    keys.choose_radio("language", "English")
    keys.activate("Continue")

    keys.type_into("Address line 1", a["street"])
    keys.type_into("Town or city", a["place"])
    keys.type_into("Postcode or ZIP code (optional)", "4005")
    keys.choose_option("Country", "Norway")
    keys.activate("Continue")

    keys.choose_option("Language", "English")
    keys.choose_radio("level", "Fluent")
    keys.activate("Save and continue")

    keys.activate("Add experience")
    keys.choose_radio("kind", "Military")
    keys.type_into("Branch, unit or profession", "Norwegian Army, Brigade Nord")
    keys.type_into("Year you started", "2018")
    keys.type_into("Year you finished (optional)", "2020")
    # Back up with Shift+Tab to the field above and correct it.
    keys.tab_to("Year you started", back=True)
    page.keyboard.press("Control+A")
    page.keyboard.type("2019")
    keys.activate("Add this experience")
    assert "Norwegian Army, Brigade Nord" in page.locator("main").inner_text()
    keys.activate("Continue")

    keys.choose_radio("has_criminal_record", "No")
    keys.activate("Continue")

    for kind, name, content in (
        ("Passport", "passport.pdf", files.pdf().read()),
        ("Criminal record certificate", "record.pdf", files.pdf(extra=b"r").read()),
        ("Proof of military", "discharge.jpg", files.jpeg_bytes()),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        keys.upload(kind, path)
    keys.activate("Continue")

    keys.tab_to("I have read", exact=False)
    assert keys.press("Space")["checked"]
    keys.activate("Confirm and continue")

    assert page.locator("h1").inner_text().startswith("Check your answers")
    keys.activate("Accept and send")
    assert page.locator("h1").inner_text() == "Application sent"

    case = Case.objects.get()
    assert case.state == CaseState.SUBMITTED
    assert (case.applicant.given_name, case.applicant.surname) == (a["given"], a["surname"])
    assert case.service_records.get().start_year == 2019
    assert case.applicant.address_lines == [a["street"], "4005 Stavanger", "Norway"]
    assert case.documents.count() == 3
    assert case.reference in page.locator("main").inner_text()
    context.close()

    assert keys.invisible == [], "focus not visible on:\n" + "\n".join(keys.invisible)
    personal = [a["given"], a["surname"], a["email"], a["passport"], a["place"], a["street"]]
    personal.append("1999")
    personal += ["ingrid", "haugland", "1999-03-14", "14/03/1999", case.reference]
    leaks = [u for u in urls if any(p.lower() in unquote(u).lower() for p in personal)]
    assert leaks == []
    titles = keys.titles
    assert [t for t in titles if any(p.lower() in t.lower() for p in personal)] == []
    # A title names one page: the same title at two addresses would confuse.
    assert {t: p for t, p in titles.items() if len(p) > 1} == {}
    assert len(titles) >= 14 and keys.presses > 100
    assert all(re.search(r" – International Legion$", t) for t in titles)
