"""Statistics that cannot be taken apart by arithmetic.

The counters are stored in cells: one row of a statistics table, the smallest group
the dashboard ever adds up (applications submitted on one day, at one mission, of
one nationality, in one state). Every figure shown to someone who may not read the
cases themselves is a sum of whole cells, and **a cell of fewer than SMALL_COUNT
people is never part of any sum**: not of a bar, a total, a sample size, a CSV row,
whatever the filters. So every published number is a sum of cells of at least five,
and no difference between totals, bars and filtered views, which is again such a
sum, can come out as a small group. A figure that left small cells out says so
("incomplete"), without saying how much is missing.

This is complementary suppression done once, at the finest level, instead of per
table: per-table suppression patterns can be undone by comparing two tables (the
all-missions view against one mission's, one date range against another).

Staff who may read a mission's cases anyway see its exact counts (threshold 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

SMALL_COUNT = 5
EXACT = 1


def incomplete_note() -> str:
    return gettext(
        "Groups of fewer than %(n)d people are left out of every figure, so that no "
        "one can be singled out by comparing figures; “+” marks a figure that left some out."
    ) % {"n": SMALL_COUNT}


@dataclass(frozen=True)
class Figure:
    """One published number: a sum of cells of at least `threshold` people."""

    key: str
    label: str
    value: int
    incomplete: bool = False  # some small cells were left out of this figure

    @property
    def shown(self) -> str:
        """As printed in tables and CSV files: "1234", "1234+" or "+" (only small groups)."""
        if not self.incomplete:
            return str(self.value)
        return f"{self.value}+" if self.value else "+"

    def with_label(self, label: str) -> Figure:
        return Figure(self.key, label, self.value, self.incomplete)


def figures_total(figures: list[Figure], *, key: str = "total", label: str = "") -> Figure:
    """The sum of published figures is itself publishable: a sum of large cells."""
    return Figure(
        key,
        label,
        sum(f.value for f in figures),
        any(f.incomplete for f in figures),
    )
