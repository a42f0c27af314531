"""The mission queue: scope, search, filters, sorting, pagination, bulk actions."""

import datetime as dt

import pytest
from django.urls import reverse

from legion.cases.models import Case, CaseEvent, Document
from legion.cases.services import case_assign
from legion.cases.states import CaseState as S
from legion.missions.actors import Actor
from legion.testing import factories as f
from legion.testing.factories import set_state
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db


def queue(client, **params):
    return client.get(reverse("workspace:queue", args=["lon"]), params)


def refs(response) -> list[str]:
    return [c.reference for c in response.context["page"].object_list]


def ready_case(mission, **applicant):
    """A case at `mission` that passes eligibility, with its documents uploaded."""
    from legion.advisories.services import case_acknowledge_advisories

    case = f.CaseFactory(mission=mission, **{f"applicant__{k}": v for k, v in applicant.items()})
    f.ServiceRecordFactory(case=case)
    for kind in ("passport", "criminal_record", "service_record"):
        f.DocumentFactory(case=case, kind=kind)
    case_acknowledge_advisories(case=case)
    return case


@pytest.fixture
def three(london, risk_notice):
    f.AdvisoryFactory(nationality="GB")
    f.AdvisoryFactory(nationality="CA")
    cases = [
        ready_case(london, given_name="James", surname="Turner"),
        ready_case(london, given_name="Aiko", surname="Tanaka", nationality="CA"),
        ready_case(london, given_name="Oskar", surname="Berg"),
    ]
    return [steps.submitted(c) for c in cases]


def test_queue_lists_submitted_cases_but_never_drafts(client_of, officer, three, london):
    draft = f.CaseFactory(mission=london)
    response = queue(client_of(officer))
    assert response.status_code == 200
    assert set(refs(response)) == {c.reference for c in three}
    assert draft.reference not in response.text


def test_queue_of_another_mission_is_404(client_of, outsider, three):
    assert queue(client_of(outsider)).status_code == 404


def test_search_by_name_or_reference(client_of, officer, three):
    client = client_of(officer)
    assert refs(queue(client, q="tanaka")) == [three[1].reference]
    assert refs(queue(client, q="james turner")) == [three[0].reference]
    compact = three[2].reference.replace("-", "").lower()
    assert refs(queue(client, q=compact)) == [three[2].reference]
    assert refs(queue(client, q="nobody-by-that-name")) == []


def test_officer_finds_a_case_by_passport_number_but_the_attache_does_not(
    client_of, officer, attache, three
):
    applicant = three[1].applicant
    applicant.passport_number = "TK1234567"
    applicant.save()
    steps.scheduled(three[1], officer)
    assert refs(queue(client_of(officer), q="tk 123 4567")) == [three[1].reference]
    assert refs(queue(client_of(attache), q="TK1234567")) == []


def test_filter_by_state_nationality_and_assignment(client_of, officer, three):
    client = client_of(officer)
    steps.in_review(three[0], officer)
    case_assign(reference=three[1].reference, actor=Actor.staff(officer), assignee_id=officer.pk)
    assert refs(queue(client, state="in_review")) == [three[0].reference]
    assert refs(queue(client, nationality="CA")) == [three[1].reference]
    assert refs(queue(client, assigned="me")) == [three[1].reference]
    assert set(refs(queue(client, assigned="none"))) == {three[0].reference, three[2].reference}
    tabs = {value: count for value, _label, count, _q in queue(client).context["tabs"]}
    assert tabs["submitted"] == 2 and tabs["in_review"] == 1 and tabs["open"] == 3


def test_sort_by_name_and_by_age(client_of, officer, three):
    client = client_of(officer)
    assert refs(queue(client, sort="name")) == [
        three[2].reference,
        three[1].reference,
        three[0].reference,
    ]
    assert refs(queue(client, sort="submitted")) == [c.reference for c in three]
    assert refs(queue(client, sort="-submitted")) == [c.reference for c in reversed(three)]


def test_closed_cases_are_under_all_not_open(client_of, officer, three):
    set_state(three[0], S.REJECTED)
    client = client_of(officer)
    assert three[0].reference not in refs(queue(client))
    assert three[0].reference in refs(queue(client, state="all"))


def test_pagination_at_fifty_per_page(client_of, officer, london):
    for _ in range(53):
        set_state(f.CaseFactory(mission=london), S.SUBMITTED)
    client = client_of(officer)
    first, second = queue(client), queue(client, page=2)
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 3
    assert "Page 2 of 2" in second.text


def test_htmx_filter_request_gets_only_the_results(client_of, officer, three):
    response = client_of(officer).get(
        reverse("workspace:queue", args=["lon"]),
        {"q": "Berg"},
        headers={"HX-Request": "true", "HX-Target": "queue-results"},
    )
    assert response.text.lstrip().startswith('<div id="queue-results">')
    assert "<html" not in response.text
    assert three[2].reference in response.text


