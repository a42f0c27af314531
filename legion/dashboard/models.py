"""Statistics kept up to date from case events, never computed per request.

Each table is a set of counters keyed by the day the application was submitted
(UTC), the mission and the nationality, plus what the table counts. One row is the
smallest group the dashboard ever adds up ("a cell"); the privacy rules in
`legion.dashboard.privacy` work on these rows. `CaseFigures` remembers, per case,
what the counters currently count for it, so that the next event can move the case
from its old cells to its new ones.
"""

from django.db import models

from legion.cases.states import CaseState


class CaseFigures(models.Model):
    """What the statistics count for one submitted case right now."""

    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="+")
    nationality = models.CharField(max_length=2, blank=True)
    submitted_on = models.DateField()
    state = models.CharField(max_length=30, choices=CaseState)
    # For rejected and referred cases: the transition that decided it (the reason group).
    outcome = models.CharField(max_length=40, blank=True)
    # When the case entered its current state: its age in the stage (service levels).
    stage_entered_at = models.DateTimeField()
    # [[stage, bucket], ...] for every stage the case has left, [source, ...] per hold,
    # [[kind, specialty], ...] per service record: what the other tables count for it.
    stage_times = models.JSONField(default=list)
    holds = models.JSONField(default=list)
    services = models.JSONField(default=list)

    class Meta:
        indexes = [
            # The staff queue's "due soon" and "overdue": oldest in a stage first.
            models.Index(fields=["mission", "state", "stage_entered_at"], name="figures_stage_age"),
        ]

    def __str__(self) -> str:
        return f"figures of case {self.case_id}"


class _Counter(models.Model):
    submitted_on = models.DateField()
    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    nationality = models.CharField(max_length=2, blank=True)
    n = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.submitted_on} {self.mission_id} {self.nationality}: {self.n}"


class CaseCount(_Counter):
    """Submitted applications by their current state (and, if refused, how)."""

    state = models.CharField(max_length=30, choices=CaseState)
    outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_on", "mission", "nationality", "state", "outcome"],
                name="case_count_cell",
            )
        ]
        indexes = [models.Index(fields=["mission", "submitted_on"], name="case_count_mission_day")]


class StageTime(_Counter):
    """How long stages took: a histogram of stage visits per duration bucket."""

    stage = models.CharField(max_length=30, choices=CaseState)
    bucket = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_on", "mission", "nationality", "stage", "bucket"],
                name="stage_time_cell",
            )
        ]
        indexes = [models.Index(fields=["mission", "submitted_on"], name="stage_time_mission_day")]


class HoldCount(_Counter):
    """Holds placed, by who placed them: screening (watch-list hit) or HQ security."""

    source = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_on", "mission", "nationality", "source"],
                name="hold_count_cell",
            )
        ]


class ServiceCount(_Counter):
    """Service records of submitted applications by kind and specialty."""

    kind = models.CharField(max_length=20)
    specialty = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_on", "mission", "nationality", "kind", "specialty"],
                name="service_count_cell",
            )
        ]


class StageTarget(models.Model):
    """How long a case should stay in a stage: a warning and a breach time.

    One row without a mission is the default for every mission; a row for a mission
    overrides it there. Administrators edit them in the admin."""

    mission = models.ForeignKey(
        "missions.Mission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stage_targets",
        help_text="Empty: the default for every mission.",
    )
    stage = models.CharField(max_length=30, choices=CaseState)
    warning_days = models.DecimalField(max_digits=5, decimal_places=1)
    target_days = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["mission__name", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "stage"], name="stage_target_once"),
            models.UniqueConstraint(
                fields=["stage"],
                condition=models.Q(mission__isnull=True),
                name="stage_target_default_once",
            ),
            models.CheckConstraint(
                condition=models.Q(warning_days__gt=0)
                & models.Q(target_days__gt=models.F("warning_days")),
                name="stage_target_warning_before_breach",
            ),
        ]

    def __str__(self) -> str:
        where = self.mission.code if self.mission_id else "default"
        return f"{where}: {self.stage} within {self.target_days} days"
