"""Applicant access without a password: one-time links and codes, hashes only, expiry."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from legion.cases.access import (
    MAX_CODE_FAILURES,
    AccessRefused,
    access_email_send,
    access_grant_issue,
    access_redeem_code,
    access_redeem_link,
    access_request,
    normalise_reference,
)
from legion.cases.models import AccessToken
from legion.testing import factories as f
from legion.testing.outbox import deliver_outbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case(london):
    return f.CaseFactory(mission=london, applicant__email="ana@example.org")


def refused(func, **kwargs) -> AccessRefused:
    with pytest.raises(AccessRefused) as exc:
        func(**kwargs)
    return exc.value


def test_only_hashes_of_links_and_codes_are_stored(case):
    grant = access_grant_issue(case=case)
    stored = list(AccessToken.objects.values_list("token_hash", flat=True))
    assert len(stored) == 2
    for secret in (grant.link_token, grant.code):
        assert all(secret not in value for value in stored)


def test_link_opens_the_case_once(case):
    grant = access_grant_issue(case=case)
    assert access_redeem_link(token=grant.link_token) == case
    assert refused(access_redeem_link, token=grant.link_token).code == "used"


def test_using_the_link_cancels_the_code_sent_with_it_and_older_ones(case):
    older = access_grant_issue(case=case)
    grant = access_grant_issue(case=case)
    access_redeem_link(token=grant.link_token)
    assert refused(access_redeem_link, token=older.link_token).code == "used"
    error = refused(access_redeem_code, reference=case.reference, code=grant.code)
    assert error.code == "invalid"


def test_expired_link_is_refused(case):
    grant = access_grant_issue(case=case)
    AccessToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    error = refused(access_redeem_link, token=grant.link_token)
    assert (error.code, error.message) == (
        "expired",
        "This link has expired. Ask for a new one below.",
    )


def test_made_up_link_is_refused(case):
    assert refused(access_redeem_link, token="not-a-real-token").code == "invalid"


def test_code_works_with_the_reference_typed_loosely(case):
    grant = access_grant_issue(case=case)
    typed_reference = case.reference.lower().replace("-", " ")
    typed_code = f"{grant.code[:4].lower()} {grant.code[4:]}"
    assert access_redeem_code(reference=typed_reference, code=typed_code) == case


def test_code_is_bound_to_its_case(case, london):
    other = f.CaseFactory(mission=london)
    grant = access_grant_issue(case=case)
    error = refused(access_redeem_code, reference=other.reference, code=grant.code)
    assert error.code == "invalid"


def test_expired_code_is_refused(case):
    grant = access_grant_issue(case=case)
    AccessToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert refused(access_redeem_code, reference=case.reference, code=grant.code).code == "invalid"


def test_guessing_codes_locks_code_entry_for_that_reference(case):
    grant = access_grant_issue(case=case)
    for _ in range(MAX_CODE_FAILURES):
        refused(access_redeem_code, reference=case.reference, code="AAAAAAAA")
    error = refused(access_redeem_code, reference=case.reference, code=grant.code)
    assert error.code == "locked"
    # The link in the e-mail still works.
    assert access_redeem_link(token=grant.link_token) == case


def test_reference_normalisation_maps_lookalike_letters():
    assert normalise_reference("lgn 7k3m 9q2p") == "LGN-7K3M-9Q2P"
    assert normalise_reference("LGN-OI23-45L6") == "LGN-0123-4516"


def test_request_with_matching_reference_and_email_sends_a_new_link(
    case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        access_request(reference=case.reference, email="ANA@example.org ")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.org"]
    assert "/return/link/" in mail.outbox[0].body


@pytest.mark.parametrize("email", ["someone@else.org", ""])
def test_request_that_does_not_match_sends_nothing_and_says_nothing(
    case, email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = access_request(reference=case.reference, email=email)
        unknown = access_request(reference="LGN-0000-0000", email="ana@example.org")
    assert result is None and unknown is None
    assert mail.outbox == []
    assert not AccessToken.objects.exists()


def test_requests_are_limited_per_hour(case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            access_request(reference=case.reference, email="ana@example.org")
    assert len(mail.outbox) == 3


def test_access_email_is_in_the_case_language(case):
    case.language = "uk"
    case.save()
    grant = access_email_send(case=case, purpose="resume")
    deliver_outbox()
    message = mail.outbox[0]
    assert grant.code_display in message.body
    assert case.reference in message.subject
    assert "Продовжіть заявку" in message.subject
