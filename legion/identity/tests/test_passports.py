"""The passport's machine-readable zone: read from an uploaded scan on upload (the
worker in production, at once in tests), checked, compared, shown, and screened."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from legion.cases.documents import document_upload
from legion.cases.services import case_submit
from legion.identity.models import DuplicateCandidate, PassportReading
from legion.identity.passports import mrz_compare, passport_comparison
from legion.missions.actors import Actor
from legion.testing import factories as f

pytestmark = pytest.mark.django_db

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
WEIGHTS = (7, 3, 1)


def check_digit(text: str) -> str:
    """ICAO 9303: digits as themselves, A-Z as 10-35, < as 0, weighted 7-3-1."""
    values = [int(c) if c.isdigit() else 0 if c == "<" else ord(c) - 55 for c in text]
    return str(sum(v * WEIGHTS[i % 3] for i, v in enumerate(values)) % 10)


def td3_lines(*, surname, given, number, nationality, born, sex, expires) -> tuple[str, str]:
    name = f"{surname}<<{given.replace(' ', '<')}".ljust(39, "<")[:39]
    number = number.ljust(9, "<")
    optional = "<" * 14
    parts = [number + check_digit(number), born + check_digit(born), expires + check_digit(expires)]
    second = f"{parts[0]}{nationality}{parts[1]}{sex}{parts[2]}{optional}{check_digit(optional)}"
    composite = parts[0] + parts[1] + parts[2] + optional + check_digit(optional)
    return f"P<{nationality}{name}", second + check_digit(composite)


def passport_scan(lines: tuple[str, str] | None, *, fmt: str = "PNG") -> bytes:
    """A made-up passport page: a photo box, a heading, and the two MRZ lines."""
    page = Image.new("RGB", (1400, 900), (236, 232, 224))
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 34)
    draw.rectangle((40, 40, 400, 500), fill=(170, 170, 170))
    draw.text((450, 60), "SPECIMEN  PASSPORT", font=font, fill=(30, 30, 30))
    if lines:
        draw.text((60, 720), lines[0], font=font, fill=(0, 0, 0))
        draw.text((60, 780), lines[1], font=font, fill=(0, 0, 0))
    out = io.BytesIO()
    page.save(out, format=fmt)
    return out.getvalue()


TURNER = {
    "surname": "TURNER",
    "given": "JAMES ALEXANDER",
    "number": "533380006",
    "nationality": "GBR",
    "born": "910412",
    "sex": "M",
    "expires": "300101",
}


@pytest.fixture
def turner(london, risk_notice):
    return f.CaseFactory(
        mission=london,
        applicant__given_name="James Alexander",
        applicant__surname="Turner",
        applicant__date_of_birth=dt.date(1991, 4, 12),
        applicant__sex="M",
        applicant__nationality="GB",
        applicant__passport_number="533380006",
        applicant__passport_expiry=dt.date(2030, 1, 1),
    )


def upload(case, data: bytes, name: str = "passport.png", content_type: str = "image/png"):
    return document_upload(
        reference=case.reference,
        actor=Actor.applicant(case.pk),
        kind="passport",
        uploaded_file=SimpleUploadedFile(name, data, content_type=content_type),
    )


def test_a_passport_scan_is_read_and_agrees_with_what_was_typed(turner):
    document = upload(turner, passport_scan(td3_lines(**TURNER)))
    reading = PassportReading.objects.get(document=document)
    assert reading.status == PassportReading.Status.READ
    _reading, fields = passport_comparison(turner.applicant)
    assert [(x.name, x.agrees) for x in fields if not x.agrees] == []
    assert {x.name: x.read for x in fields}["date_of_birth"] == "1991-04-12"


def test_what_differs_is_named(turner):
    upload(turner, passport_scan(td3_lines(**(TURNER | {"number": "533380009", "born": "910421"}))))
    _reading, fields = passport_comparison(turner.applicant)
    assert {x.name for x in fields if not x.agrees} == {"passport_number", "date_of_birth"}


def test_a_scan_without_a_readable_zone_says_so(turner):
    document = upload(turner, passport_scan(None))
    assert PassportReading.objects.get(document=document).status == "unreadable"
    reading, fields = passport_comparison(turner.applicant)
    assert reading.get_status_display() == "No machine-readable zone could be read"
    assert fields == []


def test_a_wrong_check_digit_makes_the_reading_unreliable(turner):
    first, second = td3_lines(**TURNER)
    tampered = second[:9] + str((int(second[9]) + 1) % 10) + second[10:]
    document = upload(turner, passport_scan((first, tampered)))
    assert PassportReading.objects.get(document=document).status == "unreliable"


def test_the_reading_is_stored_encrypted(turner):
    from django.db import connection

    upload(turner, passport_scan(td3_lines(**TURNER)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT mrz FROM identity_passportreading")
        (stored,) = cursor.fetchone()
    assert b"533380006" not in bytes(stored) and b"TURNER" not in bytes(stored)


def test_names_compare_the_icao_way():
    applicant = f.ApplicantFactory.build(
        surname="Müller", given_name="Jörg", nationality="DE", sex="M"
    )
    mrz = {"surname": "MUELLER", "names": "JOERG", "nationality": "D", "sex": "M"}
    fields = {x.name: x for x in mrz_compare(applicant, mrz)}
    assert fields["surname"].agrees and fields["given_name"].agrees
    assert fields["nationality"].agrees  # Germany is "D" in an MRZ


def test_screening_also_looks_under_the_passports_own_number(turner, london):
    """The applicant typed another passport's number and a wrong date of birth (a
    namesake, as far as the typed data go); the scanned passport itself carries the
    number and date of an earlier case of the same person."""
    earlier = f.CaseFactory(
        mission=london,
        applicant__given_name="James",
        applicant__surname="Turner",
        applicant__date_of_birth=dt.date(1991, 4, 12),
        applicant__passport_number="533380006",
    )
    set_submitted = f.set_state(earlier, "submitted")
    from legion.identity.screening import case_screen

    case_screen(case=set_submitted)
    applicant = turner.applicant
    applicant.passport_number, applicant.date_of_birth = "X98765432", dt.date(1985, 7, 30)
    applicant.place_of_birth, applicant.address_town = "Leeds", "Leeds"
    applicant.address_line_1, applicant.address_postcode = "9 Park Row", "LS1 4AP"
    applicant.save()
    for kind in ("criminal_record", "service_record"):
        f.DocumentFactory(case=turner, kind=kind)
    f.ServiceRecordFactory(case=turner)
    upload(turner, passport_scan(td3_lines(**TURNER)))
    from legion.advisories.services import case_acknowledge_advisories

    f.AdvisoryFactory(nationality="GB")
    case_acknowledge_advisories(case=turner)
    case_submit(reference=turner.reference, actor=Actor.applicant(turner.pk))
    assert DuplicateCandidate.objects.filter(case=turner, other_case=earlier).exists()
