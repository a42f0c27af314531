"""legion demo: load the Ukraine legion demo data set and print the demo logins.

legion demo                   # missions, staff, advisories, rules, slots, 320 applicants
legion demo --if-empty        # the same, unless missions exist already (make run)
legion demo --applicants 50   # fewer (or more) realistic applicants
legion demo --bulk 1000000    # benchmark volume through the fast bulk path
legion demo --code            # the second-factor code the demo logins accept right now
"""

from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from legion.cases.models import Case
from legion.cases.states import CaseState
from legion.demo.applicants import applicants_generate
from legion.demo.bulk import cases_bulk_generate
from legion.demo.setup import (
    Login,
    demo_configure,
    demo_password,
    demo_totp_code,
    demo_totp_secret,
    staff_logins,
)
from legion.identity.models import DuplicateCandidate, ReviewStatus, WatchlistHit
from legion.missions.models import Mission


class Command(BaseCommand):
    help = "Load the demo legion (Ukraine, 2022) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when missions exist already.",
        )
        parser.add_argument(
            "--code",
            action="store_true",
            help="Print the current second-factor code of the demo logins and stop.",
        )
        parser.add_argument("--applicants", type=int, default=320)
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument(
            "--bulk",
            type=int,
            default=0,
            metavar="N",
            help=(
                "Also add N cases through the fast bulk path (benchmarks): documents, "
                "interviews, visas, instructions and histories, without files or screening."
            ),
        )

        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            metavar="P",
            help="Processes sharing a --bulk fill on PostgreSQL (bench/bulk_fill.py compares).",
        )

    def handle(self, *args, if_empty, applicants, seed, bulk, code=False, processes=1, **options):
        if settings.PRODUCTION:
            raise CommandError("Refusing to load demo data with LEGION_ENV=production.")
        if code:
            self.stdout.write(demo_totp_code())
            return
        if applicants < 0 or bulk < 0:
            raise CommandError("Counts must not be negative.")
        if if_empty and Mission.objects.exists():
            self.stdout.write("Demo data already loaded (missions exist); nothing to do.")
            self._print_logins(staff_logins())
            return
        missions, logins = demo_configure()
        self.stdout.write(f"{len(missions)} missions, {len(logins)} staff logins configured.")
        if applicants:
            result = applicants_generate(count=applicants, seed=seed)
            self.stdout.write(f"{len(result.cases)} applicants taken through the workflow.")
            for reference, message in result.stopped:
                self.stderr.write(f"  {reference} stopped early: {message}")
        if bulk:
            if processes < 1:
                raise CommandError("--processes must be at least 1.")
            created = cases_bulk_generate(
                count=bulk, seed=seed, progress=self._progress, processes=processes
            )
            self.stdout.write(f"{created} bulk cases added.")
            # The bulk path copies rows around the case services, so the statistics'
            # reaction to case events never saw them: count them once, in full.
            from legion.dashboard.figures import figures_rebuild

            result = figures_rebuild()
            self.stdout.write(f"Statistics recounted ({result.cells} cells).")
        self._print_states()
        self._print_reviews()
        self._print_logins(logins)

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"  bulk: {done}/{total}")

    def _print_states(self) -> None:
        counts = Counter(Case.objects.values_list("state", flat=True))
        line = ", ".join(f"{state.value} {counts.get(state.value, 0)}" for state in CaseState)
        self.stdout.write(f"Cases by state: {line}")

    def _print_reviews(self) -> None:
        duplicates = DuplicateCandidate.objects.filter(status=ReviewStatus.OPEN).count()
        hits = WatchlistHit.objects.filter(status=ReviewStatus.OPEN).count()
        self.stdout.write(
            f"Identity screening at intake: {duplicates} duplicate review items and {hits} "
            "watch-list hits open for HQ security (hq.security, /staff/security/)."
        )

    def _print_logins(self, logins: list[Login]) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {demo_password()})")
        self.stdout.write(
            f"Second factor: add the key {demo_totp_secret()} to an authenticator app "
            "(time-based, 6 digits; one entry serves every demo login), "
            "or run `legion demo --code` for the current code."
        )
        self.stdout.write("  staff workspace: http://127.0.0.1:8000/staff/   admin: /admin/")
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.role:<18} {login.mission}")
