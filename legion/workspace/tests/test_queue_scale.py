"""The queue at a large mission: bounded SQL per page, searches that use their indexes,
names typed in another script, and counts shown as estimates where exact ones would
read the whole mission."""

import pytest
from django.db import connection
from django.urls import reverse

from legion.cases import counts
from legion.cases.counts import Estimate, count_or_estimate
from legion.cases.models import Case
from legion.cases.states import CaseState as S
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="estimates come from PostgreSQL's planner"
)


def queue(client, **params):
    return client.get(reverse("workspace:queue", args=["lon"]), params)


def refs(response) -> list[str]:
    return [c.reference for c in response.context["page"].object_list]


def submitted_case(mission, **applicant):
    case = f.CaseFactory(mission=mission, **{f"applicant__{k}": v for k, v in applicant.items()})
    set_state(case, S.SUBMITTED)
    return case


def with_documents(case, verified: int = 0, pending: int = 0):
    for number in range(verified):
        f.DocumentFactory(case=case, status="verified", sha256=f"v{number}".ljust(64, "0"))
    for number in range(pending):
        f.DocumentFactory(case=case, status="pending", sha256=f"p{number}".ljust(64, "0"))
    return case


def queue_statements(client, django_assert_max_num_queries, limit: int, **params) -> int:
    with django_assert_max_num_queries(limit) as captured:
        response = queue(client, **params)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_queue_page_costs_the_same_statements_for_five_cases_or_sixty(
    client_of, officer, london, django_assert_max_num_queries
):
    client = client_of(officer)
    for _ in range(5):
        with_documents(submitted_case(london), verified=1, pending=1)
    queue(client)  # the session's first request does its own once-only work
    few = queue_statements(client, django_assert_max_num_queries, 25)
    for _ in range(55):
        with_documents(submitted_case(london), verified=2)
    many = queue_statements(client, django_assert_max_num_queries, 25)
    assert many == few
    searched = queue_statements(client, django_assert_max_num_queries, 25, q="Smith", page=2)
    assert searched <= few + 1


def test_queue_rows_show_document_counts_of_their_own_case(client_of, officer, london):
    busy = with_documents(submitted_case(london, surname="Busy"), verified=2, pending=1)
    submitted_case(london, surname="Idle")
    response = queue(client_of(officer), sort="name")
    rows = {case.applicant.surname: case for case in response.context["page"].object_list}
    assert (rows["Busy"].documents_total, rows["Busy"].documents_verified) == (3, 2)
    assert rows["Idle"].documents_total == 0
    assert "2/3 verified" in response.text
    assert busy.reference in response.text


def test_a_latin_name_is_found_typed_in_cyrillic_or_georgian(client_of, officer, london):
    miller = submitted_case(london, given_name="John", surname="Miller")
    kovalenko = submitted_case(london, given_name="Petro", surname="Kovalenko")
    beridze = submitted_case(london, given_name="Giorgi", surname="Beridze", native_name="")
    submitted_case(london, given_name="Anna", surname="Smith")
    client = client_of(officer)
    assert refs(queue(client, q="Міллер")) == [miller.reference]
    assert refs(queue(client, q="Коваленко Петро")) == [kovalenko.reference]
    assert refs(queue(client, q="ბერიძე")) == [beridze.reference]


def test_a_name_in_its_own_script_is_found_typed_in_that_script(client_of, officer, london):
    tanaka = submitted_case(london, given_name="Hiroshi", surname="Tanaka", native_name="田中 博")
    assert refs(queue(client_of(officer), q="田中")) == [tanaka.reference]


