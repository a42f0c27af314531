"""Mission isolation, proven over every route of the project.

The routes come from the URL resolver and the API's operations from its OpenAPI
document, so a new page or endpoint is covered as soon as it exists: each must be
classified in ROUTES or API_OPERATIONS below, or this test fails.

- Staff of another mission (and HQ without a review item or a broken glass) get 404
  for every object of the mission, on every method, and the answer holds none of its
  applicant's personal data; nothing they send changes the case.
- An applicant sees only their own case.
- The HQ analyst never receives a personal field, wherever they go.
- Along the way every HTML page is checked for inline script or style (the CSP allows
  neither) and every form for its CSRF token.
"""

import json
import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from legion.advisories.services import case_acknowledge_advisories
from legion.api.tokens import api_token_create
from legion.cases.models import Case, CaseEvent, Document, TravelLetter
from legion.cases.policy import policy_consultations
from legion.conversation.models import CaseMessage
from legion.identity.models import DuplicateCandidate, WatchlistEntry, WatchlistHit
from legion.interviews.models import InterviewSlot
from legion.portal.tests.conftest import sign_in
from legion.testing import factories as f
from legion.testing import files
from legion.testing.auth import StaffClient
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db

PUBLIC = "public page"  # anyone; shows no case
APPLICANT = "applicant's own case"  # the applicant session's case only
SIGN_IN = "sign-in step"  # staff authentication pages; no case data
STAFF = "staff page without an object"  # scoped lists and aggregates
CASE = "one case"  # <reference> (and its documents): 404 outside scope
MISSION = "one mission"  # <mission>: 404 for staff of other missions
REVIEW = "HQ security review"  # duplicate and watch-list items: HQ security only, else 404
ADMIN = "configuration (admin)"  # superusers only; no personal models registered
API = "API operation"  # checked through the OpenAPI document below

ROUTES = {
    "portal:start": PUBLIC,
    "portal:steps": PUBLIC,
    "portal:advice_index": PUBLIC,
    "portal:advice_country": PUBLIC,
    "portal:other_ways": PUBLIC,
    "portal:privacy": PUBLIC,
    "portal:session_ended": PUBLIC,
    "portal:signed_out": PUBLIC,
    "portal:set_language": PUBLIC,
    "portal:access_request": PUBLIC,
    "portal:access_sent": PUBLIC,
    "portal:access_code": PUBLIC,
    "portal:access_link": PUBLIC,
    "portal:letter_check_form": PUBLIC,
    "portal:letter_check": PUBLIC,
    "portal:apply": APPLICANT,
    "portal:apply_mission": APPLICANT,
    "portal:apply_languages": APPLICANT,
    "portal:apply_language_remove": APPLICANT,
    "portal:apply_experience": APPLICANT,
    "portal:apply_experience_add": APPLICANT,
    "portal:apply_experience_remove": APPLICANT,
    "portal:apply_documents": APPLICANT,
    "portal:apply_document_remove": APPLICANT,
    "portal:apply_advice": APPLICANT,
    "portal:apply_check": APPLICANT,
    "portal:apply_sent": APPLICANT,
    "portal:apply_save": APPLICANT,
    "portal:apply_question": APPLICANT,
    "portal:sign_out": APPLICANT,
    "portal:status": APPLICANT,
    "portal:messages": APPLICANT,
    "portal:message_attachment": APPLICANT,
    "portal:status_documents": APPLICANT,
    "portal:interview_book": APPLICANT,
    "portal:interview_cancel": APPLICANT,
    "portal:withdraw": APPLICANT,
    "portal:appeal": APPLICANT,
    "portal:travel_instructions": APPLICANT,
    "portal:travel_instructions_pdf": APPLICANT,
    "accounts:enrol": SIGN_IN,
    "accounts:verify": SIGN_IN,
    "accounts:reauth": SIGN_IN,
    "accounts:recovery_codes": SIGN_IN,
    "accounts:logout": SIGN_IN,
    "workspace:login": SIGN_IN,
    "workspace:logout": SIGN_IN,
    "workspace:home": STAFF,
    "audit:break_glass": STAFF,
    "audit:break_glass_log": STAFF,
    "reports:dashboard": STAFF,
    "reports:export": STAFF,
    "dashboard:dashboard": STAFF,
    "dashboard:csv": STAFF,
    "workspace:queue": MISSION,
    "workspace:queue_bulk": MISSION,
    "workspace:calendar": MISSION,
    "workspace:application_take": MISSION,
    "workspace:slot_cancel": MISSION,
    "workspace:case": CASE,
    "workspace:case_action": CASE,
    "workspace:case_assign": CASE,
    "workspace:case_transfer": CASE,
    "workspace:case_note_add": CASE,
    "workspace:case_message_send": CASE,
    "workspace:information_request": CASE,
    "workspace:appeal_decide": CASE,
    "workspace:interview_book": CASE,
    "workspace:document": CASE,
    "workspace:document_file": CASE,
    "workspace:document_verify": CASE,
    "workspace:document_reject": CASE,
    "workspace:assessment": CASE,
    "workspace:visa": CASE,
    "workspace:instructions": CASE,
    "workspace:instructions_pdf": CASE,
    "exports:new": MISSION,
    # The requester's own export only: anyone else's is 404, whoever they are.
    "exports:detail": STAFF,
    "exports:file": STAFF,
    "security:queue": REVIEW,
    "security:duplicate": REVIEW,
    "security:hit": REVIEW,
    "security:decide": REVIEW,
}

