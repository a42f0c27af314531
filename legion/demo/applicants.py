"""Realistic demo applicants, taken to their state through the real services.

`applicants_generate(count=..., seed=...)` creates applicants whose cases reach every
state of the lifecycle by calling the same services the portal, the workspace and the
API call (submit, review, booking, assessments, visa, instructions, holds), so every
case has a true event history. It is slow by design (a few cases per second); for
benchmark volumes use `legion.demo.bulk.cases_bulk_generate`.
"""

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from legion.advisories.services import case_acknowledge_advisories
from legion.cases.break_glass import break_glass_open
from legion.cases.documents import case_documents_verify, document_upload
from legion.cases.eligibility import evaluate_case
from legion.cases.instructions import DEFAULT_DOCUMENTS, DEFAULT_EQUIPMENT
from legion.cases.models import (
    Applicant,
    Case,
    CaseEvent,
    Document,
    ServiceRecord,
    TravelInstructions,
)
from legion.cases.services import CaseError, case_submit, case_transition
from legion.cases.states import CaseState as S
from legion.cases.travel import instructions_issue, visa_issue, visa_refuse
from legion.crypto import identity_number_index
from legion.demo.addresses import Address, address_random
from legion.demo.names import (
    MISSION_FOR_NATIONALITY,
    MOTHER_TONGUE,
    NATIONALITY_WEIGHTS,
    Name,
    name_for,
)
from legion.identity.models import DuplicateCandidate, ReviewStatus, WatchlistHit
from legion.interviews.models import Assessment, Interview, InterviewSlot
from legion.interviews.selectors import open_slots
from legion.interviews.services import assessment_sign, interview_book
from legion.missions.actors import Actor
from legion.missions.models import Membership, Mission, Role

# Share of demo cases per state, in per cent (every state present from ~30 cases on).
STATE_WEIGHTS: dict[str, float] = {
    S.DRAFT: 7,
    S.SUBMITTED: 14,
    S.IN_REVIEW: 16,
    S.INTERVIEW_SCHEDULED: 10,
    S.INTERVIEWED: 4,
    S.VISA_PENDING: 5,
    S.VISA_ISSUED: 4,
    S.INSTRUCTIONS_ISSUED: 5,
    S.ARRIVED: 9,
    S.REJECTED: 10,
    S.REFERRED: 6,
    S.WITHDRAWN: 5,
    S.ON_HOLD: 5,
}

# Checklist keys of legion.cases.instructions: the applicant reads them in their language.
EQUIPMENT = [*DEFAULT_EQUIPMENT, "head_torch"]
DOCUMENTS_TO_BRING = DEFAULT_DOCUMENTS
PORTAL_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)

# Branch names by country for military service records; others get a generic label.
BRANCHES = {
    "US": ["US Army", "US Marine Corps", "US Army National Guard", "US Navy"],
    "GB": ["British Army, Parachute Regiment", "Royal Marines", "British Army, Rifles"],
    "DE": ["Bundeswehr, Heer", "Bundeswehr, Fallschirmjäger"],
    "CA": ["Canadian Army", "Princess Patricia's Canadian Light Infantry"],
    "FR": ["Armée de terre", "Légion étrangère"],
    "PL": ["Wojska Lądowe", "Wojska Obrony Terytorialnej"],
    "LT": ["Lithuanian Land Forces", "Lithuanian Riflemen's Union (reserve)"],
    "GE": ["Georgian Defence Forces, 1st Infantry Brigade"],
    "JP": ["Japan Ground Self-Defense Force"],
    "NO": ["Norwegian Army (conscript)", "Norwegian Home Guard"],
    "AU": ["Australian Army, Royal Australian Regiment"],
}
DEPLOYMENTS = [
    "Afghanistan (ISAF)",
    "Iraq",
    "Kosovo (KFOR peacekeeping)",
    "Lebanon (UNIFIL peacekeeping)",
    "Mali (MINUSMA)",
    "",
    "",
]
SPECIALTIES = ["Infantry", "Combat medic", "Artillery", "Engineer", "Signals", "Sniper", "Driver"]


