"""legion backup --output FILE: an encrypted, consistent backup of the database and the
documents (restore it with `legion restore FILE` on an empty instance)."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from legion.dataprotection.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Write an encrypted backup of all data and documents."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", required=True, type=Path)

    def handle(self, *args, output: Path, **options) -> None:
        if output.exists():
            raise CommandError(f"{output} exists already; choose a new file.", returncode=2)
        partial = output.with_name(output.name + ".partial")
        try:
            with open(partial, "xb") as out:
                os.chmod(partial, 0o600)
                report = backup_write(out=out)
            partial.rename(output)
        except BackupError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            f"Backup written to {output}: {report.objects} rows, {report.files} documents."
        )