API_OPERATIONS = {
    ("get", "/api/v1/cases"): STAFF,
    ("post", "/api/v1/cases/bulk-transitions"): CASE,
    ("get", "/api/v1/cases/{reference}"): CASE,
    ("get", "/api/v1/cases/{reference}/actions"): CASE,
    ("post", "/api/v1/cases/{reference}/transitions"): CASE,
    ("post", "/api/v1/cases/{reference}/assignment"): CASE,
    ("post", "/api/v1/cases/{reference}/interview"): CASE,
    ("post", "/api/v1/cases/{reference}/interview/cancellation"): CASE,
    ("post", "/api/v1/cases/{reference}/assessments/{kind}"): CASE,
    ("post", "/api/v1/cases/{reference}/visa"): CASE,
    ("post", "/api/v1/cases/{reference}/visa/refusal"): CASE,
    ("post", "/api/v1/cases/{reference}/instructions"): CASE,
    ("post", "/api/v1/cases/{reference}/transfer"): CASE,
    ("get", "/api/v1/cases/{reference}/documents"): CASE,
    ("post", "/api/v1/cases/{reference}/documents"): CASE,
    ("get", "/api/v1/cases/{reference}/documents/{document_id}/file"): CASE,
    ("post", "/api/v1/cases/{reference}/documents/{document_id}/verification"): CASE,
    ("post", "/api/v1/cases/{reference}/documents/{document_id}/rejection"): CASE,
    ("get", "/api/v1/cases/{reference}/messages"): CASE,
    ("post", "/api/v1/cases/{reference}/messages"): CASE,
    ("get", "/api/v1/cases/{reference}/notes"): CASE,
    ("post", "/api/v1/cases/{reference}/notes"): CASE,
    ("get", "/api/v1/cases/{reference}/information-requests"): CASE,
    ("post", "/api/v1/cases/{reference}/information-requests"): CASE,
    ("get", "/api/v1/missions"): PUBLIC,
    ("get", "/api/v1/missions/{code}/slots"): MISSION,
    ("get", "/api/v1/statistics"): STAFF,
    ("post", "/api/v1/cases/{reference}/submission"): CASE,
    ("post", "/api/v1/cases/bulk/document-verifications"): CASE,
    # The applicant's side: starting a draft and getting in show no case; the rest
    # takes an applicant token, which opens that applicant's own case only.
    ("post", "/api/v1/applicant/drafts"): PUBLIC,
    ("post", "/api/v1/applicant/access-emails"): PUBLIC,
    ("post", "/api/v1/applicant/sessions"): PUBLIC,
    ("delete", "/api/v1/applicant/session"): APPLICANT,
    ("get", "/api/v1/applicant/case"): APPLICANT,
    ("patch", "/api/v1/applicant/case/answers"): APPLICANT,
    ("post", "/api/v1/applicant/case/mission"): APPLICANT,
    ("post", "/api/v1/applicant/case/languages"): APPLICANT,
    ("delete", "/api/v1/applicant/case/languages/{code}"): APPLICANT,
    ("post", "/api/v1/applicant/case/service-records"): APPLICANT,
    ("delete", "/api/v1/applicant/case/service-records/{record_id}"): APPLICANT,
    ("get", "/api/v1/applicant/case/advisories"): APPLICANT,
    ("post", "/api/v1/applicant/case/advisory-acknowledgement"): APPLICANT,
    ("post", "/api/v1/applicant/case/documents"): APPLICANT,
    ("delete", "/api/v1/applicant/case/documents/{document_id}"): APPLICANT,
    ("post", "/api/v1/applicant/case/submission"): APPLICANT,
    ("post", "/api/v1/applicant/case/withdrawal"): APPLICANT,
    ("get", "/api/v1/applicant/case/messages"): APPLICANT,
    ("post", "/api/v1/applicant/case/messages"): APPLICANT,
    ("get", "/api/v1/applicant/case/slots"): APPLICANT,
    ("post", "/api/v1/applicant/case/interview"): APPLICANT,
    ("post", "/api/v1/applicant/case/interview/cancellation"): APPLICANT,
}