@dataclass
class Story:
    """Who an applicant is and where their case should end up."""

    name: Name
    nationality: str
    mission_code: str
    target: str
    born: dt.date
    second_nationality: str = ""
    sex: str = "M"
    languages: list[str] = field(default_factory=lambda: ["en"])
    experience: list[dict] = field(default_factory=list)
    criminal_record: bool = False
    passport_months_left: int = 48
    case_language: str = "en"
    interview_language: str = ""
    # How a REJECTED case gets there: "review", "interview", "visa".
    rejection: str = "review"
    # The state a WITHDRAWN case leaves from, or an ON_HOLD case is held in.
    via: str = S.SUBMITTED
    # The stored passport number; set for the duplicate pair so the two match.
    passport_number: str = ""
    # ON_HOLD: held by intake screening (the person is on the demo watch list), held by
    # HQ security over the duplicate review item intake opened (duplicate_of), or else
    # held by HQ security for this reason.
    listed: bool = False
    hold_reason: str = ""
    duplicate_of: str = ""  # key of the persona this one duplicates
    key: str = ""
    # Home address; None: a plausible one in the country of nationality.
    address: Address | None = None


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing `text`: enough for previews and content sniffing."""
    safe = re.sub(r"[^A-Za-z0-9 .,:/()\-]", "?", text)
    stream = f"BT /F1 12 Tf 20 150 Td ({safe}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 200]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n%s\nendstream" % (len(stream), stream),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def passport_index(number: str) -> str:
    """Blind index of a passport number, ignoring spaces, dashes and case."""
    return identity_number_index(number, "passport")


# ---------------------------------------------------------------- stories


def _age_born(rng: random.Random, low: int, high: int) -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=rng.randint(low * 365 + 30, high * 365 - 30))


def _military(rng: random.Random, nationality: str) -> dict:
    end = rng.randint(2005, 2021)
    return {
        "kind": ServiceRecord.Kind.MILITARY,
        "country": nationality,
        "branch": rng.choice(BRANCHES.get(nationality, ["Army", "Infantry", "National Guard"])),
        "specialty": rng.choice(SPECIALTIES),
        "rank": rng.choice(["Private", "Corporal", "Sergeant", "Lieutenant", "Captain"]),
        "start_year": end - rng.randint(2, 12),
        "end_year": end,
        "deployments": rng.choice(DEPLOYMENTS),
    }


def _experience(rng: random.Random, nationality: str) -> list[dict]:
    roll = rng.random()
    if roll < 0.8:
        return [_military(rng, nationality)]
    if roll < 0.9:
        end = rng.randint(2010, 2022)
        return [
            {
                "kind": ServiceRecord.Kind.LAW_ENFORCEMENT,
                "country": nationality,
                "branch": "Police, tactical unit",
                "specialty": "Patrol",
                "start_year": end - rng.randint(3, 15),
                "end_year": end,
            }
        ]
    return [
        {
            "kind": ServiceRecord.Kind.MEDICAL,
            "country": nationality,
            "branch": rng.choice(["Paramedic", "Registered nurse", "Emergency physician"]),
            "start_year": rng.randint(2000, 2018),
            "licence_number": f"MED-{rng.randint(10000, 99999)}",
        }
    ]


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def story_random(rng: random.Random, target: str) -> Story:
    """An applicant of a nationality drawn from the 2022 mix, fitting the target state."""
    nationality = _pick(rng, NATIONALITY_WEIGHTS)
    if target != S.REJECTED:
        # Russian nationals are refused at eligibility, never taken further.
        while nationality == "RU":
            nationality = _pick(rng, NATIONALITY_WEIGHTS)
    languages = ["en"]
    if tongue := MOTHER_TONGUE.get(nationality):
        languages.insert(0, tongue)
    story = Story(
        name=name_for(nationality, rng),
        nationality=nationality,
        mission_code=MISSION_FOR_NATIONALITY.get(nationality, "ber"),
        target=target,
        born=_age_born(rng, 19, 58),
        sex="F" if rng.random() < 0.06 else "M",
        languages=languages,
        experience=_experience(rng, nationality),
        case_language=rng.choices(["en", "es", "uk"], weights=[85, 10, 5])[0],
    )
    # Applicants whose own language the portal speaks use it for the case.
    if tongue in PORTAL_LANGUAGES:
        story.case_language = tongue
    if target == S.REFERRED:
        story.experience = []
    elif target == S.REJECTED:
        story.rejection = rng.choices(["review", "interview", "visa"], weights=[6, 3, 1])[0]
        if story.rejection == "review":
            _make_ineligible(rng, story)
    elif target == S.WITHDRAWN:
        story.via = rng.choice([S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.INTERVIEW_SCHEDULED])
    elif target == S.ON_HOLD:
        story.via = rng.choice([S.SUBMITTED, S.IN_REVIEW])
        story.hold_reason = rng.choice(HOLD_REASONS)
    return story


# Why HQ security holds a case without a screening hit (the consulate asked for a check).
HOLD_REASONS = [
    "The consular officer asked for a security check: the service record could not be "
    "confirmed with the issuing ministry.",
    "Passport reported stolen in the issuing country's database; held until the applicant "
    "explains it in person.",
    "Contradictions between the application and an earlier visa file; security check requested.",
]


def _make_ineligible(rng: random.Random, story: Story) -> None:
    if story.nationality == "RU":
        return
    flaw = rng.choice(["criminal", "passport", "age", "language"])
    if flaw == "criminal":
        story.criminal_record = True
    elif flaw == "passport":
        story.passport_months_left = 2
    elif flaw == "age":
        story.born = _age_born(rng, 62, 68)
    else:
        story.languages = [lang for lang in story.languages if lang != "en"] or ["pt"]


def personas() -> list[Story]:
    """The people of PERSONAS.md, each on their expected path."""
    today = timezone.localdate()

    def born(years: int, days: int = 40) -> dt.date:
        return today - dt.timedelta(days=years * 365 + days)

    georgian_born = born(39)

    def service(country, branch, start, end, deployments="", specialty="Infantry") -> dict:
        return {
            "kind": ServiceRecord.Kind.MILITARY,
            "country": country,
            "branch": branch,
            "specialty": specialty,
            "rank": "Corporal",
            "start_year": start,
            "end_year": end,
            "deployments": deployments,
        }

    return [
        Story(
            key="paratrooper",
            address=Address("27 Alison Way", "", "Aldershot", "GU11 3JX", "GB"),
            name=Name("Callum", "Hargreaves"),
            nationality="GB",
            mission_code="lon",
            target=S.ARRIVED,
            born=born(36),
            experience=[
                service("GB", "British Army, Parachute Regiment", 2006, 2015, "Afghanistan 2010")
            ],
        ),
        Story(
            key="paramedic",
            address=Address("58 Rue Eddy", "Apt 2", "Gatineau, QC", "J8X 2W1", "CA"),
            name=Name("Étienne", "Bouchard"),
            nationality="CA",
            mission_code="ott",
            target=S.INTERVIEW_SCHEDULED,
            born=born(41),
            languages=["fr", "en"],
            experience=[
                {
                    "kind": ServiceRecord.Kind.MEDICAL,
                    "country": "CA",
                    "branch": "Paramedic (Ontario)",
                    "start_year": 2009,
                    "licence_number": "ON-PCP-48213",
                }
            ],
        ),
        Story(
            key="untrained",
            address=Address("1127 Main Street", "", "Winnipeg, MB", "R2W 3S4", "CA"),
            name=Name("Tyler", "Kowalchuk"),
            nationality="CA",
            mission_code="ott",
            target=S.REFERRED,
            born=born(27),
        ),
        Story(
            key="norwegian",
            address=Address("Storgata 88", "H0203", "Tromsø", "9008", "NO"),
            name=Name("Sindre", "Haugen"),
            nationality="NO",
            mission_code="osl",
            target=S.VISA_ISSUED,
            born=born(23, 100),
            languages=["no", "en"],
            experience=[service("NO", "Norwegian Army, Brigade North (conscript)", 2018, 2019)],
        ),
        Story(
            key="sdf",
            address=Address("3-14-7 Asahigaoka", "", "Nerima-ku, Tokyo", "176-0005", "JP"),
            name=Name("Kenji", "Takahashi", "高橋 健二"),
            nationality="JP",
            mission_code="tyo",
            target=S.INTERVIEW_SCHEDULED,
            born=born(44),
            languages=["ja", "en"],
            case_language="ja",
            interview_language="ja",
            experience=[service("JP", "Japan Ground Self-Defense Force", 1998, 2016, "Iraq 2004")],
        ),
        Story(
            key="legionnaire",
            address=Address(
                "2-8-15 Minami-Aoyama", "Aoyama Residence 402", "Minato-ku, Tokyo", "107-0062", "JP"
            ),
            name=Name("Daiki", "Watanabe", "渡辺 大輝"),
            nationality="JP",
            second_nationality="FR",
            mission_code="tyo",
            target=S.IN_REVIEW,
            born=born(38),
            languages=["ja", "fr", "en"],
            case_language="ja",
            experience=[service("FR", "Légion étrangère, 2e REP", 2008, 2018, "Mali 2013")],
        ),
        Story(
            key="reservist",
            address=Address("Savanorių pr. 176-12", "", "Vilnius", "LT-03154", "LT"),
            name=Name("Žygimantas", "Kazlauskas"),
            nationality="LT",
            mission_code="vno",
            target=S.ARRIVED,
            born=born(31),
            languages=["lt", "en"],
            experience=[service("LT", "Lithuanian Land Forces (active reserve)", 2012, 2014)],
        ),
        Story(
            key="georgian",
            address=Address("Chavchavadze Ave. 37, apt. 15", "", "Tbilisi", "0179", "GE"),
            name=Name("Giorgi", "Beridze", "გიორგი ბერიძე"),
            nationality="GE",
            mission_code="tbs",
            target=S.INTERVIEWED,
            born=georgian_born,
            languages=["ka", "en"],
            experience=[
                service("GE", "Georgian Defence Forces, 31st Battalion", 2007, 2017, "Helmand 2012")
            ],
        ),
        Story(
            key="twice-warsaw",
            address=Address("ul. Grochowska 221 m. 14", "", "Warszawa", "04-077", "PL"),
            name=Name("Volodymyr", "Kovalchuk", "Володимир Ковальчук"),
            nationality="PL",
            mission_code="waw",
            target=S.IN_REVIEW,
            born=dt.date(1986, 11, 3),
            languages=["pl", "uk", "en"],
            case_language="pl",
            passport_number="EA 4471932",
            experience=[service("PL", "Wojska Obrony Terytorialnej", 2016, 2021)],
        ),
        Story(
            key="twice-berlin",
            address=Address("Grochowska 221/14", "", "Warschau", "04-077", "PL"),
            name=Name("Wladimir", "Kowaltschuk"),
            nationality="PL",
            mission_code="ber",
            target=S.ON_HOLD,
            via=S.SUBMITTED,
            born=dt.date(1986, 11, 3),
            languages=["pl", "de", "en"],
            passport_number="EA4471932",
            duplicate_of="twice-warsaw",
            experience=[service("PL", "Territorial Defence Force", 2016, 2021)],
        ),
        # The same man at Vilnius and, with a new passport, at Warsaw: his name in the
        # Ukrainian and the Russian form (Volodymyr / Владимир). Intake opens a review
        # item; the Warsaw case waits for HQ security.
        Story(
            key="bondarenko-vilnius",
            address=Address("Žirmūnų g. 68-23", "", "Vilnius", "LT-09124", "LT"),
            name=Name("Volodymyr", "Bondarenko", "Володимир Бондаренко"),
            nationality="LT",
            mission_code="vno",
            target=S.IN_REVIEW,
            born=dt.date(1984, 2, 17),
            languages=["lt", "uk", "en"],
            passport_number="LT 30817264",
            experience=[service("LT", "Lithuanian Land Forces", 2003, 2011, "Afghanistan 2009")],
        ),
        Story(
            key="bondarenko-warsaw",
            address=Address("Zhirmunu 68-23", "", "Vilnius", "09124", "LT"),
            name=Name("Vladimir", "Bondarenko", "Владимир Бондаренко"),
            nationality="LT",
            mission_code="waw",
            target=S.SUBMITTED,
            born=dt.date(1984, 2, 17),
            languages=["ru", "lt", "en"],
            passport_number="LT 44120958",
            experience=[service("LT", "Lithuanian Armed Forces", 2003, 2011)],
        ),
        # The Georgian veteran again, at Berlin, romanised another way.
        Story(
            key="georgian-berlin",
            address=Address("37 Ilia Chavchavadze Avenue", "Flat 15", "Tbilisi", "", "GE"),
            name=Name("George", "Beridze", "გიორგი ბერიძე"),
            nationality="GE",
            mission_code="ber",
            target=S.SUBMITTED,
            born=georgian_born,
            languages=["ka", "de", "en"],
            experience=[service("GE", "Georgian Armed Forces", 2007, 2017)],
        ),
        Story(
            key="us-veteran",
            address=Address("4417 Cliffdale Road", "Apt 2B", "Fayetteville, NC", "28314", "US"),
            name=Name("Marcus", "Washington"),
            nationality="US",
            mission_code="was",
            target=S.INSTRUCTIONS_ISSUED,
            born=born(45),
            experience=[service("US", "US Army, 82nd Airborne Division", 2002, 2012, "Iraq 2007")],
        ),
        Story(
            key="au-veteran",
            address=Address("12 Pittwater Road", "", "Manly, NSW", "2095", "AU"),
            name=Name("Lachlan", "Mitchell"),
            nationality="AU",
            mission_code="cbr",
            target=S.VISA_PENDING,
            born=born(42),
            experience=[
                service("AU", "Australian Army, 2nd Commando Regiment", 2004, 2014, "Uruzgan")
            ],
        ),
        Story(
            key="russian",
            address=Address("ul. Puławska 112 m. 5", "", "Warszawa", "02-620", "PL"),
            name=Name("Alexei", "Volkov", "Алексей Волков"),
            nationality="RU",
            mission_code="waw",
            target=S.REJECTED,
            born=born(33),
            languages=["ru", "en"],
            experience=[service("RU", "Ground Forces", 2010, 2012)],
        ),
        Story(
            key="watchlisted",
            address=Address("Wilhelmstraße 9", "Hinterhaus, 3. OG", "Leipzig", "04109", "DE"),
            name=Name("Viktor", "Kessler"),
            nationality="DE",
            mission_code="ber",
            target=S.ON_HOLD,
            via=S.SUBMITTED,
            born=dt.date(1979, 5, 21),
            languages=["de", "ru", "en"],
            experience=[service("DE", "Bundeswehr, Heer", 1998, 2003)],
            listed=True,  # on legion/demo/watchlist.ftm.json: held at intake
        ),
    ]


# ---------------------------------------------------------------- the run


@dataclass
class Staff:
    officer: Actor
    attache: Actor
    consul: Actor
    security: Actor


def _staff_of(mission: Mission) -> Staff:
    def first(role: str, mission_id: int | None) -> Actor:
        membership = (
            Membership.objects.filter(role=role, mission_id=mission_id)
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        if membership is None:
            raise CaseError(f"The demo needs a {role} at {mission}; run demo_configure() first.")
        return Actor.staff(membership.user)

    return Staff(
        officer=first(Role.CONSULAR_OFFICER, mission.pk),
        attache=first(Role.DEFENCE_ATTACHE, mission.pk),
        consul=first(Role.CONSUL, mission.pk),
        security=first(Role.HQ_SECURITY, None),
    )


def _passport_number(rng: random.Random, nationality: str) -> str:
    return f"{nationality}{rng.randint(10_000_000, 99_999_999)}"


def case_create_for_story(story: Story, mission: Mission, rng: random.Random) -> Case:
    """The applicant's draft: identity, experience, documents and (unless still a bare
    draft) the advisory acknowledgement, as the portal's wizard would leave it."""
    name = story.name
    number = story.passport_number or _passport_number(rng, story.nationality)
    # Its own generator, seeded by the (unique) passport number: the other demo data
    # stay what they were for a given seed.
    address = story.address or address_random(story.nationality, random.Random(number))  # noqa: S311
    email_name = re.sub(r"[^a-z]", "", f"{name.given}.{name.surname}".lower()) or "applicant"
    applicant = Applicant.objects.create(
        given_name=name.given,
        surname=name.surname,
        native_name=name.native,
        date_of_birth=story.born,
        sex=story.sex,
        place_of_birth=mission.city if rng.random() < 0.3 else "",
        nationality=story.nationality,
        second_nationality=story.second_nationality,
        passport_number=number,
        passport_number_index=passport_index(number),
        passport_country=story.nationality,
        passport_expiry=timezone.localdate() + dt.timedelta(days=story.passport_months_left * 30),
        email=f"{email_name}{rng.randint(1, 999)}@example.org",
        phone=f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}",
        languages=[
            {"code": code, "level": "native" if i == 0 else "fluent"}
            for i, code in enumerate(story.languages)
        ],
        has_criminal_record=story.criminal_record,
        **address.as_fields(),
    )
    case = Case.objects.create(mission=mission, applicant=applicant, language=story.case_language)
    for record in story.experience:
        ServiceRecord.objects.create(case=case, **record)
    bare_draft = story.target == S.DRAFT or (story.target == S.WITHDRAWN and story.via == S.DRAFT)
    if bare_draft and rng.random() < 0.5:
        return case  # stopped after the identity step
    kinds = [Document.Kind.PASSPORT, Document.Kind.CRIMINAL_RECORD]
    if any(r["kind"] == ServiceRecord.Kind.MEDICAL for r in story.experience):
        kinds.append(Document.Kind.MEDICAL_LICENCE)
    elif story.experience:
        kinds.append(Document.Kind.SERVICE_RECORD)
    for kind in kinds:
        content = _minimal_pdf(f"Demo {kind.label} - {name.given} {name.surname}")
        document_upload(
            reference=case.reference,
            actor=Actor.applicant(case.pk),
            kind=kind,
            uploaded_file=ContentFile(content, name=f"{kind.replace('_', '-')}.pdf"),
        )
    if not bare_draft:
        case_acknowledge_advisories(case=case)
    return case


