"""legion import applications FILE.csv|FILE.xlsx --mission CODE --as USER [--dry-run]

Takes applications received by e-mail, phone or post from a spreadsheet, one per row,
with the same questions and checks as the portal. `--dry-run` reports, line by line,
what would be created and what is wrong, and keeps nothing. Without it, the file is
imported only if every line is right: all of it or nothing. The staff member named by
`--as` (a consular officer of the mission) is recorded as having taken each application
and read the legal advice to the applicant. Document columns name files next to the
spreadsheet. Exits 1 when any line is refused, 2 for a file or user that cannot be used.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from legion.assisted.services import ImportLine, applications_import
from legion.assisted.spreadsheets import SpreadsheetError, spreadsheet_rows
from legion.missions.actors import Actor


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", choices=["applications"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--mission", required=True, help="Code of the mission, e.g. lon.")
        parser.add_argument("--as", dest="username", required=True, help="Who takes them.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; keep nothing.")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.", returncode=2)
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(
                f"No active staff member named {options['username']!r}.", returncode=2
            )
        folder = path.resolve().parent

        def open_file(name: str):
            target = (folder / name).resolve()
            if folder not in target.parents:
                raise ValueError("outside the spreadsheet's folder")
            return target.open("rb")

        bar = tqdm(desc="applications", unit=" rows", file=self.stderr._out, disable=None)

        def progress(line: ImportLine) -> None:
            bar.update(1)

        try:
            report = applications_import(
                rows=spreadsheet_rows(path),
                mission_code=options["mission"],
                actor=Actor.staff(user),
                dry_run=options["dry_run"],
                open_file=open_file,
                progress=progress,
            )
        except SpreadsheetError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        finally:
            bar.close()
        for line in report.lines:
            if line.errors:
                for column, message in line.errors.items():
                    where = f"line {line.line}" + (f", column {column}" if column else "")
                    self.stderr.write(f"{where}: {message}")
            elif options["dry_run"]:
                self.stdout.write(f"line {line.line}: would take the application of {line.name}")
            else:
                self.stdout.write(f"line {line.line}: {line.reference} {line.name}")
        total, refused = len(report.lines), len(report.failed)
        if refused:
            raise CommandError(
                f"{refused} of {total} lines refused; nothing was imported.", returncode=1
            )
        if report.committed:
            self.stdout.write(f"{total} applications imported and submitted.")
        else:
            self.stdout.write(f"Dry run: all {total} lines are right; nothing was kept.")
