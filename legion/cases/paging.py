"""Pages of a long list of cases that cost their own rows at any depth (keyset paging).

Page 200 of a queue with OFFSET reads and throws away the 9,950 rows before it; a page
that starts *after* the last row of the page before it (its sort key and id, carried in
the link as an opaque cursor) reads only its own rows, through the index of its order.
So the links between pages carry cursors. A page asked for by number alone (typed in,
or an old link) is still answered with OFFSET, but over the ids only, which an index
can answer without visiting the rows ("deferred join"), and its links are cursors again.

Orders are a timestamp and the id, ascending or descending; the timestamp may be NULL
(a draft has no submission time), and those rows come last either way, on both
databases. Rows with and without a timestamp are read as separate ranges of the index
(see KeysetOrder.segments).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from legion.cases.counts import EstimatingPaginator

INVALID_CURSOR = "This page link is not valid; start again from the first page."


class InvalidCursor(ValueError):
    """A page link that was not made by this module (or was cut short)."""


@dataclass(frozen=True)
class KeysetOrder:
    """A list's order: a nullable timestamp field, then the primary key to break ties;
    the rows without a timestamp come last, in the order of their keys."""

    field: str
    descending: bool = False

    def _timed(self, descending: bool) -> tuple:
        # The order a scan of the (..., field, id) index gives in that direction.
        if descending:
            return F(self.field).desc(nulls_first=True), "-pk"
        return F(self.field).asc(nulls_last=True), "pk"

    @staticmethod
    def _untimed(descending: bool) -> tuple:
        return ("-pk",) if descending else ("pk",)

    def segments(
        self, key: tuple[dt.datetime | None, int] | None, *, reverse: bool = False
    ) -> list[tuple[Q, tuple]]:
        """The rows after `key` (before it, `reverse`; from the start without a key) as
        (condition, order) pairs to read one after the other. Each is one range of the
        index on (..., field, id) read in one direction: `field IS NOT NULL` lets the scan
        skip the NULLs (a mission's tens of thousands of drafts) instead of reading through
        them, and one condition OR-ing the NULLs in would keep the index from giving the
        order."""
        descending = self.descending != reverse
        beyond = "lt" if descending else "gt"
        field = self.field
        untimed = (Q(**{f"{field}__isnull": True}), self._untimed(descending))
        timed_order = self._timed(descending)
        if key is None:
            timed = (Q(**{f"{field}__isnull": False}), timed_order)
            return [untimed, timed] if reverse else [timed, untimed]
        at, pk = key
        if at is None:
            same = (untimed[0] & Q(**{f"pk__{beyond}": pk}), untimed[1])
            return [same, (Q(**{f"{field}__isnull": False}), timed_order)] if reverse else [same]
        # `field >= at` (`<=` descending) is the index range; the rest filters its ties.
        start = Q(**{f"{field}__{beyond}e": at})
        rest = start & (Q(**{f"{field}__{beyond}": at}) | Q(**{f"pk__{beyond}": pk}))
        return [(rest, timed_order)] if reverse else [(rest, timed_order), untimed]


def cursor_encode(key: tuple[dt.datetime | None, int]) -> str:
    at, pk = key
    raw = json.dumps([at.isoformat() if at else None, pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_decode(text: str) -> tuple[dt.datetime | None, int]:
    """The key in a cursor; InvalidCursor for anything this module did not write."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        at, pk = json.loads(raw)
        moment = dt.datetime.fromisoformat(at) if at is not None else None
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise InvalidCursor(INVALID_CURSOR) from exc
    if not isinstance(pk, int) or (moment is not None and moment.tzinfo is None):
        raise InvalidCursor(INVALID_CURSOR)
    return moment, pk


@dataclass
class KeysetPage:
    """One page, with what a pager shows: its number, the count (maybe an estimate) and
    cursors to the pages either side (None where there is none)."""

    object_list: list[Any]
    number: int
    paginator: EstimatingPaginator
    next_cursor: str | None
    previous_cursor: str | None
    # Query strings of the neighbouring pages, set by the face that links to them.
    next_query: str = ""
    previous_query: str = ""

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return max(1, self.number - 1)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def keyset_page(
    queryset: QuerySet,
    *,
    order: KeysetOrder,
    per_page: int,
    after: str | None = None,
    before: str | None = None,
    number: int = 1,
    exact_up_to: int | None = None,
) -> KeysetPage:
    """The page after the cursor `after`, before the cursor `before`, or else page
    `number` (1 first); `number` only labels a page reached by cursor. The count is
    exact up to `exact_up_to` (see count_or_estimate). InvalidCursor for a cursor this
    module did not write."""
    number = max(1, number)
    paginator = EstimatingPaginator(queryset.order_by("pk"), per_page, exact_up_to=exact_up_to)
    if before:
        rows = _beyond(queryset, order, cursor_decode(before), per_page + 1, reverse=True)
        more_before = len(rows) > per_page
        rows = rows[:per_page][::-1]
        more_after = True  # the row of the cursor itself
        if not more_before:
            number = 1
    else:
        if after:
            rows = _beyond(queryset, order, cursor_decode(after), per_page + 1)
            more_before = True
        else:
            rows = _by_offset(queryset, order, (number - 1) * per_page, per_page + 1)
            more_before = number > 1
        more_after = len(rows) > per_page
        rows = rows[:per_page]
    if not rows:
        return KeysetPage([], number, paginator, None, None)
    return KeysetPage(
        object_list=rows,
        number=number,
        paginator=paginator,
        next_cursor=cursor_encode(_key(rows[-1], order)) if more_after else None,
        previous_cursor=cursor_encode(_key(rows[0], order)) if more_before else None,
    )


def _beyond(
    queryset: QuerySet, order: KeysetOrder, key: tuple | None, limit: int, *, reverse: bool = False
) -> list:
    """Up to `limit` rows after `key` (before it, `reverse`); usually one query, a second
    only where a page crosses from the timestamps to the NULLs."""
    rows: list = []
    for condition, keys in order.segments(key, reverse=reverse):
        rows += _rows(queryset.filter(condition), keys, 0, limit - len(rows))
        if len(rows) >= limit:
            break
    return rows


def _by_offset(queryset: QuerySet, order: KeysetOrder, offset: int, limit: int) -> list:
    """Rows `offset` to `offset + limit` from the start, segment by segment."""
    rows: list = []
    for condition, keys in order.segments(None):
        part = queryset.filter(condition)
        rows += _rows(part, keys, offset, limit - len(rows))
        if len(rows) >= limit:
            break
        # The next segment starts after this one: how far into it the offset reaches.
        offset = max(0, offset - part.order_by().values("pk")[:offset].count())
    return rows


def _rows(queryset: QuerySet, keys: tuple, offset: int, limit: int) -> list:
    """Rows `offset` to `offset + limit` in the order `keys`, in one statement: the
    filter, the order and any OFFSET run over the ids alone (which indexes can answer
    without visiting the rows, e.g. a name search through applicant_names_by_id), and
    only the page's rows are then read whole ("deferred join")."""
    if limit <= 0:
        return []
    ids = queryset.order_by(*keys).values("pk")[offset : offset + limit]
    # The page's rows by id alone: with the list's filters repeated here the planner
    # could choose to run them again over the whole list.
    page = queryset.model._base_manager.filter(pk__in=ids).order_by(*keys)
    page.query.select_related = queryset.query.select_related
    return list(page)


def _key(row: Any, order: KeysetOrder) -> tuple[dt.datetime | None, int]:
    return getattr(row, order.field), row.pk