def documents_verify(case: Case, actor: Actor) -> None:
    """The officer checks each uploaded document against the applicant's identity."""
    case_documents_verify(reference=case.reference, actor=actor)


class Walk:
    """Takes one case along its story's path, one real service call per step."""

    def __init__(self, case: Case, story: Story, staff: Staff, rng: random.Random) -> None:
        self.case, self.story, self.staff, self.rng = case, story, staff, rng
        self.ref = case.reference
        self.applicant = Actor.applicant(case.pk)

    def _go(self, action: str, actor: Actor, reason: str = "") -> None:
        case_transition(reference=self.ref, action=action, actor=actor, reason=reason)

    def submit(self) -> None:
        # As the portal submits: screened at intake against every mission's applicants
        # and the watch lists (review items, a hold on a watch-list hit).
        case_submit(reference=self.ref, actor=self.applicant)

    def review(self) -> None:
        self._go("start_review", self.staff.officer)

    def verify_and_book(self) -> None:
        documents_verify(self.case, self.staff.officer)
        slots = list(open_slots(mission_id=self.case.mission_id)[:12])
        if not slots:
            raise CaseError(f"No free interview slot at {self.case.mission}")
        by = self.applicant if self.rng.random() < 0.6 else self.staff.officer
        interview_book(
            reference=self.ref,
            slot_id=self.rng.choice(slots).pk,
            actor=by,
            language=self.story.interview_language,
        )

    def assess(self, *, military: bool = True, consular: bool = True) -> None:
        # The story's interview takes place now: its slot has begun (assessments are
        # signed only then); _backdate later moves it to where the story puts it.
        now = timezone.now()
        InterviewSlot.objects.filter(
            interviews__case_id=self.case.pk, interviews__status=Interview.Status.BOOKED
        ).update(starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(minutes=40))
        assessment_sign(
            reference=self.ref,
            actor=self.staff.attache,
            kind=Assessment.Kind.MILITARY,
            favourable=military,
            suitability=(
                Assessment.Suitability.SUITABLE if military else Assessment.Suitability.NOT_SUITABLE
            ),
            recommended_role=self.rng.choice(["Rifleman", "Combat medic", "Driver", "Signals"]),
            notes="Service record consistent with answers."
            if military
            else "Claimed combat experience could not be confirmed in the interview.",
        )
        assessment_sign(
            reference=self.ref,
            actor=self.staff.consul,
            kind=Assessment.Kind.CONSULAR,
            favourable=consular,
            identity_confirmed=consular,
            language_ok=True,
            notes="Passport checked against the applicant in person.",
        )

    def open_visa(self) -> None:
        self._go("open_visa", self.staff.consul)

    def visa(self) -> None:
        today = timezone.localdate()
        visa_issue(
            reference=self.ref,
            actor=self.staff.consul,
            visa_type="D (long stay, volunteer)",
            visa_number=f"UA{self.rng.randint(1_000_000, 9_999_999)}",
            valid_from=today,
            valid_until=today + dt.timedelta(days=90),
        )

    def instructions(self) -> None:
        mission = self.case.mission
        instructions_issue(
            reference=self.ref,
            actor=self.staff.officer,
            entry_point=mission.default_entry_point,
            assembly_point=mission.default_assembly_point,
            report_by=timezone.localdate() + dt.timedelta(days=self.rng.randint(5, 14)),
            documents_to_bring=DOCUMENTS_TO_BRING,
            equipment=EQUIPMENT,
            contacts=mission.default_contacts,
        )

    def arrive(self) -> None:
        # The applicant travelled: the instructions were issued days before the arrival.
        TravelInstructions.objects.filter(case_id=self.case.pk).update(
            issued_at=timezone.now() - dt.timedelta(days=self.rng.randint(2, 6))
        )
        self._go("record_arrival", self.staff.officer)

    def reject_in_review(self) -> None:
        case = Case.objects.get(pk=self.case.pk)
        reasons = [r.message for r in evaluate_case(case, language="en").failures]
        self._go("reject", self.staff.officer, " ".join(reasons) or "Not eligible.")

    def refer(self) -> None:
        self._go(
            "refer",
            self.staff.officer,
            "Thank you for wanting to help. Without military, law-enforcement or medical "
            "experience we cannot take you into the legion, but humanitarian organisations "
            "(Red Cross, UNHCR partners, volunteer logistics) need people now.",
        )

    def refuse_visa(self) -> None:
        visa_refuse(
            reference=self.ref,
            actor=self.staff.consul,
            reason="Passport reported lost; identity could not be established.",
        )

    def withdraw(self) -> None:
        self._go("withdraw", self.applicant)

    def security_hold(self) -> None:
        """The mission asked HQ security to look at a case no screening flagged: HQ
        security breaks the glass to open it (logged, reported to the mission), then
        holds it."""
        break_glass_open(
            actor=self.staff.security,
            reference=self.ref,
            reason=f"Security check requested by {self.case.mission.name}.",
        )
        self._go("hold", self.staff.security, self.story.hold_reason)

    def duplicate_hold(self) -> None:
        """HQ security holds the case over the review item intake opened."""
        item = (
            DuplicateCandidate.objects.filter(case_id=self.case.pk, status=ReviewStatus.OPEN)
            .select_related("other_case")
            .first()
        )
        if item is None:
            raise CaseError("Intake screening opened no duplicate review item for this case.")
        self._go(
            "hold",
            self.staff.security,
            f"Probable duplicate of {item.other_case.reference} (match {item.score:.2f}): "
            "held until HQ security has compared the two applications.",
        )

    def steps(self, others: dict[str, Case]) -> list[Callable[[], None]]:
        """The service calls that take this story's case to its target state."""
        story = self.story
        to_interview = [self.submit, self.review, self.verify_and_book]
        forward = {
            S.DRAFT: [],
            S.SUBMITTED: [self.submit],
            S.IN_REVIEW: [self.submit, self.review],
            S.INTERVIEW_SCHEDULED: to_interview,
            S.INTERVIEWED: [*to_interview, self.assess],
        }
        forward[S.VISA_PENDING] = [*forward[S.INTERVIEWED], self.open_visa]
        forward[S.VISA_ISSUED] = [*forward[S.VISA_PENDING], self.visa]
        forward[S.INSTRUCTIONS_ISSUED] = [*forward[S.VISA_ISSUED], self.instructions]
        forward[S.ARRIVED] = [*forward[S.INSTRUCTIONS_ISSUED], self.arrive]
        if story.target in forward:
            return forward[story.target]
        if story.target == S.REFERRED:
            return [self.submit, self.review, self.refer]
        if story.target == S.REJECTED:
            return {
                "review": [self.submit, self.review, self.reject_in_review],
                "interview": [*to_interview, lambda: self.assess(military=False)],
                "visa": [*forward[S.VISA_PENDING], self.refuse_visa],
            }[story.rejection]
        if story.target == S.WITHDRAWN:
            return [*forward[story.via], self.withdraw]
        # ON_HOLD
        if story.listed:
            return forward[story.via]  # intake screening puts the case on hold
        if story.duplicate_of and story.duplicate_of in others:
            return [*forward[story.via], self.duplicate_hold]
        return [*forward[story.via], self.security_hold]


