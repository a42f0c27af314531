"""/metrics: Prometheus figures for operators, readable only with the metrics token or from
a configured address, with no personal data in any label, added up over processes."""

import re
import subprocess
import sys

import pytest
from django.core.mail import EmailMessage
from prometheus_client.parser import text_string_to_metric_families

from legion.cases.services import case_submit, case_transition
from legion.missions.actors import Actor
from legion.operations import metrics
from legion.outbox.services import outbox_email_add

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789abcdef"


@pytest.fixture
def metrics_settings(settings):
    settings.LEGION_METRICS_TOKEN = TOKEN
    settings.LEGION_METRICS_NETWORKS = []
    settings.PROMETHEUS_MULTIPROC_DIR = ""
    return settings


def scrape(client) -> dict[str, list]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    families = text_string_to_metric_families(response.content.decode())
    return {family.name: family.samples for family in families}


def value(samples, name, **labels) -> float:
    return sum(
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_metrics_are_not_found_without_the_token_or_an_allowed_address(
    metrics_settings, anonymous_client
):
    assert anonymous_client.get("/metrics").status_code == 404
    wrong = anonymous_client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 404
    metrics_settings.LEGION_METRICS_TOKEN = ""  # no token configured: an empty one opens nothing
    assert anonymous_client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_are_readable_from_a_configured_address(metrics_settings, anonymous_client):
    import ipaddress

    metrics_settings.LEGION_METRICS_NETWORKS = [ipaddress.ip_network("10.8.0.0/24")]
    assert anonymous_client.get("/metrics", REMOTE_ADDR="10.8.0.7").status_code == 200
    assert anonymous_client.get("/metrics", REMOTE_ADDR="10.9.0.7").status_code == 404


def test_transitions_requests_outbox_and_audit_head_are_counted(
    metrics_settings, anonymous_client, case, officer, django_capture_on_commit_callbacks
):
    before = scrape(anonymous_client)
    with django_capture_on_commit_callbacks(execute=True):
        case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
        case_transition(reference=case.reference, action="start_review", actor=Actor.staff(officer))
        outbox_email_add(
            email=EmailMessage(subject="s", body="b", to=["someone@example.org"]), kind="test"
        )
    anonymous_client.get("/healthz")
    after = scrape(anonymous_client)

    transitions = "legion_case_transitions"
    for from_state, to_state in (("draft", "submitted"), ("submitted", "in_review")):
        grown = value(
            after[transitions], "legion_case_transitions_total", to_state=to_state
        ) - value(before.get(transitions, []), "legion_case_transitions_total", to_state=to_state)
        assert grown == 1, (from_state, to_state)
    requests = after["legion_request_duration_seconds"]
    assert value(requests, "legion_request_duration_seconds_count", route="healthz") >= 1
    # The ImmediateBackend of the tests delivered the e-mail at once: no backlog.
    assert value(after["legion_outbox_backlog"], "legion_outbox_backlog", channel="email") == 0
    assert value(after["legion_audit_chain_head_seq"], "legion_audit_chain_head_seq") >= 1
    assert "legion_screening_open_hits" in after
    assert "legion_task_queue_depth" in after


def test_no_label_holds_personal_data_or_a_case_reference(
    metrics_settings, client, anonymous_client, case, officer
):
    applicant = case.applicant
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    client.force_login(officer)
    assert client.get(f"/staff/c/{case.reference}/").status_code == 200
    client.get(f"/staff/m/{case.mission.code}/queue/?q={applicant.surname}")
    text = anonymous_client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    labels = set(re.findall(r'\w+="([^"]*)"', text))
    secrets = [applicant.given_name, applicant.surname, applicant.email, case.reference]
    assert labels and not [s for s in secrets if s and any(s in label for label in labels)]
    label_names = set(re.findall(r'(\w+)="', text))
    assert label_names <= {
        "route",
        "method",
        "status",
        "from_state",
        "to_state",
        "task",
        "queue",
        "channel",
        "kind",
        "job",
        "le",
    }


def test_counters_of_several_processes_are_added_up(metrics_settings, anonymous_client, tmp_path):
    """Two worker processes count into one folder (multiprocess mode); a scrape adds up."""
    count_one = (
        "import django; django.setup(); from legion.operations import metrics; "
        "metrics.CASE_TRANSITIONS.labels(from_state='submitted', to_state='in_review').inc()"
    )
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", count_one],
            env={**_environ(), "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)},
            check=True,
            capture_output=True,
        )
    metrics_settings.PROMETHEUS_MULTIPROC_DIR = str(tmp_path)
    after = scrape(anonymous_client)
    samples = after["legion_case_transitions"]
    assert value(samples, "legion_case_transitions_total", to_state="in_review") == 2


def _environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"} | {
        "DJANGO_SETTINGS_MODULE": "legion.settings"
    }


def test_route_name_never_carries_the_path(rf):
    from django.urls import resolve

    request = rf.get("/staff/c/LGN-ABCD-EFGH/")
    request.resolver_match = resolve("/staff/c/LGN-ABCD-EFGH/")
    assert metrics.route_name(request) == "workspace:case"


def test_legion_serve_empties_the_metrics_folder_it_hands_its_workers(settings, tmp_path):
    from legion.server.management.commands.serve import metrics_folder_reset

    settings.PROMETHEUS_MULTIPROC_DIR = ""
    settings.VAR_DIR = tmp_path
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_4242.db").write_bytes(b"old")
    assert metrics_folder_reset() == tmp_path / "metrics"
    assert list((tmp_path / "metrics").iterdir()) == []
