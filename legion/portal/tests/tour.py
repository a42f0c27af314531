"""A tour of every portal page an applicant can meet, for the browser tests that check
each one (axe-core, landmarks, titles, weight, small screens).

A stop is a page in a given situation: who is signed in (which case, in which state),
and whether its form was sent back with errors. Add a stop here when a page is added
to the portal, and every check covers it in every language.
"""

import datetime as dt
import time
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from legion.advisories.services import case_acknowledge_advisories
from legion.cases.access import access_grant_issue
from legion.cases.models import Case, Document, TravelInstructions, VisaDecision
from legion.cases.states import CaseState
from legion.demo.setup import advisories_create, missions_create
from legion.interviews.models import Interview
from legion.portal.session import SESSION_CASE, SESSION_SEEN
from legion.testing import factories as f
from legion.testing.factories import set_state

# The button that sends a page's main form: the last primary button in <main>.
PRIMARY = "main button.button:not(.button--secondary)"
UPLOAD = "main button[name=upload]"
SERVER_ERROR_PATH = "/tour/server-error/"


@dataclass(frozen=True)
class Stop:
    name: str  # unique in the tour: used in messages and screenshot file names
    url: str
    who: str = ""  # "" for nobody signed in, else a key of World.cases
    # Send the page's form with these values (every other field emptied), to see the
    # page again as the server answers: usually with errors.
    send: dict | None = None
    button: str = PRIMARY
    status: int = 200

    @property
    def path(self) -> str:
        return self.url.split("?")[0]


@dataclass
class World:
    cases: dict[str, Case]
    link_token: str
    first_day: str  # the first day with free interview times, as the booking page names it
    personal: list[str] = field(default_factory=list)  # what must never be in a URL or title


def _documents(case: Case, status: str) -> None:
    for kind in ("passport", "criminal_record", "service_record"):
        f.DocumentFactory(case=case, kind=kind, status=status)


def tour_world() -> World:
    """The demo legion's missions and advisories, and one applicant per situation."""
    missions = missions_create()
    advisories_create()
    london = missions["lon"]
    london.interview_languages = ["en", "uk"]
    london.save()
    today = timezone.localdate()

    draft = f.CaseFactory(mission=london, applicant__given_name="Aleksander")
    f.ServiceRecordFactory(case=draft)

    submitted = f.CaseFactory(mission=london)
    f.ServiceRecordFactory(case=submitted)
    _documents(submitted, Document.Status.PENDING)
    submitted.documents.filter(kind="criminal_record").update(
        status=Document.Status.REJECTED, rejection_reason="The scan is too dark to read."
    )
    case_acknowledge_advisories(case=submitted)
    Case.objects.filter(pk=submitted.pk).update(submitted_at=timezone.now())
    submitted = set_state(submitted, CaseState.SUBMITTED)

    reviewed = f.CaseFactory(mission=london)
    f.ServiceRecordFactory(case=reviewed)
    _documents(reviewed, Document.Status.VERIFIED)
    case_acknowledge_advisories(case=reviewed)
    reviewed = set_state(reviewed, CaseState.IN_REVIEW)
    first = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    first += dt.timedelta(days=3)
    for days, hour in ((0, 0), (0, 1), (1, 0)):
        f.SlotFactory(mission=london, starts_at=first + dt.timedelta(days=days, hours=hour))

    scheduled = f.CaseFactory(mission=london)
    _documents(scheduled, Document.Status.VERIFIED)
    scheduled = set_state(scheduled, CaseState.INTERVIEW_SCHEDULED)
    Interview.objects.create(
        case=scheduled, slot=f.SlotFactory(mission=london, capacity=1), language="en"
    )

    referred = set_state(f.CaseFactory(mission=london), CaseState.REFERRED)
    withdrawn = set_state(f.CaseFactory(mission=london), CaseState.WITHDRAWN)

    instructed = f.CaseFactory(mission=london)
    instructed = set_state(instructed, CaseState.INSTRUCTIONS_ISSUED)
    VisaDecision.objects.create(
        case=instructed, decision="issued", visa_type="D", visa_number="UA1234567",
        valid_from=today, valid_until=today + dt.timedelta(days=90),
    )  # fmt: skip
    TravelInstructions.objects.create(
        case=instructed, entry_point="Krakovets–Korczowa border crossing",
        assembly_point="Lviv, railway station, hall 2", report_by=today + dt.timedelta(days=7),
        documents_to_bring=["passport", "visa"], equipment=["helmet", "body armour"],
        contacts="+380 44 000 0000", language="en",
    )  # fmt: skip

    cases = {
        "draft": draft,
        "submitted": submitted,
        "reviewed": reviewed,
        "scheduled": scheduled,
        "referred": referred,
        "withdrawn": withdrawn,
        "instructed": instructed,
    }
    personal = []
    for case in cases.values():
        a = case.applicant
        personal += [a.given_name + " ", a.surname, a.email, a.passport_number]
        personal.append(a.date_of_birth.isoformat())
    return World(
        cases=cases,
        link_token=access_grant_issue(case=submitted).link_token,
        first_day=_local_day(first, london.timezone),
        personal=personal,
    )