def _backdate(case: Case, rng: random.Random, now: dt.datetime) -> None:
    """Spread the case's history over the weeks since the legion opened, as if it had
    been worked day by day (only timestamps move; states and events are as taken)."""
    events = list(CaseEvent.objects.filter(case=case).order_by("created_at", "id"))
    # Days between steps: state changes days apart, document checks and signatures close.
    gaps = [
        rng.uniform(0.5, 4.0) if e.kind == CaseEvent.Kind.TRANSITION else rng.uniform(0.01, 0.1)
        for e in events
    ]
    span = dt.timedelta(days=sum(gaps) + rng.uniform(0.1, 3.0))
    started = now - min(span, dt.timedelta(days=40)) - dt.timedelta(hours=1)
    scale = min(1.0, 39 / max(sum(gaps), 0.1))
    moment = started
    times = {}
    for event, gap in zip(events, gaps, strict=True):
        moment += dt.timedelta(days=gap * scale)
        times[event.pk] = moment
        CaseEvent.objects.filter(pk=event.pk).update(created_at=moment)
    submitted = next((times[e.pk] for e in events if e.action == "submit"), None)
    last = times[events[-1].pk] if events else started
    Case.objects.filter(pk=case.pk).update(
        created_at=started,
        updated_at=last,
        submitted_at=submitted,
        closed_at=last if case.closed_at else None,
    )
    Document.objects.filter(case=case).update(uploaded_at=started)
    if submitted is not None:  # intake screening opened its review items at submission
        DuplicateCandidate.objects.filter(case=case).update(created_at=submitted)
        WatchlistHit.objects.filter(case=case).update(created_at=submitted)
    held = next((e for e in events if e.action == "complete_interview"), None)
    if held is not None:
        interview = Interview.objects.filter(case=case, status=Interview.Status.HELD).first()
        if interview is not None:
            slot = interview.slot
            slot.starts_at = times[held.pk] - dt.timedelta(hours=1)
            slot.ends_at = slot.starts_at + dt.timedelta(minutes=45)
            slot.save(update_fields=["starts_at", "ends_at"])


