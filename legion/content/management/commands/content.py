"""legion content export | import: the translated data as gettext catalogues.

legion content export                      # every language, beside the interface catalogues
legion content export --language uk --out uk.po
legion content import legion/locale/uk/LC_MESSAGES/content.po [more.po ...]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legion.content.catalogues import (
    CatalogueError,
    catalogue_export,
    catalogue_import,
    target_languages,
)


class Command(BaseCommand):
    help = "Export or import the translated data (mission names, sources, ...) as .po files."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="Write content.po per language.")
        export.add_argument("--language", action="append", help="Only this language (repeat).")
        export.add_argument("--out", type=Path, help="File to write (with one --language).")
        load = actions.add_parser("import", help="Read translated content.po files.")
        load.add_argument("files", nargs="+", type=Path)
        load.add_argument("--language", help="For a file that does not name its language.")
        load.add_argument("--dry-run", action="store_true", help="Report, change nothing.")

    def handle(self, *args, **options) -> None:
        try:
            if options["action"] == "export":
                self._export(options)
            else:
                self._import(options)
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc

    def _export(self, options: dict) -> None:
        languages = options["language"] or target_languages()
        if options["out"] and len(languages) != 1:
            raise CommandError("--out writes one file: give exactly one --language.")
        for language in languages:
            path = catalogue_export(language, options["out"])
            self.stdout.write(f"{language}: {path}")

    def _import(self, options: dict) -> None:
        for path in options["files"]:
            report = catalogue_import(path, options["language"], dry_run=options["dry_run"])
            self.stdout.write(
                f"{path} ({report.language}): {len(report.changed)} changed, "
                f"{report.unchanged} unchanged, {report.untranslated} untranslated, "
                f"{len(report.missing)} no longer exist"
                + (" — dry run, nothing saved" if options["dry_run"] else "")
            )
            for context, english, before, now in report.changed:
                self.stdout.write(f"  changed  {context}: “{english}”: “{before}” → “{now}”")
            for context, english in report.missing:
                self.stdout.write(f"  missing  {context}: “{english}” (no record has this text)")
