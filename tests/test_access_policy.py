"""One access policy behind every face: each role of conftest.py's matrix, against the
same cases, sees the same cases and the same parts of each case through the staff
workspace (queue and case page), the API (list and detail) and the CLI (`legion case
list/show`), and exactly what the policy's table below says.

The cases: a draft, a submitted case, an interviewed case (both assessments signed) and
a case named in a watch-list review item, all at London, and a submitted case at Ottawa.
"""

from __future__ import annotations

import ast
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from legion.api.tokens import api_token_create
from legion.cases.models import Case
from legion.identity.models import WatchlistEntry, WatchlistHit
from legion.interviews.models import Assessment, InterviewSlot
from legion.testing import factories as f
from legion.testing.auth import StaffClient
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db

ROLES = ("officer", "attache", "consul", "outsider", "security", "analyst", "admin_user")
CASES = ("draft", "submitted", "interviewed", "review", "other")
ALL_KINDS = frozenset({"passport", "criminal_record", "service_record"})
WHOLE_CASE = {"identity", "contact", "passport", "interview", "assessments"}

# What each role reaches, and what it sees of each case it reaches (the policy's rules,
# written out by hand so that a change to the policy is a change to this table too).
VISIBLE = {
    "officer": {"submitted", "interviewed", "review"},
    "consul": {"submitted", "interviewed", "review"},
    "attache": {"interviewed"},
    "outsider": {"other"},
    "security": {"review"},
    "analyst": set(),
    "admin_user": set(),
}
SEES = {
    "officer": (WHOLE_CASE, ALL_KINDS),
    "consul": (WHOLE_CASE, ALL_KINDS),
    "attache": ({"identity", "interview", "assessments"}, frozenset({"service_record"})),
    "outsider": (WHOLE_CASE, ALL_KINDS),
    "security": ({"identity", "passport"}, frozenset({"passport"})),
}
REFERENCE = re.compile(r"LGN-[0-9A-Z]{4}-[0-9A-Z]{4}")
ASSESSMENT_NOTES = "Described the Kharkiv deployment in detail"
INTERVIEW_ROOM = "Annex B, room 14"


@dataclass(frozen=True)
class Marks:
    """Strings that only one part of one case holds, to find that part in any output."""

    identity: str
    contact: str
    passport: str
    interview: str
    assessments: str


@dataclass
class World:
    cases: dict[str, Case]
    marks: dict[str, Marks]
    documents: dict[str, dict[int, str]]  # case -> document id -> kind
    users: dict[str, object]


def _london_case(london, n: int) -> Case:
    case = f.CaseFactory(
        mission=london,
        applicant__nationality="GB",
        applicant__surname=f"Quillfeather{n}",
        applicant__email=f"quill{n}@example.org",
        applicant__passport_number=f"GBQ77{n:05d}",
    )
    f.ServiceRecordFactory(case=case)
    for kind in sorted(ALL_KINDS):
        f.DocumentFactory(case=case, kind=kind)
    from legion.advisories.services import case_acknowledge_advisories

    case_acknowledge_advisories(case=case)
    return case


@pytest.fixture
def world(london, ottawa, officer, attache, consul, outsider, security, analyst, admin_user):
    from legion.advisories.models import Advisory

    Advisory.objects.create(nationality="", stance="warned", source="x", reviewed_on="2022-03-09")
    f.AdvisoryFactory(nationality="GB")
    cases = {name: _london_case(london, n) for n, name in enumerate(CASES)}
    Case.objects.filter(pk=cases["other"].pk).update(mission=ottawa)
    for name in ("submitted", "review", "other"):
        steps.submitted(cases[name])
    steps.interviewed(cases["interviewed"], officer, attache, consul)
    InterviewSlot.objects.filter(interviews__case=cases["interviewed"]).update(
        location=INTERVIEW_ROOM
    )
    Assessment.objects.filter(interview__case=cases["interviewed"], kind="military").update(
        notes=ASSESSMENT_NOTES
    )
    entry = WatchlistEntry.objects.create(
        source="test", entity_id="x1", caption="Someone Listed", properties={"name": ["x"]}
    )
    WatchlistHit.objects.create(case=cases["review"], entry=entry, score=0.9)
    cases = {name: Case.objects.get(pk=case.pk) for name, case in cases.items()}
    marks = {
        name: Marks(
            identity=case.applicant.surname,
            contact=case.applicant.email,
            passport=case.applicant.passport_number,
            interview=INTERVIEW_ROOM,
            assessments=ASSESSMENT_NOTES,
        )
        for name, case in cases.items()
    }
    documents = {name: {d.pk: d.kind for d in case.documents.all()} for name, case in cases.items()}
    users = {
        "officer": officer,
        "attache": attache,
        "consul": consul,
        "outsider": outsider,
        "security": security,
        "analyst": analyst,
        "admin_user": admin_user,
    }
    return World(cases, marks, documents, users)


@dataclass(frozen=True)
class Seen:
    """What one face showed one role of one case: the parts and the document kinds."""

    parts: frozenset[str]
    kinds: frozenset[str]


def _parts(text: str, marks: Marks, interviewed: bool) -> frozenset[str]:
    parts = {"identity", "contact", "passport"}
    if interviewed:  # only that case has an interview and assessments to show
        parts |= {"interview", "assessments"}
    return frozenset(p for p in parts if getattr(marks, p) in text)


# ------------------------------------------------------------------ the three faces