@dataclass
class GenerationResult:
    cases: list[Case] = field(default_factory=list)
    # Steps a service refused (e.g. an identity review opened at intake): case stays put.
    stopped: list[tuple[str, str]] = field(default_factory=list)


def applicants_generate(
    *, count: int, seed: int = 2022, include_personas: bool = True, backdate: bool = True
) -> GenerationResult:
    """Create `count` applicants (personas first) and take each case to its state through
    the real services. Deterministic for a seed, apart from references and timestamps."""
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not secrets)
    missions = {m.code: m for m in Mission.objects.all()}
    staff: dict[str, Staff] = {}
    stories = personas()[:count] if include_personas else []
    states = list(STATE_WEIGHTS)
    # Every state at least once, then the weighted mix.
    remaining = count - len(stories)
    targets = states[: max(0, remaining)] + [
        _pick(rng, STATE_WEIGHTS) for _ in range(remaining - len(states))
    ]
    rng.shuffle(targets)
    stories += [story_random(rng, target) for target in targets]
    result = GenerationResult()
    by_key: dict[str, Case] = {}
    now = timezone.now()
    for story in stories:
        mission = missions.get(story.mission_code) or next(iter(missions.values()))
        if mission.code not in staff:
            staff[mission.code] = _staff_of(mission)
        with transaction.atomic():
            case = case_create_for_story(story, mission, rng)
        walk = Walk(case, story, staff[mission.code], rng)
        for step in walk.steps(by_key):
            try:
                step()
            except CaseError as exc:
                result.stopped.append((case.reference, exc.message))
                break
        if story.key:
            by_key[story.key] = case
        if backdate:
            _backdate(Case.objects.get(pk=case.pk), rng, now)
        result.cases.append(case)
    return result