API_OPERATIONS |= {
    ("post", "/api/v1/cases/{reference}/submission"): CASE,
    ("post", "/api/v1/cases/bulk/document-verifications"): CASE,
    # The applicant's own API: an applicant token opens its own case only; a staff token
    # opens nothing there.
    ("post", "/api/v1/applicant/drafts"): PUBLIC,
    ("post", "/api/v1/applicant/access-emails"): PUBLIC,
    ("post", "/api/v1/applicant/sessions"): PUBLIC,
    **{
        (method, f"/api/v1/applicant/{tail}"): APPLICANT
        for method, tail in (
            ("delete", "session"),
            ("get", "case"),
            ("patch", "case/answers"),
            ("post", "case/mission"),
            ("post", "case/languages"),
            ("delete", "case/languages/{code}"),
            ("post", "case/service-records"),
            ("delete", "case/service-records/{record_id}"),
            ("get", "case/advisories"),
            ("post", "case/advisory-acknowledgement"),
            ("post", "case/documents"),
            ("delete", "case/documents/{document_id}"),
            ("post", "case/submission"),
            ("post", "case/withdrawal"),
            ("get", "case/messages"),
            ("post", "case/messages"),
            ("get", "case/slots"),
            ("post", "case/interview"),
            ("post", "case/interview/cancellation"),
        )
    },
}


@dataclass(frozen=True)
class Route:
    name: str
    template: str
    kwargs: tuple[str, ...]


def project_routes() -> list[Route]:
    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                joined = f"{namespace}:{inner}" if namespace and inner else namespace or inner
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), joined)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if pattern.name else ""
                converters = getattr(pattern.pattern, "converters", {})
                kwargs = tuple(converters) or tuple(pattern.pattern.regex.groupindex)
                yield Route(name, prefix + str(pattern.pattern), kwargs)

    return list(walk(get_resolver().url_patterns))


def kind_of(route: Route) -> str | None:
    if route.name.startswith("admin:") or route.template.startswith("admin/"):
        return ADMIN
    if route.name.startswith("api:"):
        return API
    return ROUTES.get(route.name)


# ------------------------------------------------------------------ the two missions


PERSONAL_A = {
    "given_name": "Archibald",
    "surname": "Quillfeather",
    "native_name": "Арчибальд Квілфезер",
    "email": "a.quillfeather@example.org",
    "phone": "+44 7700 900461",
    "address_line_1": "7 Rookery Lane",
    "address_town": "Farnborough",
    "address_postcode": "GU12 4QX",
    "passport_number": "GBQ7731904",
}
PERSONAL_B = {
    "given_name": "Beatrix",
    "surname": "Thornycroft",
    "email": "b.thornycroft@example.ca",
    "passport_number": "CAT5518842",
}


