"""legion match-people: link or deduplicate person records from CSV files.

legion match-people people.csv --out links.csv                 # deduplicate one file
legion match-people mission-a.csv mission-b.csv --out links.csv  # link two files
legion match-people a.csv b.csv --out links.csv --engine spark   # same, on Spark

Columns (header row, any subset, `id` required): id, given_name, surname,
date_of_birth, sex, nationality, passport_number, place_of_birth, and the home
address as address (building number and street), town, postcode. Output:
id_a,id_b,score with the highest score first. The normalisation and the scoring
model are those of intake screening.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from legion.identity.batch import DEFAULT_THRESHOLD, ENGINES, MalformedFile, Phase, link_people


class Command(BaseCommand):
    help = "Link two CSV files of people, or deduplicate one, into id_a,id_b,score."
    # It reads files and writes one, never the database or a URL: the system checks
    # (which import every URL module, ~0.8 s) would be a third of a small run.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE.csv")
        parser.add_argument("--out", required=True, type=Path, metavar="LINKS.csv")
        parser.add_argument("--engine", choices=ENGINES, default="duckdb")
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"lowest match probability written (default {DEFAULT_THRESHOLD})",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, files, out, engine, threshold, no_progress, **options):
        if len(files) > 2:
            raise CommandError("Give one file to deduplicate or two to link.", returncode=2)
        if not 0 < threshold < 1:
            raise CommandError("--threshold must be between 0 and 1.", returncode=2)
        phases: list[Phase] = []
        try:
            count = link_people(
                inputs=files,
                out=out,
                engine=engine,
                threshold=threshold,
                progress=not no_progress,
                phases=phases,
            )
        except MalformedFile as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stderr.write(f"{count} pairs written to {out}")
        if options["verbosity"] >= 2:  # -v 2: where the time went, for bench/
            for phase in phases:
                self.stderr.write(
                    f"phase {phase.name}: {phase.seconds:.2f} s, CPU {phase.cpu_seconds:.2f} s, "
                    f"peak memory {phase.peak_mb:.0f} MB"
                )
