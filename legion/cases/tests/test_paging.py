"""Keyset pages: walking a list page by page, either way, gives every case once, in
order, across ties of the timestamp and the cases without one."""

import datetime as dt

import pytest
from django.utils import timezone

from legion.cases.models import Case
from legion.cases.paging import (
    InvalidCursor,
    KeysetOrder,
    cursor_decode,
    cursor_encode,
    keyset_page,
)
from legion.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(db):
    """Eleven cases: pairs submitted at the same moment, and three never submitted."""
    mission = f.MissionFactory(code="lon")
    start = timezone.now() - dt.timedelta(days=3)
    made = []
    for number in range(11):
        case = f.CaseFactory(mission=mission)
        at = None if number in (2, 6, 9) else start + dt.timedelta(hours=number // 2)
        Case.objects.filter(pk=case.pk).update(submitted_at=at)
        made.append(case.pk)
    return Case.objects.filter(pk__in=made)


def expected(cases, *, descending: bool) -> list[int]:
    rows = list(cases.values_list("submitted_at", "pk"))
    known = sorted((r for r in rows if r[0] is not None), reverse=descending)
    unknown = sorted((r for r in rows if r[0] is None), reverse=descending)
    return [pk for _, pk in known + unknown]  # never submitted: last, either way


def walk_forward(cases, order, per_page):
    seen, page = [], keyset_page(cases, order=order, per_page=per_page)
    pages = [page]
    while True:
        seen += [c.pk for c in page.object_list]
        if not page.has_next:
            return seen, pages
        page = keyset_page(
            cases,
            order=order,
            per_page=per_page,
            after=page.next_cursor,
            number=page.next_page_number,
        )
        pages.append(page)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("per_page", [1, 3, 4, 20])
def test_walking_the_next_links_gives_every_case_once_in_order(cases, descending, per_page):
    order = KeysetOrder("submitted_at", descending=descending)
    seen, pages = walk_forward(cases, order, per_page)
    assert seen == expected(cases, descending=descending)
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert not pages[0].has_previous


@pytest.mark.parametrize("descending", [False, True])
def test_walking_back_from_the_last_page_gives_the_same_pages(cases, descending):
    order = KeysetOrder("submitted_at", descending=descending)
    _, pages = walk_forward(cases, order, 3)
    page, back = pages[-1], [pages[-1]]
    while page.has_previous:
        page = keyset_page(
            cases,
            order=order,
            per_page=3,
            before=page.previous_cursor,
            number=page.previous_page_number,
        )
        back.append(page)
    assert [[c.pk for c in p.object_list] for p in back[::-1]] == [
        [c.pk for c in p.object_list] for p in pages
    ]
    assert back[-1].number == 1 and not back[-1].has_previous


@pytest.mark.parametrize("descending", [False, True])
def test_a_page_by_number_is_the_same_as_the_one_reached_by_links(cases, descending):
    order = KeysetOrder("submitted_at", descending=descending)
    _, pages = walk_forward(cases, order, 3)
    for number, linked in enumerate(pages, start=1):
        direct = keyset_page(cases, order=order, per_page=3, number=number)
        assert [c.pk for c in direct.object_list] == [c.pk for c in linked.object_list]
        assert direct.has_previous == (number > 1)
        assert direct.has_next == linked.has_next


def test_a_page_past_the_end_is_empty_without_links(cases):
    page = keyset_page(cases, order=KeysetOrder("submitted_at"), per_page=5, number=9)
    assert page.object_list == [] and not page.has_next and not page.has_previous


def test_cursors_round_trip_and_refuse_what_they_did_not_write():
    at = timezone.now()
    assert cursor_decode(cursor_encode((at, 42))) == (at, 42)
    assert cursor_decode(cursor_encode((None, 7))) == (None, 7)
    for bad in ("", "not-a-cursor", "WzEsMl0", cursor_encode((at, 1))[:-3]):
        with pytest.raises(InvalidCursor):
            cursor_decode(bad)