PERSONAL_REVIEW = {
    "given_name": "Cuthbert",
    "surname": "Wolstenholme",
    "passport_number": "GBW4410027",
}


def personal_values(values: dict) -> list[bytes]:
    return [v.encode() for v in values.values()]


@dataclass
class World:
    case_a: Case  # London, travel instructions issued: every page has something to show
    case_b: Case  # Ottawa, submitted
    document_a: Document
    slot_a: InterviewSlot
    duplicate: DuplicateCandidate  # between two other cases, so case A stays out of HQ's scope
    hit: WatchlistHit
    message_a: CaseMessage  # the mission's message to A, with A's document attached
    letter_code_a: str  # the code of A's travel letter (the public check shows initials only)
    london_staff: dict
    foreign_staff: dict  # Ottawa's staff and HQ: nothing of London's case is theirs
    analyst: object
    admin: object


@pytest.fixture
def world(london, ottawa, officer, attache, consul, security, analyst, admin_user, risk_notice):
    case_a = f.CaseFactory(mission=london, applicant__nationality="GB", **_applicant(PERSONAL_A))
    f.ServiceRecordFactory(case=case_a)
    for kind in ("passport", "criminal_record", "service_record"):
        f.DocumentFactory(case=case_a, kind=kind)
    f.AdvisoryFactory(nationality="GB")
    case_acknowledge_advisories(case=case_a)
    steps.instructions_issued(case_a, officer, attache, consul)
    case_b = f.CaseFactory(mission=ottawa, applicant__nationality="CA", **_applicant(PERSONAL_B))
    f.DocumentFactory(case=case_b, kind="passport")
    f.AdvisoryFactory(nationality="CA")
    case_acknowledge_advisories(case=case_b)
    steps.submitted(case_b)
    ottawa_staff = {
        role: f.MembershipFactory(user__username=f"ott.{role}", role=role, mission=ottawa).user
        for role in ("defence_attache", "consul")
    }
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    under_review = [
        f.CaseFactory(mission=mission, **_applicant(PERSONAL_REVIEW))
        for mission in (london, ottawa)
    ]
    duplicate = DuplicateCandidate.objects.create(
        case=under_review[0], other_case=under_review[1], score=0.97
    )
    entry = WatchlistEntry.objects.create(
        source="test", entity_id="x1", caption="Someone Listed", properties={"name": ["x"]}
    )
    hit = WatchlistHit.objects.create(case=under_review[1], entry=entry, score=0.9)
    message_a = CaseMessage.objects.create(
        case=case_a,
        sender=CaseMessage.Sender.MISSION,
        author_label=officer.username,
        body="Your letter is attached.",
        document=case_a.documents.first(),
    )
    return World(
        case_a=Case.objects.get(pk=case_a.pk),
        case_b=Case.objects.get(pk=case_b.pk),
        document_a=case_a.documents.first(),
        slot_a=InterviewSlot.objects.filter(mission=london).first(),
        duplicate=duplicate,
        hit=hit,
        message_a=message_a,
        letter_code_a=TravelLetter.objects.get(case=case_a).code,
        london_staff={"officer": officer, "attache": attache, "consul": consul},
        foreign_staff={
            "ottawa officer": _outsider(ottawa),
            "ottawa attaché": ottawa_staff["defence_attache"],
            "ottawa consul": ottawa_staff["consul"],
            "hq security": security,
            "hq analyst": analyst,
            "administrator": admin_user,
        },
        analyst=analyst,
        admin=admin_user,
    )


def _applicant(values: dict) -> dict:
    return {f"applicant__{k}": v for k, v in values.items()}


def _outsider(ottawa):
    return f.MembershipFactory(
        user__username="ott.officer", role="consular_officer", mission=ottawa
    ).user


def staff_client(user) -> StaffClient:
    client = StaffClient()
    client.force_login(user)
    client.reauthenticate()
    return client


