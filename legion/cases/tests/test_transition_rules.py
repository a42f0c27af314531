"""Every rule of a transition lives in the table or its service, so every face meets it:
the API and the CLI (and the case page's generic transition) cannot reach a state
without the record it means, assessments wait for the interview and are offered only to
the role that signs them, and an arrival is not recorded on the day of the instructions.
"""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legion.api.tokens import api_token_create
from legion.cases.models import Case, CaseEvent, TravelInstructions, VisaDecision
from legion.cases.services import TransitionRefused, case_apply, case_available_actions
from legion.cases.states import CaseState as S
from legion.cases.workflow import TRANSITION_NAMES, CaseWorkflow
from legion.interviews.models import Assessment, Interview
from legion.missions.actors import Actor
from legion.testing import factories as f
from legion.testing.auth import StaffClient, staff_device, totp_code
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db

MILITARY = {"favourable": True, "suitability": "suitable", "notes": "Paratrooper."}


def api(user) -> Client:
    raw = api_token_create(username=user.username, name="t", scope="read_write")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def api_post(user, url: str, data: dict, **headers):
    return api(user).post(url, data, content_type="application/json", headers=headers)


def api_transition(user, case: Case, action: str, reason: str = "", **headers):
    return api_post(
        user,
        f"/api/v1/cases/{case.reference}/transitions",
        {"action": action, "reason": reason},
        **headers,
    )


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("case", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def cli_refusal(*args: str) -> str:
    with pytest.raises(CommandError) as exc:
        cli(*args)
    assert exc.value.returncode == 2
    return str(exc.value)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


# (state the case is in, the action, who takes it, a reason): each a transition whose
# state means a record its own service writes.
BARE_CALLS = {
    "submit": (S.DRAFT, "officer", ""),
    "schedule_interview": (S.IN_REVIEW, "officer", ""),
    "cancel_interview": (S.INTERVIEW_SCHEDULED, "officer", "Asked for another day"),
    "complete_interview": (S.INTERVIEW_SCHEDULED, "consul", ""),
    "issue_visa": (S.VISA_PENDING, "consul", ""),
    "refuse_visa": (S.VISA_PENDING, "consul", "No reason recorded"),
    "issue_instructions": (S.VISA_ISSUED, "officer", ""),
}


def test_the_table_names_the_service_of_every_transition_that_needs_a_record():
    services = {
        name: next(iter(getattr(CaseWorkflow, name)._django_fsm.transitions.values())).custom[
            "service"
        ]
        for name in TRANSITION_NAMES
    }
    assert {name for name, service in services.items() if service} == {
        *BARE_CALLS,
        "reject_after_interview",
    }
    assert services["issue_instructions"] == "instructions_issue"
    assert services["record_arrival"] == ""


@pytest.fixture
def client_of():
    def make(user) -> StaffClient:
        client = StaffClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def staff_of(officer, attache, consul):
    return {"officer": officer, "attache": attache, "consul": consul}.__getitem__


def put_in(case: Case, state: str) -> Case:
    case = f.set_state(case, state)
    if state == S.INTERVIEW_SCHEDULED:
        Interview.objects.create(case=case, slot=f.SlotFactory(mission=case.mission))
    if state == S.VISA_ISSUED:
        VisaDecision.objects.create(case=case, decision="issued", visa_type="D", visa_number="1")
    return case


@pytest.mark.parametrize("action", BARE_CALLS)
def test_api_refuses_a_bare_call_of_a_transition_that_needs_its_service(case, staff_of, action):
    state, who, reason = BARE_CALLS[action]
    case = put_in(case, state)
    user = staff_of(who)
    headers = {}
    if action in ("issue_visa", "refuse_visa"):  # sensitive: a fresh code first
        headers["X-Legion-OTP"] = totp_code(staff_device(user))
    response = api_transition(user, case, action, reason, **headers)
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "use_service"
    assert fresh(case).state == state
    assert not CaseEvent.objects.filter(case=case, kind="transition").exists()


@pytest.mark.parametrize("action", BARE_CALLS)
def test_cli_refuses_a_bare_call_of_a_transition_that_needs_its_service(case, staff_of, action):
    state, who, reason = BARE_CALLS[action]
    case = put_in(case, state)
    args = ["transition", case.reference, action, "--as", staff_of(who).username]
    message = cli_refusal(*args, *(["--reason", reason] if reason else []))
    assert "Refused (use_service)" in message
    assert fresh(case).state == state


def test_issue_instructions_through_the_api_needs_the_travel_instructions(officer, case):
    case = put_in(case, S.VISA_ISSUED)
    response = api_transition(officer, case, "issue_instructions")
    assert response.status_code == 409
    assert "instructions_issue" in response.json()["detail"]
    bulk = api_post(
        officer,
        "/api/v1/cases/bulk-transitions",
        {"references": [case.reference], "action": "issue_instructions"},
    )
    assert bulk.status_code == 200 and bulk.json()["results"][0]["ok"] is False
    assert fresh(case).state == S.VISA_ISSUED
    assert not TravelInstructions.objects.exists()
    # Its own operation writes the record and takes the transition.
    written = api_post(
        officer,
        f"/api/v1/cases/{case.reference}/instructions",
        {
            "entry_point": "Krakovets",
            "assembly_point": "Lviv, hall 2",
            "report_by": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            "contacts": "+380 44 000 0000",
        },
    )
    assert written.status_code == 200 and written.json()["state"] == S.INSTRUCTIONS_ISSUED
    assert TravelInstructions.objects.filter(case=case).exists()


def test_the_case_page_refuses_a_bare_call_too(client_of, officer, case):
    case = put_in(case, S.VISA_ISSUED)
    client_of(officer).post(
        reverse("workspace:case_action", args=[case.reference]), {"action": "issue_instructions"}
    )
    assert fresh(case).state == S.VISA_ISSUED


@pytest.mark.parametrize(
    "state,action,who,reason",
    [
        (S.VISA_ISSUED, "issue_instructions", "officer", ""),
        (S.VISA_PENDING, "issue_visa", "consul", ""),
        (S.VISA_PENDING, "refuse_visa", "consul", "Passport lost"),
        (S.IN_REVIEW, "schedule_interview", "officer", ""),
    ],
)
def test_no_state_without_its_record_even_on_the_services_own_path(
    case, staff_of, state, action, who, reason
):
    case = f.set_state(case, state)
    case.documents.update(status="verified")
    with pytest.raises(TransitionRefused) as exc:
        case_apply(case=fresh(case), action=action, actor=Actor.staff(staff_of(who)), reason=reason)
    assert exc.value.code == "guard"
    assert fresh(case).state == state


def test_interviewed_needs_both_signed_assessments_on_every_path(officer, attache, case):
    steps.interview_started(case, officer)
    steps.sign_military(case, attache)
    with pytest.raises(TransitionRefused) as exc:
        case_apply(case=fresh(case), action="complete_interview", actor=Actor.staff(attache))
    assert "Both the defence attaché and the consul" in exc.value.message
    assert fresh(case).state == S.INTERVIEW_SCHEDULED


def test_the_api_says_which_service_takes_an_action(consul, attache, officer, case):
    steps.visa_pending(case, officer, attache, consul)
    actions = api(consul).get(f"/api/v1/cases/{case.reference}/actions").json()
    by_name = {a["name"]: a for a in actions}
    assert by_name["issue_visa"]["service"] == "visa_issue"
    assert by_name["issue_visa"]["unmet"] == []  # the visa form writes the record


# Assessments: once the interview has begun, and only for the role that signs them.


def test_api_refuses_an_assessment_before_the_interview_begins(officer, attache, case):
    steps.scheduled(case, officer)  # the slot is three days ahead
    url = f"/api/v1/cases/{case.reference}/assessments/military"
    early = api_post(attache, url, MILITARY)
    assert early.status_code == 409
    assert early.json()["code"] == "interview_not_begun"
    assert not Assessment.objects.exists()
    f.interview_begins(case)
    assert api_post(attache, url, MILITARY).status_code == 200
    assert Assessment.objects.filter(kind="military").count() == 1


def test_cli_refuses_an_assessment_before_the_interview_begins(officer, attache, consul, case):
    steps.scheduled(case, officer)
    args = ["assess", case.reference, "military", "--as", "attache", "--favourable"]
    message = cli_refusal(*args, "--suitability", "suitable")
    assert "Refused (interview_not_begun)" in message
    assert not Assessment.objects.exists()
    f.interview_begins(case)
    assert "military assessment signed" in cli(*args, "--suitability", "suitable")
    out = cli(
        "assess", case.reference, "consular", "--as", "consul", "--favourable",
        "--identity-confirmed", "yes", "--language-ok", "yes",
    )  # fmt: skip
    assert f"{case.reference} is interviewed" in out
    assert fresh(case).state == S.INTERVIEWED


def test_the_case_page_offers_the_form_only_once_the_interview_has_begun(
    client_of, officer, attache, case
):
    steps.scheduled(case, officer)
    client = client_of(attache)
    page = client.get(reverse("workspace:case", args=[case.reference]))
    assert "Sign the military assessment" not in page.text
    assert "its assessments can be signed from then on" in page.text
    form = client.get(reverse("workspace:assessment", args=[case.reference, "military"]))
    assert form.status_code == 302
    f.interview_begins(case)
    page = client.get(reverse("workspace:case", args=[case.reference]))
    assert "Sign the military assessment" in page.text


def test_each_role_is_offered_only_its_own_assessment_in_the_api(officer, attache, consul, case):
    steps.interview_started(case, officer)
    offered = {
        user.username: [
            o["kind"]
            for o in api(user).get(f"/api/v1/cases/{case.reference}").json()["assessments_offered"]
        ]
        for user in (officer, attache, consul)
    }
    assert offered == {"officer": [], "attache": ["military"], "consul": ["consular"]}
    refused = api_post(
        attache,
        f"/api/v1/cases/{case.reference}/assessments/consular",
        {"favourable": True, "identity_confirmed": True},
    )
    assert refused.status_code == 409 and refused.json()["code"] == "forbidden"


def test_each_role_is_offered_only_its_own_assessment_in_the_cli(officer, attache, consul, case):
    steps.interview_started(case, officer)
    shown = cli("show", case.reference, "--as", "attache")
    assert "assessments you sign" in shown and "Military suitability" in shown
    assert "Identity and visa (consul)" not in shown
    message = cli_refusal(
        "assess", case.reference, "consular", "--as", "attache", "--favourable",
        "--identity-confirmed", "yes",
    )  # fmt: skip
    assert "Refused (forbidden)" in message
    assert "assessments you sign" not in cli("show", case.reference, "--as", "officer")


def test_the_consuls_form_does_not_open_for_the_attache(client_of, officer, attache, case):
    steps.interview_started(case, officer)
    client = client_of(attache)
    response = client.get(
        reverse("workspace:assessment", args=[case.reference, "consular"]), follow=True
    )
    assert "Only the Consul of this mission can sign this assessment." in response.text
    assert "Sign assessment" not in response.text  # the form's button
    page = client.get(reverse("workspace:case", args=[case.reference]))
    assert "Sign the consular assessment" not in page.text
    assert "Sign the military assessment" in page.text


# Arrival: the applicant has to travel first.


def instructed(case: Case, officer, attache, consul) -> Case:
    steps.instructions_issued(case, officer, attache, consul)
    return fresh(case)


def test_api_refuses_an_arrival_on_the_day_of_the_instructions(officer, attache, consul, case):
    case = instructed(case, officer, attache, consul)
    response = api_transition(officer, case, "record_arrival")
    assert response.status_code == 409
    assert response.json()["code"] == "guard"
    assert "day after the travel instructions" in response.json()["detail"]
    assert fresh(case).state == S.INSTRUCTIONS_ISSUED
    f.instructions_issued_yesterday(case)
    arrived = api_transition(officer, case, "record_arrival")
    assert arrived.status_code == 200 and arrived.json()["state"] == S.ARRIVED


def test_cli_refuses_an_arrival_on_the_day_of_the_instructions(officer, attache, consul, case):
    case = instructed(case, officer, attache, consul)
    args = ("transition", case.reference, "record_arrival", "--as", "officer")
    assert "day after the travel instructions" in cli_refusal(*args)
    shown = cli("show", case.reference, "--as", "officer")
    assert "record_arrival" in shown and "blocked:" in shown
    f.instructions_issued_yesterday(case)
    assert f"{case.reference} is now arrived" in cli(*args)


def test_arrival_is_offered_with_its_reason_until_the_day_after(officer, attache, consul, case):
    case = instructed(case, officer, attache, consul)
    actions = {a.name: a for a in case_available_actions(case=case, actor=Actor.staff(officer))}
    assert actions["record_arrival"].unmet == (
        "An arrival can be recorded from the day after the travel instructions were issued.",
    )
