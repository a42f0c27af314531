"""The weekly report: one mission's or HQ's figures of the last week as a PDF.

Built from the same selectors as the dashboard, always with the small-group rule
(a PDF travels further than a page), drawn with the same SVG geometry and printed by
WeasyPrint. On demand: `legion report weekly --mission CODE --out FILE.pdf`; on the
task worker: the scheduler's weekly job e-mails HQ its report and each mission's
consular staff theirs, through the outbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from legion.dashboard import charts
from legion.dashboard.privacy import SMALL_COUNT, incomplete_note
from legion.dashboard.selectors import StatisticsFilter, statistics_read
from legion.dashboard.service_levels import DUE_SOON, OVERDUE, breaches_by_mission
from legion.missions.models import Mission, Role


@dataclass(frozen=True)
class WeeklyReport:
    title: str
    filename: str
    pdf: bytes
    summary: str  # the headline figures as plain text, for the e-mail's body


def _week_ending(day: dt.date | None) -> dt.date:
    return day or timezone.now().astimezone(dt.UTC).date()


def weekly_report_build(
    *, mission: Mission | None, week_ending: dt.date | None = None
) -> WeeklyReport:
    """The report for the 7 days ending on `week_ending` (default: today, UTC), with
    the 4 weeks before for the trend. `mission` None: every mission (HQ)."""
    from weasyprint import HTML

    end = _week_ending(week_ending)
    start = end - dt.timedelta(days=6)
    mission_ids = (mission.pk,) if mission else None
    week = statistics_read(StatisticsFilter(date_from=start, date_to=end, mission_ids=mission_ids))
    trend = statistics_read(
        StatisticsFilter(
            date_from=end - dt.timedelta(days=34), date_to=end, mission_ids=mission_ids
        )
    )
    missions = [mission] if mission else list(Mission.objects.filter(is_active=True))
    late = breaches_by_mission(mission_ids=[m.pk for m in missions])

    def shown(n: int) -> str:
        return str(n) if n == 0 or n >= SMALL_COUNT else f"<{SMALL_COUNT}"

    where = mission.name if mission else _("All missions (HQ)")
    title = _("Weekly report: %(where)s, %(start)s to %(end)s") % {
        "where": where,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    html = render_to_string(
        "dashboard/weekly.html",
        {
            "title": title,
            "where": where,
            "start": start,
            "end": end,
            "generated": timezone.now(),
            "s": week,
            "total": charts.shown(week.total),
            "note": incomplete_note(),
            "per_day": charts.column_chart(week.per_day, width=700, height=170),
            "per_week": charts.column_chart(trend.per_week, width=700, height=170),
            "state": charts.bar_chart(week.by_state, width=640),
            "nationality": charts.bar_chart(week.by_nationality[:15], width=640),
            "mission": charts.bar_chart(week.by_mission[:20], width=640) if not mission else None,
            "outcomes": charts.bar_chart(week.outcomes, width=640, label_width=260),
            "holds": charts.bar_chart(week.holds, width=640, label_width=260),
            "experience": charts.bar_chart(week.experience, width=640, label_width=260),
            "stages": week.stage_durations,
            "breaches": [
                {
                    "mission": m.name,
                    "overdue": shown(late[m.pk][OVERDUE]),
                    "soon": shown(late[m.pk][DUE_SOON]),
                }
                for m in missions
            ],
        },
    )
    code = mission.code if mission else "hq"
    lines = [f"{_('Applications')}: {week.total.shown}", "", _("Applications by state")]
    lines += [f"  {f.label}: {f.shown}" for f in week.by_state]
    return WeeklyReport(
        title=title,
        filename=f"legion-weekly-{code}-{end.isoformat()}.pdf",
        pdf=HTML(string=html).write_pdf(),
        summary="\n".join(lines),
    )


def weekly_reports_send(*, week_ending: dt.date | None = None) -> int:
    """E-mail HQ (administrators and analysts) the all-missions report and each
    mission's consular officers and consuls their mission's, through the outbox.
    Returns the number of e-mails queued."""
    from django.contrib.auth import get_user_model

    from legion.outbox.services import outbox_email_add

    users = get_user_model().objects.filter(is_active=True).exclude(email="")

    def emails(**membership) -> list[str]:
        found = users.filter(**{f"memberships__{k}": v for k, v in membership.items()})
        return sorted(set(found.values_list("email", flat=True)))

    plan: list[tuple[Mission | None, list[str]]] = [
        (None, emails(role__in=[Role.ADMINISTRATOR, Role.HQ_ANALYST]))
    ]
    for mission in Mission.objects.filter(is_active=True).order_by("code"):
        plan.append(
            (mission, emails(mission=mission, role__in=[Role.CONSULAR_OFFICER, Role.CONSUL]))
        )
    sent = 0
    with translation.override("en"):
        for mission, recipients in plan:
            if not recipients:
                continue
            report = weekly_report_build(mission=mission, week_ending=week_ending)
            email = EmailMessage(
                subject=_("Legion weekly figures: %(title)s") % {"title": report.title},
                body=report.summary
                + "\n\n"
                + _(
                    "All the week's figures are in the attached PDF: aggregates only, "
                    "groups under five people left out."
                )
                + "\n",
                to=recipients,
            )
            email.attach(report.filename, report.pdf, "application/pdf")
            with transaction.atomic():
                outbox_email_add(email=email, kind="weekly report")
            sent += 1
    return sent
