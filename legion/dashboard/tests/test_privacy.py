"""Statistics privacy under arithmetic: no difference of published figures gives away
a group of fewer than five people, whatever totals, cells and filters one combines."""

import datetime as dt
import itertools
import random

import pytest

from legion.dashboard.access import statistics_scope
from legion.dashboard.models import CaseCount, HoldCount, ServiceCount, StageTime
from legion.dashboard.privacy import SMALL_COUNT
from legion.dashboard.selectors import StatisticsFilter, statistics_read
from legion.missions.actors import Actor
from legion.testing import factories as f

pytestmark = pytest.mark.django_db

DAY0 = dt.date(2026, 3, 1)
DAYS = [DAY0 + dt.timedelta(days=i) for i in range(5)]
NATIONALITIES = ["US", "GB", "JP", "NO"]
STATES = ["submitted", "in_review", "rejected", "on_hold"]


@pytest.fixture
def cells(london, ottawa):
    """Counters with many small groups among large ones (as from the reaction)."""
    rng = random.Random(7)
    small = []
    for day, mission, nationality, state in itertools.product(
        DAYS, (london, ottawa), NATIONALITIES, STATES
    ):
        n = rng.choice([0, 1, 2, 3, 4, 5, 8, 30]) if nationality != "US" else rng.randint(5, 90)
        row = CaseCount.objects.create(
            submitted_on=day,
            mission=mission,
            nationality=nationality,
            state=state,
            outcome="reject" if state == "rejected" else "",
            n=n,
        )
        if 0 < n < SMALL_COUNT:
            small.append(row)
        if state != STATES[0]:
            continue
        for source in ("screening", "security"):
            HoldCount.objects.create(
                submitted_on=day,
                mission=mission,
                nationality=nationality,
                source=source,
                n=rng.choice([0, 1, 2, 6]),
            )
        ServiceCount.objects.create(
            submitted_on=day,
            mission=mission,
            nationality=nationality,
            kind="military",
            specialty=rng.choice(["Infantry", "Sniper"]),
            n=rng.choice([1, 3, 7, 12]),
        )
        for bucket in (2, 5):
            StageTime.objects.create(
                submitted_on=day,
                mission=mission,
                nationality=nationality,
                stage="in_review",
                bucket=bucket,
                n=rng.choice([0, 1, 2, 6]),
            )
    assert len(small) > 30
    return small


def _all_views(missions) -> list[StatisticsFilter]:
    """Every date range inside the week, every mission and all, every nationality and all."""
    views = []
    for start, end in itertools.combinations_with_replacement(range(len(DAYS)), 2):
        for mission_ids in (None, *((m.pk,) for m in missions)):
            for nationality in ("", "US", "JP"):
                views.append(
                    StatisticsFilter(
                        date_from=DAYS[start],
                        date_to=DAYS[end],
                        mission_ids=mission_ids,
                        nationality=nationality,
                    )
                )
    return views


def _published(views) -> list[tuple]:
    """Every number a viewer can read off the dashboard for all these filter choices."""
    out = []
    for view in views:
        s = statistics_read(view)
        charts = (
            s.per_day,
            s.per_week,
            s.by_nationality,
            s.by_mission,
            s.by_state,
            s.outcomes,
            s.holds,
            s.experience,
            s.specialties,
            [s.total],
            [d.sample for d in s.stage_durations],
        )
        out.append(tuple((fig.key, fig.value, fig.incomplete) for c in charts for fig in c))
        out.append(tuple((d.median_days, d.p90_days) for d in s.stage_durations))
    return out


def test_every_published_figure_is_zero_or_at_least_five(cells, london, ottawa):
    for view in _all_views([london, ottawa])[::7]:
        for row in _published([view]):
            for item in row:
                if len(item) == 3:
                    assert item[1] == 0 or item[1] >= SMALL_COUNT, (view, item)


