"""factory_boy factories for tests and benchmarks."""

import datetime as dt
import hashlib

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from legion.advisories.models import Advisory, AdvisoryText
from legion.cases.models import Applicant, Case, Document, ServiceRecord, TravelInstructions
from legion.interviews.models import Interview, InterviewSlot
from legion.missions.models import Membership, Mission


def minimal_pdf(extra: bytes = b"") -> bytes:
    """The smallest valid PDF (with its cross-reference table, as PDF readers expect);
    `extra`, written as a comment, makes the content (and its hash) differ."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    if extra:
        out += b"%" + extra.replace(b"\n", b" ") + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# Enough for content sniffing, PDF inspection and previews.
MINIMAL_PDF = minimal_pdf()


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"m{n}")
    name = factory.LazyAttribute(lambda o: f"Embassy in {o.city}")
    country = "GB"
    city = factory.Sequence(lambda n: f"City {n}")
    timezone = "Europe/London"
    interview_languages = ["en"]
    default_entry_point = "Krakovets border crossing (Poland–Ukraine)"
    default_assembly_point = "Lviv, railway station, hall 2"
    default_contacts = "+380 44 000 0000, legion-contact@example.org"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Staff"
    last_name = factory.Sequence(lambda n: f"Member {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@mission.example")
    password = factory.django.Password("correct horse battery staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = "consular_officer"
    mission = factory.SubFactory(MissionFactory)


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    given_name = "James"
    surname = factory.Sequence(lambda n: f"Turner{n}")
    date_of_birth = dt.date(1988, 4, 12)
    sex = "M"
    place_of_birth = "Aldershot"
    nationality = "GB"
    passport_number = factory.Sequence(lambda n: f"5{n:08d}")
    passport_country = "GB"
    passport_expiry = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=900))
    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    phone = "+44 7700 900123"
    address_line_1 = factory.Sequence(lambda n: f"{n + 1} Wellington Road")
    address_town = "Aldershot"
    address_postcode = "GU11 1AB"
    address_country = "GB"
    languages = [{"code": "en", "level": "fluent"}]
    has_criminal_record = False


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    mission = factory.SubFactory(MissionFactory)
    applicant = factory.SubFactory(ApplicantFactory)
    language = "en"


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    case = factory.SubFactory(CaseFactory)
    kind = "military"
    country = "GB"
    branch = "British Army, Parachute Regiment"
    specialty = "Infantry"
    rank = "Corporal"
    start_year = 2006
    end_year = 2014
    deployments = "Afghanistan (Helmand) 2010"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    case = factory.SubFactory(CaseFactory)
    kind = "passport"
    original_name = "passport.pdf"
    content_type = "application/pdf"
    file = factory.LazyAttribute(lambda o: ContentFile(MINIMAL_PDF + o.kind.encode(), name="x"))
    size = factory.LazyAttribute(lambda o: len(MINIMAL_PDF + o.kind.encode()))
    sha256 = factory.LazyAttribute(
        lambda o: hashlib.sha256(MINIMAL_PDF + o.kind.encode()).hexdigest()
    )


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewSlot

    mission = factory.SubFactory(MissionFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=45))
    location = "Interview room 2"
    capacity = 1


class AdvisoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Advisory
        django_get_or_create = ("nationality",)
        skip_postgeneration_save = True

    nationality = "GB"
    stance = "conflicting"
    source = "Chief of the Defence Staff; Foreign Secretary (March 2022)"
    reviewed_on = dt.date(2022, 3, 9)

    @factory.post_generation
    def texts(self, create, extracted, **kwargs):
        if create and not self.texts.exists():
            AdvisoryText.objects.create(
                advisory=self, language="en", title="Conflicting statements", body="Text."
            )


def interview_begins(case: Case) -> None:
    """Tests only: the case's booked interview has begun (its slot started a minute ago),
    so its assessments can be signed."""
    now = timezone.now()
    InterviewSlot.objects.filter(
        interviews__case=case, interviews__status=Interview.Status.BOOKED
    ).update(starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=44))


def instructions_issued_yesterday(case: Case) -> None:
    """Tests only: the case's travel instructions were issued the day before (so its
    arrival can be recorded)."""
    TravelInstructions.objects.filter(case=case).update(
        issued_at=timezone.now() - dt.timedelta(days=1, hours=1)
    )


def set_state(case: Case, state: str) -> Case:
    """Tests only: put a case straight into a state, bypassing the workflow."""
    Case.objects.filter(pk=case.pk).update(state=state)
    return Case.objects.get(pk=case.pk)
