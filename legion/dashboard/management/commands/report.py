"""legion report: the weekly report as a PDF, on demand.

    legion report weekly --mission lon --out london.pdf    # one mission
    legion report weekly --out hq.pdf                      # all missions, for HQ
    legion report weekly --mission lon --week-ending 2026-03-08 --out london.pdf

Aggregates only, groups under five people left out (as on the dashboard). An unknown
mission or a date that is not one goes to stderr with exit status 1; nothing is written.
"""

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from legion.dashboard.weekly import weekly_report_build
from legion.missions.models import Mission


class Command(BaseCommand):
    help = "Write the weekly report of a mission (or of every mission) as a PDF."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        weekly = commands.add_parser("weekly", help="The last seven days' figures.")
        weekly.add_argument("--mission", default="", help="Mission code; none: all missions.")
        weekly.add_argument("--week-ending", default="", help="Last day, YYYY-MM-DD (UTC).")
        weekly.add_argument("--out", required=True, help="The PDF file to write.")

    def handle(self, *args, subcommand, mission, week_ending, out, **options):
        chosen = None
        if mission:
            chosen = Mission.objects.filter(code=mission).first()
            if chosen is None:
                self.stderr.write(f"No mission with the code “{mission}”.")
                sys.exit(1)
        end = None
        if week_ending:
            try:
                end = dt.date.fromisoformat(week_ending)
            except ValueError:
                self.stderr.write(f"--week-ending “{week_ending}” is not a date (YYYY-MM-DD).")
                sys.exit(1)
        report = weekly_report_build(mission=chosen, week_ending=end)
        Path(out).write_bytes(report.pdf)
        self.stdout.write(f"{report.title}: {out} ({len(report.pdf)} bytes)")