def test_no_published_figure_depends_on_a_small_group(cells, london, ottawa):
    """The strongest form of 'no arithmetic recovers it': change every group of one to
    four people to another size of one to four, and every figure of every filter
    combination stays the same. No difference of totals, cells or filters can tell
    what a small group is, because nothing published depends on it."""
    views = _all_views([london, ottawa])
    before = _published(views)
    rng = random.Random(3)
    for row in cells:
        row.n = rng.choice([v for v in range(1, SMALL_COUNT) if v != row.n])
        row.save(update_fields=["n"])
    for model in (HoldCount, ServiceCount):
        for row in model.objects.filter(n__gt=0, n__lt=SMALL_COUNT):
            row.n = SMALL_COUNT - row.n  # 1<->4, 2<->3
            row.save(update_fields=["n"])
    # Stage times: a group is one day, mission, nationality and stage, all buckets.
    groups: dict[tuple, list[StageTime]] = {}
    for row in StageTime.objects.all():
        groups.setdefault((row.submitted_on, row.mission_id, row.nationality), []).append(row)
    for rows in groups.values():
        if 0 < sum(r.n for r in rows) < SMALL_COUNT:
            for row in rows:
                row.n = {1: 2, 2: 1}.get(row.n, row.n)  # stays a group of at most four
                row.save(update_fields=["n"])
    assert _published(views) == before


def test_the_differences_an_analyst_would_try_come_to_nothing(cells, london, ottawa):
    """The attacks of issue 15, written out: total minus the visible cells, the
    all-missions view minus each mission's, a date range minus a shorter one."""
    everything = StatisticsFilter(date_from=DAYS[0], date_to=DAYS[-1])
    s = statistics_read(everything)
    # 1. The total minus the bars it is made of leaves nothing to divide among the hidden.
    assert s.total.value - sum(f.value for f in s.by_nationality) == 0
    assert s.total.value - sum(f.value for f in s.by_state) == 0
    assert s.total.value - sum(f.value for f in s.per_day) == 0
    # 2. All missions minus each mission, per nationality: again nothing left over.
    per_mission = [
        statistics_read(StatisticsFilter(date_from=DAYS[0], date_to=DAYS[-1], mission_ids=(m.pk,)))
        for m in (london, ottawa)
    ]
    for figure in s.by_nationality:
        parts = [
            next((g.value for g in view.by_nationality if g.key == figure.key), 0)
            for view in per_mission
        ]
        assert figure.value - sum(parts) == 0
    # 3. A range minus the same range without its last day is exactly that day's bar,
    # a sum of groups of five or more: a small group is never the difference.
    shorter = statistics_read(StatisticsFilter(date_from=DAYS[0], date_to=DAYS[-2]))
    last_day = statistics_read(StatisticsFilter(date_from=DAYS[-1], date_to=DAYS[-1]))
    assert s.total.value - shorter.total.value == last_day.total.value
    for figure in s.by_state:
        other = next(g.value for g in shorter.by_state if g.key == figure.key)
        difference = figure.value - other
        assert difference == 0 or difference >= SMALL_COUNT
    # ...while the raw counts behind them hold small groups that this would have exposed.
    assert CaseCount.objects.filter(n__gt=0, n__lt=SMALL_COUNT).exists()


def test_figures_that_left_out_small_groups_are_marked(cells):
    s = statistics_read(StatisticsFilter(date_from=DAYS[0], date_to=DAYS[-1]))
    japan = next(f for f in s.by_nationality if f.key == "JP")
    assert japan.incomplete
    assert japan.shown.endswith("+")
    assert s.total.incomplete


def test_analyst_gets_suppressed_figures_consul_exact_ones_for_own_mission(
    london, ottawa, analyst, consul, attache
):
    analyst_scope = statistics_scope(Actor.staff(analyst))
    assert analyst_scope.all_missions
    assert analyst_scope.threshold(None) == SMALL_COUNT
    assert analyst_scope.threshold((london.pk,)) == SMALL_COUNT
    consul_scope = statistics_scope(Actor.staff(consul))
    assert [m.code for m in consul_scope.missions] == ["lon"]
    assert not consul_scope.all_missions
    assert consul_scope.threshold((london.pk,)) == 1
    assert consul_scope.threshold((ottawa.pk,)) == SMALL_COUNT
    # The attaché sees only interviewed cases, so not the exact count of the others.
    assert statistics_scope(Actor.staff(attache)).threshold((london.pk,)) == SMALL_COUNT


def test_someone_without_a_staff_role_gets_no_statistics(db):
    user = f.UserFactory()
    assert statistics_scope(Actor.staff(user)) is None
