"""Filling in a draft: every answer checked, nothing partial saved, sending exactly once."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from legion.advisories.intake import draft_acknowledge_advisories
from legion.advisories.models import Acknowledgement
from legion.cases.access import access_redeem_link
from legion.cases.intake import (
    IntakeInvalid,
    draft_add_language,
    draft_add_service_record,
    draft_missing,
    draft_remove_language,
    draft_set_mission,
    draft_start,
    draft_submit,
    draft_update,
)
from legion.cases.models import Applicant, Case, CaseEvent, EligibilityRule
from legion.cases.services import CaseError
from legion.cases.states import CaseState
from legion.crypto import identity_number_index
from legion.missions.actors import Actor
from legion.outbox.models import OutboxMessage
from legion.testing import factories as f
from legion.testing.factories import set_state
from legion.testing.outbox import DOWN_BACKEND, deliver_outbox

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def draft(london, risk_notice):
    return draft_start(mission_code=london.code, language="es")


def me(case):
    return Actor.applicant(case.pk)


def update(case, **changes):
    return draft_update(reference=case.reference, actor=me(case), changes=changes)


def invalid(case, **changes) -> dict[str, str]:
    with pytest.raises(IntakeInvalid) as exc:
        update(case, **changes)
    return exc.value.errors


def test_draft_starts_empty_at_the_chosen_mission_in_the_applicants_language(draft, london):
    assert (draft.state, draft.mission, draft.language) == ("draft", london, "es")
    assert CaseEvent.objects.get(case=draft).action == "start"


def test_draft_cannot_start_at_an_unknown_or_closed_mission(london):
    london.is_active = False
    london.save()
    with pytest.raises(IntakeInvalid) as exc:
        draft_start(mission_code="lon", language="en")
    assert exc.value.errors == {"mission": "Select the embassy or consulate where you will apply."}
    assert not Case.objects.exists() and not Applicant.objects.exists()


def test_applicant_moves_the_draft_to_another_mission(draft, ottawa):
    draft_set_mission(reference=draft.reference, actor=me(draft), mission_code="ott")
    assert Case.objects.get(pk=draft.pk).mission == ottawa


def test_answers_are_saved(draft):
    update(
        draft,
        given_name="  Tamar ",
        surname="Beridze",
        native_name="თამარ ბერიძე",
        date_of_birth=dt.date(1990, 5, 1),
        sex="F",
        nationality="ge",
        passport_number="13ab 45-678",
        passport_country="GE",
        passport_expiry=TODAY() + dt.timedelta(days=800),
        email="Tamar@Example.ORG",
        language="uk",
    )
    case = Case.objects.select_related("applicant").get(pk=draft.pk)
    a = case.applicant
    assert (a.given_name, a.native_name, a.nationality.code) == ("Tamar", "თამარ ბერიძე", "GE")
    assert a.passport_number == "13AB45678"
    assert a.passport_number_index == identity_number_index("13 AB 45678", "passport")
    assert a.email == "Tamar@example.org"
    assert case.language == "uk"


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"given_name": " "}, "given_name", "Enter your given names."),
        ({"surname": "x" * 101}, "surname", "Surname must be 100 characters or fewer."),
        ({"date_of_birth": None}, "date_of_birth", "Enter your date of birth."),
        ({"date_of_birth": "1990-13-40"}, "date_of_birth", "Date of birth must be a real date."),
        (
            {"date_of_birth": dt.date(2999, 1, 1)},
            "date_of_birth",
            "Date of birth must be in the past.",
        ),
        ({"sex": "Q"}, "sex", "Select your sex as shown in your passport."),
        ({"nationality": "XX"}, "nationality", "Select your nationality from the list."),
        (
            {"passport_number": "12"},
            "passport_number",
            "Passport number must be 5 to 20 letters and numbers.",
        ),
        (
            {"passport_number": "AB<script>12"},
            "passport_number",
            "Passport number must be 5 to 20 letters and numbers.",
        ),
        (
            {"passport_expiry": dt.date(2000, 1, 1)},
            "passport_expiry",
            "Your passport has expired. You need a valid passport to apply.",
        ),
        (
            {"email": "not-an-address"},
            "email",
            "Enter an e-mail address in the correct format, like name@example.com.",
        ),
        (
            {"phone": "call me"},
            "phone",
            "Enter a phone number in the correct format, like +44 7700 900 982.",
        ),
        (
            {"has_criminal_record": None},
            "has_criminal_record",
            "Select yes if you have a criminal record.",
        ),
        ({"language": "xx"}, "language", "Select the language we should use with you."),
        (
            {"address_line_1": "x" * 101},
            "address_line_1",
            "Address line 1 must be 100 characters or fewer.",
        ),
        (
            {"address_line_2": "x" * 101},
            "address_line_2",
            "Address line 2 must be 100 characters or fewer.",
        ),
        (
            {"address_town": "x" * 101},
            "address_town",
            "Town or city must be 100 characters or fewer.",
        ),
        (
            {"address_postcode": "1" * 21},
            "address_postcode",
            "Postcode or ZIP code must be 20 characters or fewer.",
        ),
        (
            {"address_postcode": "SW1A 1AA!"},
            "address_postcode",
            "Postcode or ZIP code must only include letters, numbers, spaces and hyphens.",
        ),
        (
            {"address_postcode": "〒100-0001"},
            "address_postcode",
            "Postcode or ZIP code must only include letters, numbers, spaces and hyphens.",
        ),
        (
            {"address_country": "SU"},
            "address_country",
            "Select the country you live in from the list.",
        ),
    ],
)
def test_bad_answers_are_refused_with_a_specific_message(draft, changes, field, message):
    assert invalid(draft, **changes) == {field: message}


def test_home_address_is_saved_as_written(draft):
    update(
        draft,
        address_line_1=" 2-11-3  Kanda Jimbocho ",
        address_line_2="",
        address_town="Chiyoda-ku, Tokyo",
        address_postcode="101-0051",
        address_country="jp",
    )
    a = Applicant.objects.get(pk=draft.applicant_id)
    assert (a.address_line_1, a.address_town, a.address_postcode) == (
        "2-11-3 Kanda Jimbocho",
        "Chiyoda-ku, Tokyo",
        "101-0051",
    )
    assert a.address_country.code == "JP"
    assert a.address_lines == ["2-11-3 Kanda Jimbocho", "Chiyoda-ku, Tokyo 101-0051", "Japan"]


@pytest.mark.parametrize(
    "country,town_line",
    [("DE", "10707 Berlin"), ("GB", "Berlin 10707"), ("", "Berlin 10707")],
)
def test_address_lines_put_the_postcode_where_the_country_writes_it(country, town_line):
    a = Applicant(
        address_line_1="Kurfürstendamm 195",
        address_town="Berlin",
        address_postcode="10707",
        address_country=country,
    )
    assert a.address_lines[:2] == ["Kurfürstendamm 195", town_line]


def test_under_age_applicant_is_refused_at_the_date_of_birth(draft):
    seventeen = TODAY().replace(year=TODAY().year - 17)
    assert invalid(draft, date_of_birth=seventeen) == {
        "date_of_birth": "You must be 18 or older to apply."
    }


def test_minimum_age_follows_the_configured_rule(draft):
    EligibilityRule.objects.create(code="age", parameters={"min_age": 21, "max_age": 60})
    twenty = TODAY().replace(year=TODAY().year - 20)
    assert invalid(draft, date_of_birth=twenty)["date_of_birth"] == (
        "You must be 21 or older to apply."
    )


def test_one_bad_answer_saves_none_of_the_others(draft):
    errors = invalid(
        draft,
        given_name="Anna",
        surname="Kowalska",
        passport_expiry=TODAY() - dt.timedelta(days=1),
    )
    assert list(errors) == ["passport_expiry"]
    applicant = Applicant.objects.get(pk=draft.applicant_id)
    assert (applicant.given_name, applicant.surname, applicant.passport_expiry) == ("", "", None)


def test_second_nationality_must_differ_from_the_first(draft):
    update(draft, nationality="JP")
    assert invalid(draft, second_nationality="JP") == {
        "second_nationality": "Your second nationality must be different from your main one."
    }


def test_messages_come_in_the_active_language(draft, settings):
    from django.utils import translation

    with translation.override("es"):
        errors = invalid(draft, email="")
    assert errors == {"email": "Introduzca su dirección de correo electrónico."}


def test_sent_application_can_no_longer_be_changed(draft):
    case = set_state(draft, CaseState.SUBMITTED)
    with pytest.raises(CaseError) as exc:
        update(case, given_name="Changed")
    assert exc.value.code == "not_draft"


def test_applicant_cannot_change_someone_elses_draft(draft, london):
    other = f.CaseFactory(mission=london)
    with pytest.raises(CaseError) as exc:
        draft_update(reference=draft.reference, actor=me(other), changes={"given_name": "X"})
    assert exc.value.code == "not_found"


def test_languages_are_added_once_each(draft):
    draft_add_language(reference=draft.reference, actor=me(draft), code="en", level="fluent")
    with pytest.raises(IntakeInvalid) as exc:
        draft_add_language(reference=draft.reference, actor=me(draft), code="en", level="basic")
    assert exc.value.errors == {"code": "You have already added English."}
    draft_remove_language(reference=draft.reference, actor=me(draft), code="en")
    assert Applicant.objects.get(pk=draft.applicant_id).languages == []


def test_unknown_language_or_level_is_refused(draft):
    with pytest.raises(IntakeInvalid) as exc:
        draft_add_language(reference=draft.reference, actor=me(draft), code="tlh", level="guru")
    assert set(exc.value.errors) == {"code", "level"}


def add_record(case, **overrides):
    values = {
        "kind": "military",
        "country": "GB",
        "branch": "Army, Parachute Regiment",
        "start_year": 2006,
        "end_year": 2014,
        "deployments": "Afghanistan 2010",
    }
    return draft_add_service_record(
        reference=case.reference, actor=me(case), **{**values, **overrides}
    )


def test_service_record_is_added(draft):
    record = add_record(draft)
    assert (record.kind, record.country.code, record.years(2024)) == ("military", "GB", 8)


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"kind": "mercenary"}, "kind"),
        ({"country": ""}, "country"),
        ({"branch": "  "}, "branch"),
        ({"start_year": None}, "start_year"),
        ({"start_year": 1900}, "start_year"),
        ({"end_year": 2000}, "end_year"),
        ({"end_year": 3000}, "end_year"),
        ({"kind": "medical", "licence_number": ""}, "licence_number"),
    ],
)
def test_bad_service_record_is_refused_and_not_saved(draft, overrides, field):
    with pytest.raises(IntakeInvalid) as exc:
        add_record(draft, **overrides)
    assert field in exc.value.errors
    assert not draft.service_records.exists()


def complete(case, gb_advisory=True):
    """Answer everything a draft needs, as the portal would."""
    update(
        case,
        given_name="James",
        surname="Turner",
        date_of_birth=dt.date(1988, 4, 12),
        sex="M",
        nationality="GB",
        passport_number="512345678",
        passport_country="GB",
        passport_expiry=TODAY() + dt.timedelta(days=900),
        email="james@example.org",
        address_line_1="14 Wellington Road",
        address_town="Aldershot",
        address_country="GB",
        has_criminal_record=False,
    )
    draft_add_language(reference=case.reference, actor=me(case), code="en", level="native")
    add_record(case)
    f.DocumentFactory(case=case, kind="passport")
    if gb_advisory:
        f.AdvisoryFactory(nationality="GB")
    draft_acknowledge_advisories(reference=case.reference, actor=me(case), language="en")


def test_missing_sections_are_named(draft):
    assert set(draft_missing(case=draft)) == {
        "name",
        "birth",
        "nationality",
        "passport",
        "contact",
        "address",
        "languages",
        "criminal_record",
        "documents",
        "advisory",
    }


@pytest.mark.parametrize("blank", ["address_line_1", "address_town", "address_country"])
def test_an_address_without_street_town_or_country_is_missing(draft, blank):
    complete(draft)
    update(draft, **{blank: ""})
    assert draft_missing(case=Case.objects.get(pk=draft.pk)) == {
        "address": "Enter your home address: at least address line 1, town or city, and country."
    }


def test_an_address_without_postcode_or_second_line_is_complete(draft):
    complete(draft)
    update(draft, address_line_2="", address_postcode="")
    assert draft_missing(case=Case.objects.get(pk=draft.pk)) == {}


def test_acknowledgement_records_the_text_shown_in_the_page_language(draft):
    complete(draft)
    acknowledgement = Acknowledgement.objects.filter(case=draft).exclude(nationality="").get()
    assert (acknowledgement.nationality.code, acknowledgement.language) == ("GB", "en")
    assert Case.objects.get(pk=draft.pk).language == "es"  # the case's own language is kept


def test_changing_nationality_asks_for_the_new_advisory(draft):
    complete(draft)
    assert draft_missing(case=Case.objects.get(pk=draft.pk)) == {}
    update(draft, nationality="US")
    assert list(draft_missing(case=Case.objects.get(pk=draft.pk))) == ["advisory"]


def test_incomplete_draft_is_not_sent(draft):
    with pytest.raises(IntakeInvalid) as exc:
        draft_submit(reference=draft.reference, actor=me(draft))
    assert "documents" in exc.value.errors
    assert Case.objects.get(pk=draft.pk).state == CaseState.DRAFT


def test_complete_draft_is_sent_once_with_an_access_email(
    draft, django_capture_on_commit_callbacks
):
    complete(draft)
    with django_capture_on_commit_callbacks(execute=True):
        case = draft_submit(reference=draft.reference, actor=me(draft))
    assert case.state == CaseState.SUBMITTED
    with pytest.raises(CaseError) as exc:
        draft_submit(reference=draft.reference, actor=me(draft))
    assert exc.value.code == "not_draft"
    assert CaseEvent.objects.filter(case=draft, action="submit").count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["james@example.org"]
    # The case's language is Spanish: the e-mail is too.
    assert message.subject.startswith("Hemos recibido su solicitud")
    assert draft.reference in message.body
    token = message.body.split("/return/link/")[1].split("/")[0]
    assert access_redeem_link(token=token) == case


def test_application_is_sent_and_its_email_waits_when_the_mail_server_is_down(
    draft, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": DOWN_BACKEND}}
    complete(draft)
    with django_capture_on_commit_callbacks(execute=True):
        case = draft_submit(reference=draft.reference, actor=me(draft))
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED
    assert mail.outbox == []
    (waiting,) = OutboxMessage.objects.filter(case=case)
    assert waiting.status == OutboxMessage.Status.PENDING and waiting.attempts == 1
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert deliver_outbox() == ["sent"]
    assert case.reference in mail.outbox[0].subject
