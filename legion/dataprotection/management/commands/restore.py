"""legion restore FILE: bring a backup back onto an empty instance (a new database after
`legion migrate`, with the same keys in the environment)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from legion.dataprotection.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore an encrypted backup onto an empty instance."

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path)

    def handle(self, *args, backup: Path, **options) -> None:
        if not backup.is_file():
            raise CommandError(f"No backup at {backup}.", returncode=2)
        try:
            with open(backup, "rb") as source:
                report = backup_restore(source=source)
        except BackupError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(
            f"Restored {report.objects} rows and {report.files} documents from {backup}. "
            "Check the audit log with `legion audit-verify`."
        )
