"""Travel instructions as the applicant gets them: page partial, e-mail, PDF; in the
case's language; the assembly point only while the visa stands."""

import subprocess

import pytest

from legion.cases.instructions import (
    assembly_point_visible,
    instructions_email_queue,
    instructions_html,
    instructions_pdf,
)
from legion.cases.models import Case
from legion.cases.states import CaseState as S
from legion.testing.factories import set_state
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db

ASSEMBLY = "Lviv, railway station, hall 2"


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "instructions.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def issued(case, officer, attache, consul):
    return steps.instructions_issued(case, officer, attache, consul)


def test_partial_shows_every_part_of_the_instructions(issued):
    html = instructions_html(issued)
    for text in (
        issued.case.reference,
        "Krakovets border crossing",
        ASSEMBLY,
        "Your passport with the visa in it",
        "Helmet",
        "Body armour (plate carrier with plates)",
        "+380 44 000 0000",
        "D (long stay)",
    ):
        assert text in html


def test_assembly_point_disappears_when_the_case_is_put_on_hold(issued):
    held = set_state(issued.case, S.ON_HOLD)
    issued.case = held
    assert not assembly_point_visible(held)
    assert ASSEMBLY not in instructions_html(issued)
    assert "Krakovets" in instructions_html(issued)


def test_pdf_holds_the_instructions_as_text(issued, tmp_path):
    text = pdf_text(instructions_pdf(issued), tmp_path)
    assert issued.case.reference in text
    assert ASSEMBLY in text
    assert "Helmet" in text and "Broken-in combat boots" in text
    assert "Embassy of Ukraine in London" in text


def test_pdf_renders_to_an_image_page(issued, tmp_path):
    """Also leaves var/screenshots/instructions-pdf-1.png for people to look at."""
    from django.conf import settings

    applicant = issued.case.applicant
    applicant.native_name = "Джеймс Тернер"
    applicant.save()
    out = settings.VAR_DIR / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    (tmp_path / "i.pdf").write_bytes(instructions_pdf(issued))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(tmp_path / "i.pdf"),
         str(out / "instructions-pdf")],
        check=True,
    )  # fmt: skip
    (png,) = out.glob("instructions-pdf*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pdf_is_in_the_case_language(issued, tmp_path):
    Case.objects.filter(pk=issued.case_id).update(language="es")
    issued.case.language = "es"
    text = pdf_text(instructions_pdf(issued), tmp_path)
    month = issued.report_by.month
    spanish_months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                      "septiembre", "octubre", "noviembre", "diciembre"]  # fmt: skip
    assert (
        f"{issued.report_by.day} de {spanish_months[month - 1]} de {issued.report_by.year}" in text
    )


@pytest.mark.parametrize(
    ("language", "wanted"),
    [
        ("pl", ["Instrukcje podróży", "Punkt zbiórki", "Hełm", "Rozchodzone buty wojskowe"]),
        ("ja", ["渡航案内", "集合場所", "持参する書類", "ヘルメット", "履き慣らした戦闘靴"]),
    ],
)
def test_pdf_in_polish_and_japanese_uses_fonts_that_have_the_letters(
    issued, tmp_path, language, wanted
):
    """The text is there, and every font that sets it is embedded: a missing glyph would
    fall back to a box (tofu), which pdftotext cannot read back as these words.
    Also leaves var/screenshots/instructions-<language>-pdf-1.png to look at."""
    from django.conf import settings

    Case.objects.filter(pk=issued.case_id).update(language=language)
    issued.case.language = language
    path = tmp_path / f"{language}.pdf"
    path.write_bytes(instructions_pdf(issued))
    text = pdf_text(path.read_bytes(), tmp_path)
    assert [word for word in wanted if word not in text] == []
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)  # every font embedded
    if language == "ja":
        assert any("CJK" in row for row in rows), fonts.stdout
    out = settings.VAR_DIR / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(path),
         str(out / f"instructions-{language}-pdf")],
        check=True,
    )  # fmt: skip


def test_pdf_writes_names_in_their_own_script(issued, tmp_path):
    applicant = issued.case.applicant
    applicant.native_name = "山田 太郎"
    applicant.save()
    issued.case.applicant = applicant
    assert "山田 太郎" in pdf_text(instructions_pdf(issued), tmp_path)


def test_email_goes_out_only_after_commit_with_the_pdf(
    case, officer, attache, consul, mailoutbox, django_capture_on_commit_callbacks, tmp_path
):
    steps.visa_issued(case, officer, attache, consul)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        steps.instructions_issued(case, officer, attache, consul)
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    (message,) = mailoutbox
    assert message.subject == f"Your travel instructions ({case.reference})"
    assert "Krakovets" in message.body
    # The body (shown on locked phones) leaves the assembly point to the attachment.
    assert ASSEMBLY not in message.body
    assert ASSEMBLY not in message.alternatives[0].content
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf"
    assert ASSEMBLY in pdf_text(content, tmp_path)


def test_no_email_is_queued_for_a_case_without_a_visa(issued, mailoutbox):
    set_state(issued.case, S.ON_HOLD)
    issued.case.refresh_from_db()
    mailoutbox.clear()
    assert instructions_email_queue(instructions=issued) is False
    assert mailoutbox == []


def test_no_email_without_an_address(issued, mailoutbox):
    issued.case.applicant.email = ""
    issued.case.applicant.save()
    mailoutbox.clear()
    assert instructions_email_queue(instructions=issued) is False
