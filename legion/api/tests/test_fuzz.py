"""Schemathesis against the live OpenAPI document, in process: every operation, with a
staff token and without, valid and invalid input (a fixed seed and a bounded number of
examples). No answer may be a server error or break the documented schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from legion.api.applicant_tokens import applicant_token_issue
from legion.api.tokens import api_token_create
from legion.cases.states import CaseState as S
from legion.testing.factories import set_state
from legion.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# The document as the running application serves it (reading it touches no table).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.fixture
def wsgi_calls(settings):
    """Requests go straight to the WSGI application, like Django's test client: the
    test's database connection (and its transaction) must outlive each request."""
    settings.LEGION_API_RATE_PER_TOKEN = "100000/60"
    settings.LEGION_API_RATE_PER_ADDRESS = "100000/60"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(wsgi_calls, officer, case):
    """A consular officer's token, and a case in their scope for the operations to find."""
    set_state(case, S.SUBMITTED)
    return api_token_create(username=officer.username, name="fuzz", scope="read_write")[1]


FUZZ = settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_the_api_with_a_token_never_fails_nor_breaks_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_the_api_without_a_token_never_fails_nor_breaks_its_schema(case, db, wsgi_calls):
    case.call_and_validate(checks=CHECKS)


@pytest.fixture
def applicant_token(wsgi_calls, case):
    """The applicant's token of a draft, for the applicant's operations."""
    return applicant_token_issue(case=case)[1]


@schema.include(path_regex="^/api/v1/applicant/").parametrize()
@FUZZ
def test_the_applicant_api_with_an_applicant_token_never_fails_nor_breaks_its_schema(
    case, applicant_token
):
    case.call_and_validate(headers={"Authorization": f"Bearer {applicant_token}"}, checks=CHECKS)
