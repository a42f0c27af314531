"""legion dedupe-applicants: batch duplicate detection over every submitted applicant.

legion dedupe-applicants [--engine duckdb|spark] [--threshold 0.5]

Runs the batch linkage (the same model as intake) over all missions' applicants and
opens a duplicate review item for each pair above the threshold that HQ security has
not seen yet. Nothing is merged. Applicants not yet in intake's index (cases loaded in
bulk, e.g. `legion demo --bulk` or a migration from another system) are indexed first,
so that later submissions are checked against them too.
"""

from django.core.management.base import BaseCommand, CommandError

from legion.identity.batch import ENGINES
from legion.identity.dedupe import applicants_dedupe
from legion.identity.indexing import applicants_index_missing
from legion.identity.people import DUPLICATE_THRESHOLD


class Command(BaseCommand):
    help = "Find duplicate applicants across all missions and open review items."

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=ENGINES, default="duckdb")
        parser.add_argument("--threshold", type=float, default=DUPLICATE_THRESHOLD)

    def handle(self, *args, engine, threshold, **options):
        if not 0 < threshold < 1:
            raise CommandError("--threshold must be between 0 and 1.", returncode=2)
        indexed = applicants_index_missing()
        self.stdout.write(f"{indexed} applicants added to the intake index")
        opened = applicants_dedupe(engine=engine, threshold=threshold, progress=True)
        self.stdout.write(f"{len(opened)} new duplicate review items")