class Web:
    def __init__(self, user) -> None:
        self.user = user
        self.client = StaffClient()
        self.client.force_login(user)
        self.client.reauthenticate()

    def listed(self, world: World) -> set[str]:
        """Every queue of the user's missions ("all" tab), and HQ security's review queue."""
        from legion.cases.policy import missions_for
        from legion.missions.actors import Actor

        pages = [
            reverse("workspace:queue", args=[m.code]) + "?state=all"
            for m in missions_for(Actor.staff(self.user))
        ]
        pages.append(reverse("security:queue") + "?status=")
        found: set[str] = set()
        for url in pages:
            response = self.client.get(url)
            if response.status_code == 200:
                found |= set(REFERENCE.findall(response.content.decode()))
        return found

    def shown(self, world: World, name: str) -> Seen | None:
        case = world.cases[name]
        response = self.client.get(reverse("workspace:case", args=[case.reference]))
        if response.status_code == 404:
            return None
        assert response.status_code == 200
        text = response.content.decode()
        kinds = {
            kind
            for pk, kind in world.documents[name].items()
            if reverse("workspace:document", args=[case.reference, pk]) in text
        }
        return Seen(_parts(text, world.marks[name], name == "interviewed"), frozenset(kinds))


class Api:
    def __init__(self, user) -> None:
        _, raw = api_token_create(username=user.username, name="matrix", scope="read")
        self.client = Client(headers={"Authorization": f"Bearer {raw}"})

    def listed(self, world: World) -> set[str]:
        response = self.client.get("/api/v1/cases", {"page_size": 200})
        return {c["reference"] for c in response.json()["results"]}

    def shown(self, world: World, name: str) -> Seen | None:
        response = self.client.get(f"/api/v1/cases/{world.cases[name].reference}")
        if response.status_code == 404:
            return None
        assert response.status_code == 200
        body = response.json()
        kinds = {d["kind"] for d in body["documents"] or []}
        parts = _parts(json.dumps(body), world.marks[name], name == "interviewed")
        # What is masked is null, and `sees` says so.
        for part, key in (
            ("identity", "applicant"),
            ("contact", "contact"),
            ("passport", "passport"),
        ):
            assert (body[key] is not None) == (part in body["sees"]), (part, body["sees"])
        return Seen(parts, frozenset(kinds))


class Cli:
    def __init__(self, user) -> None:
        self.username = user.username

    def run(self, *args: str) -> str:
        out = io.StringIO()
        call_command("case", *args, "--as", self.username, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def listed(self, world: World) -> set[str]:
        return set(REFERENCE.findall(self.run("list", "--limit", "500")))

    def shown(self, world: World, name: str) -> Seen | None:
        try:
            text = self.run("show", world.cases[name].reference)
        except CommandError as exc:
            assert exc.returncode == 1
            return None
        kinds = set(re.findall(r"^    (passport|criminal_record|service_record) ", text, re.M))
        return Seen(_parts(text, world.marks[name], name == "interviewed"), frozenset(kinds))


FACES = {"web": Web, "api": Api, "cli": Cli}


@pytest.mark.parametrize("role", ROLES)
def test_every_face_shows_each_role_the_same_cases_and_the_same_parts(world, role):
    user = world.users[role]
    expected_refs = {world.cases[name].reference for name in VISIBLE[role]}
    seen: dict[str, dict[str, Seen | None]] = {}
    for face_name, face in FACES.items():
        client = face(user)
        assert client.listed(world) == expected_refs, f"{face_name} lists for {role}"
        seen[face_name] = {name: client.shown(world, name) for name in CASES}
    for name in CASES:
        answers = {face: seen[face][name] for face in FACES}
        if name not in VISIBLE[role]:
            assert set(answers.values()) == {None}, f"{role} reaches {name}: {answers}"
            continue
        parts, kinds = SEES[role]
        if name != "interviewed":
            parts = parts - {"interview", "assessments"}
        expected = Seen(frozenset(parts), kinds)
        assert answers == dict.fromkeys(FACES, expected), f"{role} on {name}"


# ------------------------------------------------------------------ no role in a face

FACES_DIRS = ("legion/api", "legion/workspace", "legion/portal", "legion/reports")
FACE_FILES = ("legion/identity/views.py", "legion/audit/views.py", "legion/cli.py")
# Names that carry a role decision: the roles themselves and the actor's role questions.
ROLE_NAMES = {"Role", "HQ_ROLES", "MISSION_ROLES", "SLOT_MANAGERS", "PIPELINE_ROLES"}
ROLE_ATTRIBUTES = {"has_role", "hq_roles", "roles_at", "mission_ids", "memberships"}
ROLE_ATTRIBUTES |= {"is_officer", "is_attache", "is_consul", "is_security"}


def face_modules() -> list[Path]:
    root = Path(__file__).resolve().parent.parent
    found = [p for d in FACES_DIRS for p in (root / d).rglob("*.py")]
    found += [root / f for f in FACE_FILES]
    found += list((root / "legion").glob("*/management/commands/*.py"))
    return sorted(p for p in found if "tests" not in p.parts and "migrations" not in p.parts)


def role_references(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in ROLE_NAMES:
            found.append(f"{path.name}:{node.lineno} {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in ROLE_ATTRIBUTES:
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.alias) and node.name in ROLE_NAMES:
            found.append(f"{path.name}:{node.lineno} import {node.name}")
    return found


def test_no_face_holds_a_role_check_of_its_own():
    """Pages, API routers, commands and reports ask the access policy
    (legion.cases.policy) what an actor may see and do; none looks at roles itself."""
    modules = face_modules()
    assert len(modules) > 40, "the scan found the faces"
    found = [ref for path in modules for ref in role_references(path)]
    assert found == [], f"role checks in faces: {found}"


def test_the_scan_finds_a_role_check(tmp_path):
    sample = tmp_path / "face.py"
    sample.write_text("from legion.missions.models import Role\nok = a.has_role(Role.CONSUL, 1)\n")
    assert len(role_references(sample)) == 3