def url_for(route: Route, world: World) -> str:
    values = {
        "reference": world.case_a.reference,
        "document_id": world.document_a.pk,
        "mission": world.case_a.mission.code,
        "slot_id": world.slot_a.pk if world.slot_a else 1,
        "kind": "military",
        "country": "GB",
        "slug": "personal",
        "token": "not-a-real-token",
        "code": world.letter_code_a,
        "app_label": "missions",
        "pk": world.duplicate.pk,
        "chart": "all",
        "message_id": world.message_a.pk,
        "export_id": "00000000-0000-4000-8000-000000000000",
    }
    if route.name == "security:hit":
        values["pk"] = world.hit.pk
    if route.name == "security:decide":
        values["kind"] = "duplicate"
    return reverse(route.name, kwargs={k: values[k] for k in route.kwargs})


# ------------------------------------------------------------------ page hygiene

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(rb"<style\b|\sstyle=|\son[a-z]+=", re.I)
POST_FORM = re.compile(rb"<form\b[^>]*method=[\"']?post[^>]*>(.*?)</form>", re.I | re.S)


def check_page(response, where: str) -> None:
    """Every HTML page: CSP sent, no inline script or style, a CSRF token in every form."""
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return
    assert "Content-Security-Policy" in response, where
    body = response.content
    assert not INLINE_SCRIPT.search(body), f"inline <script> on {where}"
    assert not INLINE_STYLE.search(body), f"inline style or event handler on {where}"
    for form in POST_FORM.findall(body):
        assert b'name="csrfmiddlewaretoken"' in form, f"form without CSRF token on {where}"


def assert_private(response, values: list[bytes], where: str) -> None:
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    leaked = [v for v in values if v in body]
    assert not leaked, f"{where} leaked {leaked}"


# ------------------------------------------------------------------ the tests


def test_every_route_and_api_operation_is_classified(client):
    unclassified = [r.template for r in project_routes() if kind_of(r) is None]
    assert unclassified == [], f"Classify these routes in ROUTES: {unclassified}"
    schema = client.get("/api/v1/openapi.json").json()
    operations = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    assert operations - set(API_OPERATIONS) == set(), "Classify these in API_OPERATIONS"


# What a route of each kind must ask the access policy (legion.cases.policy) before it
# answers: which cases, which mission, or what the staff member may do.
ASKS = {CASE: "case", MISSION: "mission", REVIEW: "staff", STAFF: None}


def test_every_route_and_api_operation_asks_the_access_policy(world):
    """A page or operation that answers about cases or missions without asking the policy
    (its own query, its own role check) fails here, whatever else it does."""
    user = world.foreign_staff["ottawa officer"]
    browser = staff_client(user)
    for route in project_routes():
        kind = kind_of(route)
        if kind not in ASKS:
            continue
        url = url_for(route, world)
        for method in ("get", "post"):
            with policy_consultations() as asked:
                response = getattr(browser, method)(url)
            if response.status_code == 405:
                continue
            expected = ASKS[kind]
            assert asked if expected is None else expected in asked, (
                f"{method.upper()} {url} answered without asking the policy ({asked})"
            )
    _, raw = api_token_create(username=user.username, name="policy", scope="read_write")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method in operations:
            kind = API_OPERATIONS[(method, path)]
            if kind not in ASKS:
                continue
            url = (
                path.replace("{reference}", world.case_a.reference)
                .replace("{code}", world.case_a.mission.code)
                .replace("{kind}", "military")
                .replace("{document_id}", str(world.document_a.pk))
            )
            with policy_consultations() as asked:
                if method == "get":
                    api.get(url)
                elif path.endswith("/documents"):  # a file upload
                    api.post(url, {"kind": "other", "file": files.pdf()})
                else:
                    body = json.dumps(_api_body(path, world))
                    getattr(api, method)(url, body, content_type="application/json")
            expected = ASKS[kind]
            assert asked if expected is None else expected in asked, (
                f"API {method.upper()} {path} answered without asking the policy ({asked})"
            )