def test_attache_queue_shows_only_cases_that_reached_an_interview(
    client_of, officer, attache, three
):
    steps.scheduled(three[0], officer)
    response = queue(client_of(attache))
    assert refs(response) == [three[0].reference]
    assert "With ticked cases" not in response.text  # no bulk actions for the attaché


def bulk(client, references, action, **extra):
    return client.post(
        reverse("workspace:queue_bulk", args=["lon"]),
        {"references": references, "action": action, **extra},
        follow=True,
    )


def test_bulk_start_review_reports_each_case(client_of, officer, three, london):
    draft = f.CaseFactory(mission=london)
    response = bulk(
        client_of(officer),
        [three[0].reference, three[1].reference, draft.reference],
        "start_review",
    )
    results = response.context["bulk_results"]
    assert (results["done"], results["refused"]) == (2, 1)
    rows = {row["reference"]: row for row in results["rows"]}
    assert rows[three[0].reference]["ok"] and rows[three[1].reference]["ok"]
    assert "not possible" in rows[draft.reference]["message"]
    assert "2 done, 1 refused" in response.text
    assert Case.objects.get(pk=three[0].pk).state == S.IN_REVIEW
    assert Case.objects.get(pk=draft.pk).state == S.DRAFT


def test_bulk_verify_documents_then_schedule_into_next_free_slots(
    client_of, officer, three, london
):
    client = client_of(officer)
    references = [c.reference for c in three[:2]]
    bulk(client, references, "start_review")
    response = bulk(client, references, "verify_documents")
    assert response.context["bulk_results"]["done"] == 2
    assert not Document.objects.filter(case__in=three[:2], status="pending").exists()
    early, late = f.SlotFactory(mission=london), f.SlotFactory(mission=london)
    late.starts_at = early.starts_at + dt.timedelta(hours=2)
    late.ends_at = late.starts_at + dt.timedelta(minutes=45)
    late.save()
    response = bulk(client, references, "schedule")
    assert response.context["bulk_results"]["done"] == 2
    booked = {c.reference: c.interviews.get().slot_id for c in three[:2]}
    assert booked == {three[0].reference: early.pk, three[1].reference: late.pk}


def test_bulk_schedule_refuses_cases_whose_documents_are_not_verified(
    client_of, officer, three, london
):
    client = client_of(officer)
    bulk(client, [three[0].reference], "start_review")
    f.SlotFactory(mission=london)
    response = bulk(client, [three[0].reference], "schedule")
    row = response.context["bulk_results"]["rows"][0]
    assert not row["ok"] and "documents" in row["message"]
    assert not three[0].interviews.exists()


def test_bulk_reject_needs_a_reason(client_of, officer, three):
    client = client_of(officer)
    references = [c.reference for c in three]
    bulk(client, references, "start_review")
    response = bulk(client, references, "reject")
    assert response.context["bulk_results"]["refused"] == 3
    assert "Please give a reason." in response.text
    assert Case.objects.filter(state=S.REJECTED).count() == 0
    response = bulk(client, references, "reject", reason="Passport scan illegible")
    assert response.context["bulk_results"]["done"] == 3
    assert CaseEvent.objects.filter(action="reject", reason="Passport scan illegible").count() == 3


def test_bulk_assign_to_an_officer_and_refuse_others(client_of, officer, attache, three):
    client = client_of(officer)
    response = bulk(client, [three[0].reference], "assign", assignee=str(officer.pk))
    assert Case.objects.get(pk=three[0].pk).assigned_to == officer
    response = bulk(client, [three[1].reference], "assign", assignee=str(attache.pk))
    assert "only be assigned to consular officers" in response.text
    assert Case.objects.get(pk=three[1].pk).assigned_to is None


def test_attache_bulk_action_is_refused_case_by_case(client_of, attache, three):
    response = bulk(client_of(attache), [three[0].reference], "start_review")
    row = response.context["bulk_results"]["rows"][0]
    assert not row["ok"]
    assert Case.objects.get(pk=three[0].pk).state == S.SUBMITTED


def test_bulk_cannot_reach_another_missions_cases(client_of, outsider, three, ottawa):
    response = client_of(outsider).post(
        reverse("workspace:queue_bulk", args=["ott"]),
        {"references": [three[0].reference], "action": "start_review"},
        follow=True,
    )
    assert response.context["bulk_results"]["rows"][0]["message"] == "No such case."
    assert Case.objects.get(pk=three[0].pk).state == S.SUBMITTED


def test_listing_the_queue_is_audited_without_the_search_text(client_of, officer, three):
    from legion.audit.models import AuditEntry

    applicant = three[1].applicant
    applicant.passport_number = "TK7654321"
    applicant.save()
    queue(client_of(officer), q="TK7654321")
    entry = AuditEntry.objects.filter(action="queue.view").latest("pk")
    assert entry.data["references"] == [three[1].reference]
    assert entry.data["searched"] is True
    assert "TK7654321" not in str(entry.data)
