"""legion statistics: keep the dashboard's counters honest.

    legion statistics recount --check   # compare with a full recount, change nothing
    legion statistics recount           # replace every counter by a full recount

The counters follow case events as they happen; a recount is for data that came in
around the case services (bulk demo data, a restore) and as a periodic check. With
--check, differences go to stderr and the exit status is 1.
"""

import sys

from django.core.management.base import BaseCommand

from legion.dashboard.figures import figures_check, figures_rebuild


class Command(BaseCommand):
    help = "Check or rebuild the statistics counters from the cases and their events."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        recount = commands.add_parser("recount", help="Recount every statistic from the cases.")
        recount.add_argument(
            "--check", action="store_true", help="Only compare; exit 1 if they differ."
        )

    def handle(self, *args, subcommand, check=False, **options):
        if check:
            result = figures_check()
            if result.differences:
                for cell, (stored, recounted) in sorted(result.differences.items(), key=repr)[:50]:
                    self.stderr.write(f"{cell}: stored {stored}, recount {recounted}")
                self.stderr.write(
                    f"{len(result.differences)} of {result.cells} cells differ from a recount."
                )
                sys.exit(1)
            self.stdout.write(f"The counters agree with a full recount ({result.cells} cells).")
            return
        result = figures_rebuild()
        self.stdout.write(f"Counters rebuilt from a full recount ({result.cells} cells).")