def _local_day(moment: dt.datetime, zone: str) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def session_key(case: Case) -> str:
    """A signed-in applicant session for this case, as a used e-mail link leaves it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_CASE] = case.pk
    store[SESSION_SEEN] = int(time.time())
    store.create()
    return store.session_key


def tour(world: World) -> list[Stop]:
    """Every portal page, signed out and signed in, plain and with its errors shown."""
    stops = [
        Stop("start", "/"),
        Stop("steps", "/how-it-works/"),
        Stop("advice-index", "/advice/"),
        Stop("advice-index-error", "/advice/?country=ZZ", status=400),
    ]
    # One advisory per stance: permitted, individual decision, warned, discouraged,
    # conflicting statements, and no position recorded.
    for country in ("dk", "ca", "au", "us", "gb", "jp"):
        stops.append(Stop(f"advice-{country}", f"/advice/{country}/"))
    stops += [
        Stop("other-ways", "/other-ways-to-help/"),
        Stop("privacy", "/privacy/"),
        Stop("session-ended", "/session-ended/"),
        Stop("signed-out", "/signed-out/"),
        Stop("before-you-start", "/apply/"),
        Stop("mission", "/apply/where/"),
        Stop("mission-error", "/apply/where/", send={}, status=400),
        Stop("return", "/return/"),
        Stop("return-error", "/return/", send={"email": "not an address"}, status=400),
        Stop("return-sent", "/return/sent/"),
        Stop("return-code", "/return/code/"),
        Stop("return-code-error", "/return/code/", send={}, status=400),
        Stop("link", f"/return/link/{world.link_token}/"),
        Stop("link-refused", "/return/link/this-link-is-not-valid/"),
        Stop("not-found", "/no-such-page/", status=404),
        Stop("server-error", SERVER_ERROR_PATH, status=500),
        Stop(
            "csrf-failure",
            "/return/",
            send={"csrfmiddlewaretoken": "x" * 64, "reference": "LGN-AAAA-AAAA"},
            status=403,
        ),
    ]
    draft = [
        ("task-list", "/apply/", None),
        ("mission-signed-in", "/apply/where/", None),
        ("name", "/apply/name/", {}),
        ("birth", "/apply/birth/", {"date_of_birth_0": "31", "date_of_birth_1": "2"}),
        ("nationality", "/apply/nationality/", {}),
        ("passport", "/apply/passport/", {"passport_expiry_2": "1999"}),
        ("contact", "/apply/contact/", {"email": "not an address"}),
        ("address", "/apply/address/", {"address_postcode": "SW1A 1AA!"}),
        ("languages", "/apply/languages/", {"code": "fr"}),
        ("experience", "/apply/experience/", None),
        ("experience-add", "/apply/experience/add/", {"start_year": "1850"}),
        ("criminal-record", "/apply/criminal-record/", {}),
        ("documents", "/apply/documents/", {}),
        ("advice", "/apply/advice/", {}),
        ("check", "/apply/check/", {}),
        ("save", "/apply/save/", {}),
    ]
    buttons = {
        "documents": UPLOAD,
        "status-documents": UPLOAD,
        "languages": "main button[name=add]",
    }
    for name, url, send in draft:
        stops.append(Stop(name, url, who="draft"))
        if send is not None:
            button = buttons.get(name, PRIMARY)
            stops.append(Stop(f"{name}-error", url, "draft", send, button, status=400))
    stops.append(Stop("saved", "/apply/save/", "draft", {"email": "aleks@example.org"}))
    day = world.first_day
    interview = "/my-application/interview/"
    after_sending = [
        # name, url, who, values to send (None: just open it)
        ("sent", "/apply/sent/", "submitted", None),
        ("status-submitted", "/my-application/", "submitted", None),
        ("status-documents", "/my-application/documents/", "submitted", {}),
        ("interview-unavailable", interview, "submitted", None),
        ("withdraw", "/my-application/withdraw/", "submitted", {"reason": "x" * 1001}),
        ("messages", "/my-application/messages/", "reviewed", {}),
        ("status-in-review", "/my-application/", "reviewed", None),
        ("interview-day", interview, "reviewed", None),
        ("interview-time", f"{interview}?day={day}", "reviewed", {"day": day}),
        ("status-interview", "/my-application/", "scheduled", None),
        ("interview-cancel", f"{interview}cancel/", "scheduled", {}),
        ("status-referred", "/my-application/", "referred", None),
        ("status-withdrawn", "/my-application/", "withdrawn", None),
        ("status-instructions", "/my-application/", "instructed", None),
        ("instructions", "/my-application/travel-instructions/", "instructed", None),
    ]
    for name, url, who, send in after_sending:
        stops.append(Stop(name, url, who))
        if send is not None:
            button = buttons.get(name, PRIMARY)
            stops.append(Stop(f"{name}-error", url, who, send, button, status=400))
    # A day without free times (any more): the day question again, with the error.
    stops.append(Stop("interview-day-error", f"{interview}?day=1999-01-01", "reviewed", status=400))
    return stops


# Empty every field of the form the button belongs to, except hidden ones, then set the
# given values and press the button.
SEND_FORM = """([selector, values]) => {
  const button = [...document.querySelectorAll(selector)].pop();
  for (const el of button.form.elements) {
    if (!el.name || el.tagName === "BUTTON") continue;
    if (el.name in values) {
      if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === values[el.name];
      else el.value = values[el.name];
    } else if (el.type === "radio" || el.type === "checkbox") el.checked = false;
    else if (el.type !== "hidden") el.value = "";
  }
  button.click();
}"""


def visit(page, stop: Stop, *, before_send=None):
    """Open the stop's page (sending its form if asked); return the final response.
    `before_send` is called between opening the page and sending the form."""
    response = page.goto(stop.url)
    if stop.send is not None:
        if before_send:
            before_send()
        with page.expect_navigation() as navigation:
            page.evaluate(SEND_FORM, [stop.button, stop.send])
        response = navigation.value
    return response
