"""Names, dates and numbers the reader's way: the helpers, the e-mails and the PDF."""

import datetime as dt

import pytest
from django.core import mail
from django.template import Context, Template
from django.utils import translation

from legion.cases.access import access_email_send
from legion.cases.instructions import instructions_pdf
from legion.cases.localisation import display_name, format_number, weekday_date
from legion.cases.models import Case
from legion.cases.tests.test_instructions import pdf_text
from legion.testing.outbox import deliver_outbox
from legion.workspace.tests import steps

FRIDAY = dt.date(2030, 11, 29)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Tyler Kowalchuk"),
        ("fr", "Tyler Kowalchuk"),
        ("de", "Tyler Kowalchuk"),
        ("uk", "Tyler Kowalchuk"),
        ("ja", "Kowalchuk Tyler"),
        ("zh-hans", "Kowalchuk Tyler"),
        ("hu", "Kowalchuk Tyler"),
    ],
)
def test_names_are_written_in_the_languages_order(language, expected):
    assert display_name("Tyler", "Kowalchuk", language=language) == expected
    with translation.override(language):
        assert display_name("Tyler", "Kowalchuk") == expected


def test_a_missing_name_part_leaves_no_stray_space():
    assert display_name("", "Kowalchuk", language="ja") == "Kowalchuk"
    assert display_name(" Tyler ", "", language="en") == "Tyler"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Friday, 29 November 2030"),
        ("fr", "vendredi 29 novembre 2030"),
        ("de", "Freitag, 29. November 2030"),
        ("es", "viernes, 29 de noviembre de 2030"),
        ("uk", "п’ятниця, 29 листопада 2030 р."),
        ("pl", "piątek, 29 listopada 2030"),
        ("ja", "2030年11月29日(金)"),
    ],
)
def test_dates_with_their_weekday_are_written_the_languages_way(language, expected):
    with translation.override(language):
        shown = weekday_date(FRIDAY)
    # Django's Ukrainian names use either apostrophe; both are right.
    assert shown.replace("'", "’") == expected


def test_french_writes_the_first_of_the_month_as_premier():
    with translation.override("fr"):
        assert weekday_date(dt.date(2026, 12, 1)) == "mardi 1er décembre 2026"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "20,000"), ("fr", "20\xa0000"), ("de", "20.000"), ("ja", "20,000")],
)
def test_counts_carry_the_languages_thousands_separator(language, expected):
    with translation.override(language):
        assert format_number(20000) == expected
        assert Template("{% load localise %}{{ n|number }}").render(Context({"n": 20000})) == (
            expected
        )
        assert format_number("<5") == "<5"  # a suppressed count stays as it is


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "greeting"),
    [
        ("fr", "Bonjour Tyler Kowalchuk,"),
        ("de", "Guten Tag Tyler Kowalchuk,"),
        ("ja", "Kowalchuk Tyler"),
    ],
)
def test_emails_greet_the_applicant_by_name_in_the_languages_order(case, language, greeting):
    Case.objects.filter(pk=case.pk).update(language=language)
    case.refresh_from_db()
    case.applicant.given_name, case.applicant.surname = "Tyler", "Kowalchuk"
    case.applicant.save()
    access_email_send(case=case, purpose="resume")
    deliver_outbox()
    (message,) = mail.outbox
    # Japanese puts the family name first (and the honorific after it, in translation).
    assert greeting in message.body.splitlines()[0]
    if language == "ja":
        assert "Tyler Kowalchuk" not in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "month", "name"),
    [
        ("fr", "Instructions de voyage", "novembre", "Tyler Kowalchuk"),
        ("de", "Reiseanweisungen", "November", "Tyler Kowalchuk"),
        ("ja", None, "11月", "Kowalchuk Tyler"),
    ],
)
def test_instructions_pdf_is_written_the_languages_way(
    case, officer, attache, consul, tmp_path, language, heading, month, name
):
    case.applicant.given_name, case.applicant.surname = "Tyler", "Kowalchuk"
    case.applicant.save()
    issued = steps.instructions_issued(case, officer, attache, consul)
    issued.report_by = dt.date(2030, 11, 29)
    Case.objects.filter(pk=case.pk).update(language=language)
    issued.case.language = language
    text = " ".join(pdf_text(instructions_pdf(issued), tmp_path).split())
    if heading:
        assert heading in text
    assert name in text
    expected_day = {"fr": "29 novembre 2030", "de": "29. November 2030", "ja": "2030年11月29日"}
    assert expected_day[language] in text, text
    assert month in text