def test_staff_of_another_mission_get_404_for_every_case_and_mission_route(world):
    before = (
        Case.objects.get(pk=world.case_a.pk).state,
        CaseEvent.objects.filter(case=world.case_a).count(),
    )
    routes = [r for r in project_routes() if kind_of(r) in (CASE, MISSION)]
    assert len(routes) >= 17
    secret = personal_values(PERSONAL_A)
    consul = staff_client(world.london_staff["consul"])
    for route in routes:
        url = url_for(route, world)
        own = {m: getattr(consul, m)(url).status_code for m in ("get", "post")}
        officer_own = staff_client(world.london_staff["officer"]).get(url).status_code
        # The address is right: the mission's own staff reach it (405: not that method).
        assert {own["get"], own["post"], officer_own} - {404, 405}, f"{url} reaches nothing"
        for who, user in world.foreign_staff.items():
            client = staff_client(user)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                expected = {404, 405} if own[method] == 405 else {404}
                assert response.status_code in expected, f"{who} {method.upper()} {url}"
                assert_private(response, secret, f"{who} {method.upper()} {url}")
    assert (
        Case.objects.get(pk=world.case_a.pk).state,
        CaseEvent.objects.filter(case=world.case_a).count(),
    ) == before


def test_review_items_are_for_hq_security_only(world):
    routes = [r for r in project_routes() if kind_of(r) == REVIEW]
    assert len(routes) >= 4
    secret = personal_values(PERSONAL_REVIEW)
    security = staff_client(world.foreign_staff["hq security"])
    others = {
        **world.london_staff,
        **{who: u for who, u in world.foreign_staff.items() if who != "hq security"},
    }
    for route in routes:
        url = url_for(route, world)
        method = "post" if route.name == "security:decide" else "get"
        if method == "get":
            assert security.get(url).status_code == 200, f"HQ security GET {url}"
        for who, user in others.items():
            response = getattr(staff_client(user), method)(url, {"decision": "confirm"})
            assert response.status_code == 404, f"{who} {method.upper()} {url}"
            assert_private(response, secret, f"{who} {method.upper()} {url}")
    world.duplicate.refresh_from_db()
    assert world.duplicate.status == "open"


def test_api_gives_staff_of_another_mission_404_for_every_case_operation(world, client):
    schema = client.get("/api/v1/openapi.json").json()
    secret = personal_values(PERSONAL_A)
    before = (
        Case.objects.get(pk=world.case_a.pk).state,
        CaseEvent.objects.filter(case=world.case_a).count(),
    )
    for who, user in world.foreign_staff.items():
        _, raw = api_token_create(username=user.username, name="isolation", scope="read_write")
        api = Client(headers={"Authorization": f"Bearer {raw}"})
        for path, operations in schema["paths"].items():
            for method in operations:
                kind = API_OPERATIONS[(method, path)]
                url = (
                    path.replace("{reference}", world.case_a.reference)
                    .replace("{code}", world.case_a.mission.code)
                    .replace("{kind}", "military")
                    .replace("{document_id}", str(world.document_a.pk))
                )
                body = json.dumps(_api_body(path, world))
                if method == "get":
                    response = api.get(url)
                elif path.endswith("/documents"):  # an upload is a multipart form
                    response = api.post(url, {"kind": "passport", "file": files.pdf()})
                else:
                    response = api.post(url, body, content_type="application/json")
                where = f"API {who} {method.upper()} {url}"
                assert_private(response, secret, where)
                if kind == CASE and "{reference}" in path:
                    assert response.status_code == 404, where
                elif kind == CASE:  # bulk: every reference refused as unknown
                    assert all(not r["ok"] for r in response.json()["results"]), where
                elif kind == MISSION and who.startswith("ottawa"):
                    assert response.status_code == 404, where
                elif path == "/api/v1/cases" and response.status_code == 200:
                    listed = {c["reference"] for c in response.json()["results"]}
                    assert world.case_a.reference not in listed, where
    assert (
        Case.objects.get(pk=world.case_a.pk).state,
        CaseEvent.objects.filter(case=world.case_a).count(),
    ) == before


