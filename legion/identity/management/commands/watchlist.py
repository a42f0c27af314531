"""legion watchlist: import watch lists and re-screen every open case against them.

legion watchlist import --source opensanctions-default entities.ftm.json
legion watchlist import --source interpol-notices --format csv notices.csv
legion watchlist list

FollowTheMoney JSON lines (OpenSanctions' format; Person entities with name, alias,
birthDate, nationality, passportNumber, idNumber) or CSV with the columns
id,name,aliases,birth_date,nationality,passport_number,id_number. Importing the same
source again updates its entries in place and deactivates those no longer listed.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from legion.identity.models import WatchlistEntry
from legion.identity.watchlists import WatchlistFileError, watchlist_import


class Command(BaseCommand):
    help = "Import watch lists (FollowTheMoney JSON lines or CSV) and re-screen open cases."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        load = commands.add_parser("import", help="Import or re-import one watch list.")
        load.add_argument("file", type=Path)
        load.add_argument("--source", required=True, help="name of the list, e.g. opensanctions")
        load.add_argument("--format", choices=("ftm", "csv"), help="default: from the file name")
        commands.add_parser("list", help="Imported watch lists and their sizes.")

    def handle(self, *args, subcommand, **options):
        if subcommand == "list":
            sources = (
                WatchlistEntry.objects.values("source")
                .annotate(active=Count("pk", filter=Q(active=True)), total=Count("pk"))
                .order_by("source")
            )
            for row in sources:
                self.stdout.write(f"{row['source']}: {row['active']} active of {row['total']}")
            return
        path: Path = options["file"]
        fmt = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "ftm")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            message = f"{path}: cannot read it as UTF-8 text ({exc})"
            raise CommandError(message, returncode=2) from exc
        try:
            result = watchlist_import(source=options["source"], text=text, fmt=fmt)
        except WatchlistFileError as exc:
            raise CommandError(f"{path}: {exc.message}", returncode=2) from exc
        self.stdout.write(
            f"{options['source']}: {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.deactivated} no longer listed; "
            f"{result.hits} new hits, {len(result.held)} cases put on hold"
        )
        for reference in result.held:
            self.stdout.write(f"  on hold: {reference}")
