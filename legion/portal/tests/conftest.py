"""Portal fixtures: a browser signed in to one applicant's case."""

import time

import pytest

from legion.portal.session import SESSION_CASE, SESSION_SEEN
from legion.testing import factories as f


def sign_in(client, case):
    """Give the test client an applicant session for this case, as a used link would."""
    session = client.session
    session[SESSION_CASE] = case.pk
    session[SESSION_SEEN] = int(time.time())
    session.save()
    return client


@pytest.fixture
def draft(london, risk_notice):
    """An empty draft at London, as the first page of the application leaves it."""
    from legion.cases.intake import draft_start

    return draft_start(mission_code=london.code, language="en")


@pytest.fixture
def applicant_client(client, draft):
    return sign_in(client, draft)


@pytest.fixture
def gb_advisory(db):
    return f.AdvisoryFactory(nationality="GB")
