"""The rules do what the site says: the working languages named on the languages page
are the ones the rule accepts, and what the next-steps pages offer follows the
eligibility outcome (nobody the rules refer elsewhere is offered an interview or asked
for documents)."""

import re

import pytest

from legion.cases.eligibility import Outcome, evaluate_case, working_languages
from legion.cases.models import Case, Document, EligibilityRule
from legion.cases.states import CaseState
from legion.demo.setup import eligibility_rules_create
from legion.portal.tests.conftest import sign_in
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db

UKRAINIAN_ONLY = [{"code": "uk", "level": "native"}]


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def working_language_rule(languages):
    EligibilityRule.objects.update_or_create(
        code="working_language", defaults={"parameters": {"languages": languages}}
    )


def passes_working_language(case):
    result = next(r for r in evaluate_case(case).results if r.code == "working_language")
    return result.passed


def test_demo_legion_works_in_english_and_ukrainian(db):
    eligibility_rules_create()
    assert working_languages() == ["en", "uk"]


def test_a_native_ukrainian_speaker_passes_when_the_legion_works_in_ukrainian(london):
    case = f.CaseFactory(mission=london, applicant__languages=UKRAINIAN_ONLY)
    assert not passes_working_language(case)  # the engine's default is English only
    working_language_rule(["en", "uk"])
    assert passes_working_language(case)


@pytest.mark.parametrize(
    ("languages", "language", "sentence"),
    [
        (["en", "uk"], "en", "the legion's working languages: English and Ukrainian."),
        (["en", "uk"], "uk", "робочих мов легіону: англійська і українська."),
        (["en", "uk"], "ja", "部隊の使用言語（英語、ウクライナ語）"),
        (["en", "fr"], "en", "the legion's working languages: English and French."),
        (["en"], "de", "Arbeitssprachen der Legion: Englisch."),
    ],
)
def test_languages_page_names_the_languages_the_rule_accepts(
    applicant_client, languages, language, sentence
):
    working_language_rule(languages)
    applicant_client.cookies["django_language"] = language
    assert sentence in text(applicant_client.get("/apply/languages/"))


def test_the_rules_message_names_the_same_languages_in_the_applicants_language(london):
    working_language_rule(["en", "uk"])
    case = f.CaseFactory(mission=london, language="pl", applicant__languages=[])
    result = next(r for r in evaluate_case(case).results if r.code == "working_language")
    assert not result.passed
    assert "angielski lub ukraiński" in result.message


@pytest.fixture
def untrained(london, risk_notice, client, django_capture_on_commit_callbacks):
    """The Canadian volunteer with no training at all, his application just sent; no
    criminal record certificate uploaded yet."""
    from legion.advisories.services import case_acknowledge_advisories

    f.AdvisoryFactory(nationality="CA")
    case = f.CaseFactory(mission=london, applicant__nationality="CA")
    f.DocumentFactory(case=case, kind="passport")
    case_acknowledge_advisories(case=case)
    case = set_state(case, CaseState.SUBMITTED)
    sign_in(client, case)
    assert evaluate_case(case).outcome == Outcome.REFERRAL
    return case


def test_sent_page_offers_no_interview_to_someone_the_rules_refer(client, untrained):
    page = text(client.get("/apply/sent/"))
    assert "book an interview" not in page
    assert "criminal record certificate" not in page
    assert "you will not be asked for documents or an interview" in page
    assert "You can still help" in page


def test_status_page_in_review_asks_no_documents_of_someone_the_rules_refer(client, untrained):
    set_state(untrained, CaseState.IN_REVIEW)
    page = text(client.get("/my-application/"))
    assert "book an interview" not in page
    assert "See or add documents" not in page
    assert "criminal record certificate" not in page
    assert "You can still help" in page


def test_referred_applicant_reads_the_reason_once_and_is_asked_for_nothing(client, untrained):
    set_state(untrained, CaseState.REFERRED)
    page = text(client.get("/my-application/"))
    assert page.count("no time for basic training") == 1
    assert "Please upload a criminal record certificate" not in page
    assert "Upload a new document" not in page and "See or add documents" not in page
    assert "You can still help" in page


def test_referred_applicant_also_too_old_is_told_both_reasons(client, untrained):
    untrained.applicant.date_of_birth = untrained.applicant.date_of_birth.replace(year=1950)
    untrained.applicant.save()
    set_state(untrained, CaseState.REFERRED)
    page = text(client.get("/my-application/"))
    assert "The upper age limit is 60" in page
    assert page.count("no time for basic training") == 1


def test_eligible_applicant_is_told_the_certificate_still_to_send(client, london, risk_notice):
    from legion.advisories.services import case_acknowledge_advisories

    f.AdvisoryFactory(nationality="GB")
    case = f.CaseFactory(mission=london)
    f.ServiceRecordFactory(case=case)
    f.DocumentFactory(case=case, kind="passport", status=Document.Status.VERIFIED)
    case_acknowledge_advisories(case=case)
    case = set_state(case, CaseState.SUBMITTED)
    sign_in(client, case)
    assert evaluate_case(case).outcome == Outcome.INCOMPLETE
    page = text(client.get("/apply/sent/"))
    assert "you can book an interview with the defence attaché and the consul" in page
    assert "What you still need to do" in page
    assert "Please upload a criminal record certificate from your country." in page
    status = text(client.get("/my-application/"))
    assert "Please upload a criminal record certificate from your country." in status
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED


@pytest.mark.parametrize(
    ("language", "nothing_to_do"),
    [("en", "You do not need to do anything now"), ("ja", "現時点で必要な手続きはありません")],
)
def test_missing_certificate_is_a_to_do_and_the_page_does_not_say_nothing_to_do(
    client, london, risk_notice, language, nothing_to_do
):
    """Finding M4: staff saw the certificate missing, the applicant read "nothing to do"."""
    from legion.advisories.services import case_acknowledge_advisories

    f.AdvisoryFactory(nationality="GB")
    case = f.CaseFactory(mission=london, language=language)
    f.ServiceRecordFactory(case=case)
    f.DocumentFactory(case=case, kind="passport", status=Document.Status.VERIFIED)
    case_acknowledge_advisories(case=case)
    sign_in(client, set_state(case, CaseState.SUBMITTED))
    client.cookies["django_language"] = language
    status = text(client.get("/my-application/", HTTP_ACCEPT_LANGUAGE=language))
    assert nothing_to_do not in status
    if language == "en":
        assert "cannot go on with your application until you have done" in status
        assert "Please upload a criminal record certificate from your country." in status