def test_reference_search_is_not_mixed_with_names(client_of, officer, london):
    case = submitted_case(london, surname="Turner")
    other = submitted_case(london, surname="Tanner")
    Case.objects.filter(pk=case.pk).update(reference="LGN-7K3M-9Q2P")
    Case.objects.filter(pk=other.pk).update(reference="LGN-7K3N-0000")
    client = client_of(officer)
    assert refs(queue(client, q="LGN-7K3M")) == ["LGN-7K3M-9Q2P"]
    assert refs(queue(client, q="7k3m 9q2p")) == ["LGN-7K3M-9Q2P"]
    assert set(refs(queue(client, q="7K3"))) == {"LGN-7K3M-9Q2P", "LGN-7K3N-0000"}
    # A name made of reference letters is still a name.
    assert refs(queue(client, q="Tanner")) == ["LGN-7K3N-0000"]


def test_short_words_match_the_start_of_a_name(client_of, officer, london):
    li = submitted_case(london, given_name="Wei", surname="Li")
    submitted_case(london, given_name="Emily", surname="Wallis")
    assert refs(queue(client_of(officer), q="li")) == [li.reference]


def test_nationality_filter_offers_the_selected_one_even_if_absent(client_of, officer, london):
    submitted_case(london, nationality="GB")
    response = queue(client_of(officer), nationality="NZ")
    codes = [code for code, _name in response.context["nationalities"]]
    assert codes == ["GB", "NZ"]


def test_small_counts_are_exact_and_say_nothing_about_estimates(client_of, officer, london):
    for _ in range(3):
        submitted_case(london)
    response = queue(client_of(officer))
    assert response.context["page"].paginator.count == 3
    assert not isinstance(response.context["page"].paginator.count, Estimate)
    assert "about" not in response.text.split('class="pager"')[1]


def test_estimates_are_rounded_to_two_figures():
    assert Estimate(123_456) == 120_000
    assert str(Estimate(123_456)) == "120,000"
    assert Estimate(87) == 87


@postgresql_only
def test_a_large_queue_shows_an_estimate_and_says_so(client_of, officer, london, monkeypatch):
    for _ in range(30):
        submitted_case(london)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    monkeypatch.setattr(counts, "EXACT_UP_TO", 10)
    monkeypatch.setattr(counts, "EXACT_STATES_UP_TO", 10)
    response = queue(client_of(officer))
    paginator = response.context["page"].paginator
    assert isinstance(paginator.count, Estimate)
    assert paginator.count >= 11
    assert "about" in response.text.split('class="pager"')[1]
    tabs = {value: count for value, _label, count, _q in response.context["tabs"]}
    assert isinstance(tabs["submitted"], Estimate)
    assert "≈" in response.text


@postgresql_only
def test_count_or_estimate_counts_exactly_below_its_bound(london):
    for _ in range(4):
        submitted_case(london)
    assert count_or_estimate(Case.objects.all(), exact_up_to=10) == 4
    assert isinstance(count_or_estimate(Case.objects.all(), exact_up_to=2), Estimate)
    assert count_or_estimate(Case.objects.all(), exact_up_to=2) >= 3


def test_next_and_previous_links_walk_the_queue_by_cursor(client_of, officer, london, monkeypatch):
    from legion.workspace.views import queue as queue_view

    monkeypatch.setattr(queue_view, "PAGE_SIZE", 2)
    made = [submitted_case(london).reference for _ in range(5)]
    client = client_of(officer)
    seen, response, numbers = [], queue(client), []
    while True:
        page = response.context["page"]
        seen += refs(response)
        numbers.append(page.number)
        if not page.has_next:
            break
        assert "after=" in page.next_query
        response = client.get(reverse("workspace:queue", args=["lon"]) + "?" + page.next_query)
    assert seen == made  # oldest first, each once
    assert numbers == [1, 2, 3]
    back = client.get(reverse("workspace:queue", args=["lon"]) + "?" + page.previous_query)
    assert refs(back) == made[2:4]
    assert back.context["page"].number == 2


def test_a_page_link_that_is_not_one_shows_the_first_page_and_says_so(client_of, officer, london):
    case = submitted_case(london)
    response = queue(client_of(officer), after="garbage")
    assert response.status_code == 200
    assert refs(response) == [case.reference]
    assert "This page link is not valid" in response.text
