"""The home address page: GOV.UK "Addresses" pattern, errors in the summary, and the
address on "check your answers" with its Change link."""

import pytest

from legion.cases.models import Applicant
from legion.portal.tests.flows import answer_everything, post_ok, start_application

pytestmark = pytest.mark.django_db

URL = "/apply/address/"
PARAMEDIC = {
    "address_line_1": "Apt 4, 211 Bank Street",
    "address_line_2": "Centretown",
    "address_town": "Ottawa",
    "address_postcode": "K2P 1X1",
    "address_country": "CA",
}


def summary(page: str) -> str:
    start = page.index('class="error-summary"')
    return page[start : page.index("</div>", start)]


def test_the_page_asks_for_the_address_with_autocomplete_hints(applicant_client):
    page = applicant_client.get(URL).content.decode()
    assert '<h1 class="fieldset__heading">What is your home address?</h1>' in page
    assert "<title>Home address" in page
    for name, token in (
        ("address_line_1", "address-line1"),
        ("address_line_2", "address-line2"),
        ("address_town", "address-level2"),
        ("address_postcode", "postal-code"),
        ("address_country", "country"),
    ):
        tag = page[page.index(f'name="{name}"') - 200 : page.index(f'name="{name}"') + 200]
        assert f'autocomplete="{token}"' in tag, name
    # No country is chosen for the applicant: the list starts empty.
    assert '<option value="" selected>Select a country</option>' in page
    assert "Postcode or ZIP code (optional)" in page and "Address line 2 (optional)" in page


def test_missing_parts_are_listed_in_the_error_summary_then_a_full_address_is_saved(
    applicant_client, draft
):
    response = applicant_client.post(URL, {"address_line_2": "Centretown"})
    assert response.status_code == 400
    page = response.content.decode()
    errors = summary(page)
    assert (
        '<a href="#id_address_line_1">Enter address line 1, typically the building and street.</a>'
        in errors
    )
    assert '<a href="#id_address_town">Enter your town or city.</a>' in errors
    assert '<a href="#id_address_country">Select the country you live in.</a>' in errors
    assert "#id_address_line_2" not in errors and "#id_address_postcode" not in errors
    assert 'value="Centretown"' in page  # what was typed is kept
    assert Applicant.objects.get(pk=draft.applicant_id).address_line_2 == ""

    response = post_ok(applicant_client, URL, PARAMEDIC)
    assert response.url == "/apply/languages/"
    applicant = Applicant.objects.get(pk=draft.applicant_id)
    assert applicant.address_lines == [
        "Apt 4, 211 Bank Street",
        "Centretown",
        "Ottawa K2P 1X1",
        "Canada",
    ]


def test_every_problem_is_listed_at_once_in_the_order_of_the_page(applicant_client):
    response = applicant_client.post(
        URL, {"address_line_1": "Kurfürstendamm 195", "address_postcode": "10707!"}
    )
    errors = summary(response.content.decode())
    anchors = [errors.index(f'href="#id_address_{n}"') for n in ("town", "postcode", "country")]
    assert anchors == sorted(anchors)
    assert "only include letters, numbers, spaces and hyphens" in errors


# The service's messages (legion/cases/tests/test_intake.py has each) land on their field.
@pytest.mark.parametrize(
    "changes,anchor,message",
    [
        (
            {"address_postcode": "K2P 1X1!"},
            "id_address_postcode",
            "Postcode or ZIP code must only include letters, numbers, spaces and hyphens.",
        ),
        (
            {"address_country": "SU"},
            "id_address_country",
            "Select the country you live in from the list.",
        ),
    ],
)
def test_a_wrong_part_is_refused_with_its_own_message(
    applicant_client, draft, changes, anchor, message
):
    response = applicant_client.post(URL, PARAMEDIC | changes)
    assert response.status_code == 400
    assert f'<a href="#{anchor}">{message}</a>' in summary(response.content.decode())
    assert Applicant.objects.get(pk=draft.applicant_id).address_town == ""


def test_an_address_without_postcode_is_accepted(applicant_client, draft):
    post_ok(
        applicant_client,
        URL,
        {"address_line_1": "Gldani, 3rd Micro-district, Block 8", "address_town": "Tbilisi"}
        | {"address_country": "GE"},
    )
    assert Applicant.objects.get(pk=draft.applicant_id).address_postcode == ""


def test_check_your_answers_shows_the_address_as_lines_with_a_change_link(client, london):
    start_application(client)
    answer_everything(client)
    page = client.get("/apply/check/").content.decode()
    row = page[page.index('<dt class="summary-list__key">Home address</dt>') :]
    row = row[: row.index("</div>")]
    for line in ("14 Wellington Road", "Aldershot GU11 1AB", "United Kingdom"):
        assert f"<li><bdi>{line}</bdi></li>" in row
    assert 'href="/apply/address/?return=check"' in row
    assert '<span class="visually-hidden"> home address</span>' in row
    response = post_ok(client, "/apply/address/?return=check", PARAMEDIC)
    assert response.url == "/apply/check/"


def test_task_list_names_the_address_section_after_contact_details(applicant_client):
    page = applicant_client.get("/apply/").content.decode()
    assert page.index("Contact details") < page.index("Home address") < page.index("Languages")
    row = page[page.index("Home address") : page.index("Languages you can work in")]
    assert "Not completed" in row
