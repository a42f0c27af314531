"""API tokens: scope (read-only tokens may not write), expiry, the command that sets
both, the migration that gave existing tokens both, and the audit entry naming the token."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from legion.api.models import ApiToken, TokenScope
from legion.api.tokens import api_token_create
from legion.audit.models import AuditEntry
from legion.cases.models import Case
from legion.cases.states import CaseState as S
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def submitted(case):
    return set_state(case, S.SUBMITTED)


def write_operations(client: Client, reference: str) -> list[tuple[str, str]]:
    """Every write the API offers staff tokens (from its OpenAPI document), for one case;
    the applicant's operations take an applicant token instead (test_applicant.py)."""
    schema = client.get("/api/v1/openapi.json").json()
    return [
        (method, path.replace("/api/v1", "").replace("{reference}", reference))
        for path, item in schema["paths"].items()
        for method in item
        if method in ("post", "put", "patch", "delete")
        and not path.startswith("/api/v1/applicant/")
    ]


def test_read_only_token_reads_but_gets_403_on_every_write(officer, submitted):
    token, raw = api_token_create(username=officer.username, name="dashboard")
    assert token.scope == TokenScope.READ  # the default
    client = bearer(raw)
    assert client.get("/api/v1/cases").status_code == 200
    assert client.get(f"/api/v1/cases/{submitted.reference}").status_code == 200
    writes = write_operations(client, submitted.reference)
    assert len(writes) >= 3
    bodies = {"transitions": {"action": "start_review"}, "assignment": {"assignee": "officer"}}
    for method, path in writes:
        body = next((b for k, b in bodies.items() if path.endswith(k)), {})
        if path.endswith("bulk-transitions"):
            body = {"action": "start_review", "references": [submitted.reference]}
        response = client.generic(
            method.upper(),
            f"/api/v1{path}",
            data=json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code == 403, (method, path, response.content)
        assert response.json()["code"] == "read_only_token"
        assert "read-only" in response.json()["detail"]
    case = Case.objects.get(pk=submitted.pk)
    assert (case.state, case.assigned_to) == (S.SUBMITTED, None)


def test_read_write_token_may_write(officer, submitted):
    _, raw = api_token_create(username=officer.username, name="sync", scope=TokenScope.READ_WRITE)
    response = bearer(raw).post(
        f"/api/v1/cases/{submitted.reference}/transitions",
        {"action": "start_review"},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_expired_token_gets_401_token_expired(officer):
    token, raw = api_token_create(
        username=officer.username, name="old", lifetime=dt.timedelta(hours=1)
    )
    client = bearer(raw)
    assert client.get("/api/v1/missions").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/v1/missions")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "expired on" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_tokens_get_a_scope_and_an_expiry_at_creation_with_sensible_defaults(officer):
    out, err = io.StringIO(), io.StringIO()
    call_command("api-token", "create", "--user", "officer", stdout=out, stderr=err)
    default = ApiToken.objects.get()
    assert default.scope == TokenScope.READ
    lifetime = default.expires_at - timezone.now()
    assert dt.timedelta(days=89) < lifetime <= dt.timedelta(days=90)
    assert "read-only" in err.getvalue() and "expires" in err.getvalue()
    call_command(
        "api-token",
        "create",
        "--user",
        "officer",
        "--name",
        "queue sync",
        "--scope",
        "read-write",
        "--expires-in",
        "12w",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    chosen = ApiToken.objects.get(name="queue sync")
    assert chosen.scope == TokenScope.READ_WRITE
    assert dt.timedelta(weeks=12) - (chosen.expires_at - timezone.now()) < dt.timedelta(minutes=1)
    listing = io.StringIO()
    call_command("api-token", "list", stdout=listing)
    lines = listing.getvalue().splitlines()
    assert any("read-only" in line and "live" in line and "expires" in line for line in lines)
    assert any("read-write" in line and "queue sync" in line for line in lines)
    ApiToken.objects.filter(pk=default.pk).update(expires_at=timezone.now())
    listing = io.StringIO()
    call_command("api-token", "list", stdout=listing)
    assert "expired" in listing.getvalue()


@pytest.mark.parametrize("lifetime", ["0d", "400d", "2y", "ninety", "-5d"])
def test_command_refuses_an_expiry_that_is_malformed_zero_or_over_a_year(officer, lifetime):
    with pytest.raises(CommandError):
        call_command(
            "api-token",
            "create",
            "--user",
            "officer",
            f"--expires-in={lifetime}",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not ApiToken.objects.exists()


def test_audit_entry_of_every_api_action_names_the_token(officer, submitted):
    token, raw = api_token_create(
        username=officer.username, name="sync", scope=TokenScope.READ_WRITE
    )
    client = bearer(raw)
    first = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    client.get("/api/v1/cases")
    client.get(f"/api/v1/cases/{submitted.reference}")
    client.post(
        f"/api/v1/cases/{submitted.reference}/transitions",
        {"action": "start_review"},
        content_type="application/json",
    )
    entries = list(AuditEntry.objects.filter(seq__gt=first).order_by("seq"))
    assert {"case.list", "case.view"} <= {e.action for e in entries}
    assert any(
        e.case_reference == submitted.reference and "start_review" in str(e.data) for e in entries
    )
    for entry in entries:
        assert entry.data["api_token"] == {
            "id": token.pk,
            "prefix": token.prefix,
            "name": "sync",
            "scope": "read_write",
        }, entry.action
    assert raw not in str([e.data for e in entries])


def test_entries_outside_the_api_name_no_token(client, officer, submitted):
    client.force_login(officer)
    assert client.get(f"/staff/c/{submitted.reference}/").status_code == 200
    assert AuditEntry.objects.exists()
    assert not any("api_token" in e.data for e in AuditEntry.objects.all())


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_existing_tokens_read_write_and_gives_them_an_expiry(officer):
    executor = MigrationExecutor(connection)
    executor.migrate([("api", "0001_api_tokens")])
    old_apps = executor.loader.project_state([("api", "0001_api_tokens")]).apps
    OldToken = old_apps.get_model("api", "ApiToken")
    OldToken.objects.create(
        user_id=officer.pk, name="legacy", prefix="lgn_abcdef", token_hash="0" * 64
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # Every app back to its latest migration: going back to api 0001 also unapplied
    # the apps that depend on api (webhooks), which later tests need.
    executor.migrate(executor.loader.graph.leaf_nodes())
    legacy = ApiToken.objects.get(name="legacy")
    assert legacy.scope == TokenScope.READ_WRITE
    assert dt.timedelta(days=89) < legacy.expires_at - timezone.now() <= dt.timedelta(days=90)