def _api_body(path: str, world: World) -> dict:
    if path.endswith("document-verifications"):
        return {"references": [world.case_a.reference]}
    if path.endswith("bulk-transitions"):
        return {"references": [world.case_a.reference], "action": "record_arrival", "reason": ""}
    if path.endswith("transitions"):
        return {"action": "record_arrival", "reason": ""}
    if path.endswith("assignment"):
        return {"assignee": None}
    # Valid bodies, so that the answer is about scope (404), not about the input.
    return {
        "interview": {"slot_id": 1},
        "cancellation": {"reason": "moved"},
        "military": {"favourable": True, "suitability": "suitable"},
        "visa": {"visa_type": "D", "visa_number": "1", "valid_from": "2026-01-01",
                 "valid_until": "2026-06-01"},
        "refusal": {"reason": "forged"},
        "instructions": {"entry_point": "a", "assembly_point": "b", "report_by": "2026-01-01",
                         "contacts": "c"},
        "transfer": {"mission": "ott", "reason": "moved"},
        "rejection": {"reason": "unreadable"},
        "messages": {"body": "Hello"},
        "notes": {"body": "A note"},
        "information-requests": {"question": "Your passport?", "due_on": "2099-01-01"},
    }.get(path.rsplit("/", 1)[-1].replace("{kind}", "military"), {})  # fmt: skip


def test_applicants_see_only_their_own_case(world):
    """Applicant B's session, on every applicant and public page, never shows A."""
    secret = personal_values(PERSONAL_A)
    before = (
        Case.objects.get(pk=world.case_a.pk).state,
        CaseEvent.objects.filter(case=world.case_a).count(),
    )
    client = sign_in(Client(), world.case_b)
    own = client.get(reverse("portal:status"))
    assert own.status_code == 200 and world.case_b.reference.encode() in own.content
    for route in project_routes():
        if kind_of(route) in (API, ADMIN):
            continue
        url = url_for(route, world)
        for method in ("get", "post"):
            client = sign_in(Client(), world.case_b)
            response = getattr(client, method)(url)
            assert_private(response, secret, f"applicant B {method.upper()} {url}")
            check_page(response, url)
    assert (
        Case.objects.get(pk=world.case_a.pk).state,
        CaseEvent.objects.filter(case=world.case_a).count(),
    ) == before


def test_hq_analyst_never_receives_a_personal_field(world, client):
    secret = personal_values(PERSONAL_A) + personal_values(PERSONAL_B)
    browser = staff_client(world.analyst)
    for route in project_routes():
        if kind_of(route) in (API, ADMIN) or route.name in ("accounts:logout", "workspace:logout"):
            continue
        url = url_for(route, world)
        response = browser.get(url)
        assert_private(response, secret, f"analyst GET {url}")
        check_page(response, url)
    _, raw = api_token_create(username=world.analyst.username, name="isolation", scope="read_write")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        if "get" in operations:
            url = path.replace("{reference}", world.case_a.reference).replace(
                "{code}", world.case_a.mission.code
            )
            assert_private(api.get(url), secret, f"analyst API GET {url}")
    assert api.get("/api/v1/statistics").status_code == 200


def test_public_pages_show_no_case(world):
    secret = personal_values(PERSONAL_A) + personal_values(PERSONAL_B)
    for route in project_routes():
        if kind_of(route) in (PUBLIC, SIGN_IN):
            url = url_for(route, world)
            response = Client().get(url)
            assert_private(response, secret, f"anonymous GET {url}")
            check_page(response, url)


def test_staff_pages_are_clean_and_every_post_needs_a_csrf_token(world):
    consul = world.london_staff["consul"]
    browser = staff_client(consul)
    strict = StaffClient(enforce_csrf_checks=True)
    strict.force_login(consul)
    strict.reauthenticate()
    for route in project_routes():
        if kind_of(route) not in (STAFF, CASE, MISSION, SIGN_IN):
            continue
        url = url_for(route, world)
        check_page(browser.get(url), url)
        response = strict.post(url, {"anything": "1"})
        assert response.status_code in (403, 405), f"POST {url} without CSRF token accepted"


def test_admin_is_for_superusers_and_shows_no_personal_data(world):
    secret = personal_values(PERSONAL_A) + personal_values(PERSONAL_B)
    for who, user in world.london_staff.items():
        response = staff_client(user).get(reverse("admin:index"))
        assert response.status_code == 302, who
    browser = staff_client(world.admin)
    pages = [reverse("admin:index")] + [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in admin.site._registry
    ]
    for url in pages:
        response = browser.get(url)
        assert response.status_code == 200, url
        assert_private(response, secret, f"admin {url}")
