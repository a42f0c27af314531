"""Forms the local way: the date question in the order the language writes dates, dates
in British English on English pages, and phone examples from the applicant's country."""

import datetime as dt
import re

import pytest

from legion.cases.intake import draft_start
from legion.portal.tests.conftest import sign_in
from legion.testing import factories as f

pytestmark = pytest.mark.django_db


def html_of(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def box_order(html, name):
    """The date boxes' parts in the order they appear on the page."""
    parts = {"0": "day", "1": "month", "2": "year"}
    return [parts[i] for i in re.findall(rf'<input[^>]*name="{name}_(\d)"', html)]


@pytest.mark.parametrize(
    ("language", "order", "labels", "example"),
    [
        ("ja", ["year", "month", "day"], ["年", "月", "日"], "例：1988 3 27"),
        ("en", ["day", "month", "year"], ["Day", "Month", "Year"], "For example, 27 3 1988"),
        ("uk", ["day", "month", "year"], ["День", "Місяць", "Рік"], "27 3 1988"),
        ("de", ["day", "month", "year"], ["Tag", "Monat", "Jahr"], "27 3 1988"),
    ],
)
def test_date_of_birth_is_asked_in_the_languages_order(
    applicant_client, language, order, labels, example
):
    html = html_of(applicant_client, "/apply/birth/", language)
    assert box_order(html, "date_of_birth") == order
    shown = re.findall(r'class="label date-input__label"[^>]*>([^<]*)</label>', html)
    assert shown == labels
    assert example in html


def test_japanese_date_of_birth_is_read_as_year_month_day_and_errors_link_to_the_year(
    applicant_client, draft
):
    applicant_client.cookies["django_language"] = "ja"
    response = applicant_client.post(
        "/apply/birth/",
        {"date_of_birth_2": "1988", "date_of_birth_1": "", "date_of_birth_0": "27", "sex": "M"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_date_of_birth_2"' in html  # the first box on the page: the year
    assert "生年月日には年、月、日を入力してください。" in html
    applicant_client.post(
        "/apply/birth/",
        {"date_of_birth_2": "1988", "date_of_birth_1": "3", "date_of_birth_0": "27", "sex": "M"},
    )
    draft.applicant.refresh_from_db()
    assert draft.applicant.date_of_birth.isoformat() == "1988-03-27"


def test_english_pages_write_dates_the_british_way(client, london, risk_notice):
    f.AdvisoryFactory(nationality="US", reviewed_on=dt.date(1994, 11, 2))
    assert "<dd>2 November 1994</dd>" in html_of(client, "/advice/us/", "en")
    assert "<dd>1994年11月2日</dd>" in html_of(client, "/advice/us/", "ja")
    assert "<dd>2 листопада 1994 р.</dd>" in html_of(client, "/advice/us/", "uk")


@pytest.mark.parametrize(
    ("mission_country", "address_country", "example"),
    [
        ("GB", "", "+44 7400 123456"),
        ("JP", "", "+81 90-1234-5678"),
        ("JP", "UA", "+380 50 123 4567"),
        ("US", "CA", "+1 506-234-5678"),
    ],
)
def test_phone_example_is_a_number_of_the_country_the_applicant_lives_in(
    client, risk_notice, mission_country, address_country, example
):
    mission = f.MissionFactory(country=mission_country)
    case = draft_start(mission_code=mission.code, language="en")
    if address_country:
        case.applicant.address_country = address_country
        case.applicant.save()
    sign_in(client, case)
    html = html_of(client, "/apply/contact/", "en")
    assert f"With the country code, for example {example}" in html
    if example != "+44 7400 123456":
        assert "+44 7" not in html


def test_phone_example_sits_inside_each_languages_sentence(client, risk_notice):
    mission = f.MissionFactory(country="JP")
    sign_in(client, draft_start(mission_code=mission.code, language="ja"))
    assert "国番号から入力してください（例：+81 90-1234-5678）" in html_of(
        client, "/apply/contact/", "ja"
    )
