"""The travel letter a border guard checks without logging in: a code and a QR code on
a page of its own in the instructions PDF, and a public page that answers valid or not,
the mission, the dates and the initials, and nothing else."""

import re
import subprocess

import pytest
import segno
from django.core.cache import caches
from django.test import Client

from legion.audit.models import AuditEntry
from legion.cases.instructions import _letter_context, instructions_pdf
from legion.cases.letters import (
    CODE_LENGTH,
    letter_code_display,
    letter_code_normalise,
    letter_verify_url,
    travel_letter_check,
)
from legion.cases.models import Case, TravelLetter
from legion.cases.states import CaseState as S
from legion.dataprotection.erasure import case_erase
from legion.missions.actors import Actor
from legion.testing.factories import set_state
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["default"].clear()


@pytest.fixture
def issued(case, officer, attache, consul):
    case.applicant.given_name = "Thomas James"
    case.applicant.surname = "Whitaker"
    case.applicant.save()
    return steps.instructions_issued(case, officer, attache, consul)


@pytest.fixture
def letter(issued):
    return TravelLetter.objects.get(case=issued.case)


def check_page(code: str, client: Client | None = None):
    return (client or Client()).get(f"/verify/{code}/")


def test_issuing_the_instructions_issues_a_letter_with_an_unguessable_code(issued, letter):
    assert len(letter.code) == CODE_LENGTH
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{16}", letter.code)
    assert letter.valid_from <= issued.report_by <= letter.valid_until
    # Looked up by a keyed hash; the code itself is sealed at rest.
    assert letter.code not in letter.code_index


def test_the_pdf_has_a_letter_page_with_the_code_and_a_qr_code_of_the_check_page(
    issued, letter, tmp_path
):
    path = tmp_path / "instructions.pdf"
    path.write_bytes(instructions_pdf(issued))
    pages = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    letter_page = next(p for p in pages if "Travel letter" in p)
    assert letter_code_display(letter.code) in letter_page
    assert "/verify/" in letter_page
    # The page to show at the border does not say where the volunteer is going.
    assert "Lviv, railway station" not in letter_page
    qr = _letter_context(issued)["letter_qr"]
    assert qr == segno.make(letter_verify_url(letter.code), error="m").svg_data_uri(border=0)


def test_the_check_page_says_valid_with_only_mission_dates_and_initials(issued, letter):
    response = check_page(letter.code)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Valid travel letter" in page and "T. J. W." in page
    assert issued.case.mission.name in page
    applicant = issued.case.applicant
    for private in (
        applicant.given_name,
        applicant.surname,
        issued.case.reference,
        applicant.email,
        "Lviv",
        "Krakovets",
    ):
        assert private not in page
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_a_typed_code_in_small_letters_with_spaces_is_found(letter):
    typed = " ".join(letter_code_display(letter.code).lower().split("-"))
    response = Client().get("/verify/", {"code": typed})
    assert response.status_code == 302 and response.url == f"/verify/{letter.code}/"
    assert letter_code_normalise(typed.replace("0", "o")) == letter.code


@pytest.mark.parametrize("state", [S.ON_HOLD, S.WITHDRAWN])
def test_the_letter_stops_being_valid_on_hold_and_withdrawal(letter, state):
    set_state(letter.case, state)
    page = check_page(letter.code).content.decode()
    assert "Not a valid travel letter" in page
    assert "T. J. W." not in page and letter.case.mission.name not in page


def test_the_letter_stops_being_valid_on_refusal_and_after_arrival(letter):
    for state in (S.REJECTED, S.ARRIVED):
        set_state(letter.case, state)
        assert travel_letter_check(code=letter.code).valid is False


def test_an_erased_case_has_no_letter_any_more(letter, officer):
    set_state(letter.case, S.WITHDRAWN)
    case_erase(reference=letter.case.reference, actor=Actor.staff(officer), reason="Asked")
    assert not TravelLetter.objects.exists()
    assert travel_letter_check(code=letter.code).valid is False


def test_an_unknown_code_reads_the_same_as_a_withdrawn_letter(letter):
    unknown = check_page("7K3M9Q2PXW4DH8RT").content.decode()
    assert "Not a valid travel letter" in unknown


def test_every_check_is_audited_with_the_case_when_the_code_is_known(letter):
    check_page(letter.code)
    check_page("7K3M9Q2PXW4DH8RT")
    entries = list(AuditEntry.objects.filter(action="travel_letter.check").order_by("pk"))
    assert [e.case_id for e in entries] == [letter.case_id, None]
    assert [e.data["valid"] for e in entries] == [True, False]


def test_checks_are_rate_limited_per_address(letter, settings):
    settings.LEGION_LETTER_CHECKS_PER_ADDRESS = "3/60"
    client = Client()
    codes = [check_page(letter.code, client).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = check_page(letter.code, client)
    assert refused["Retry-After"] and "Too many checks" in refused.content.decode()


def test_the_check_page_is_in_the_guards_language(letter):
    client = Client()
    client.cookies["django_language"] = "pl"
    page = check_page(letter.code, client).content.decode()
    assert "Ważny" in page or "ważny" in page


def test_a_letter_is_issued_once_even_when_the_pdf_is_made_again(issued, letter):
    instructions_pdf(issued)
    assert TravelLetter.objects.filter(case=issued.case).count() == 1
    assert Case.objects.get(pk=issued.case.pk).travel_letter.code == letter.code
