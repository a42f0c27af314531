"""The translated data as gettext catalogues, for translators' own tools.

`legion content export` writes, per portal language, `content.po` beside the
interface catalogue (legion/locale/<language>/LC_MESSAGES/), so one translator edits
both in Poedit or Weblate. An entry is one English text of one field: its context
names the field ("missions.mission.name"), its msgid is the English value, its
msgstr the translation, and its references say which records use it. As in gettext,
one translation serves every record with the same English text (every interview
slot "London: consular section, room 1", for instance).

`legion content import` reads such files back in one transaction and reports each
text that changed and each entry whose English text no longer exists (it was edited
or its record removed since the export).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polib
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

SOURCE_LANGUAGE = "en"
CATALOGUE_NAME = "content.po"


class CatalogueError(ValueError):
    """A file that cannot be imported; the message says which and why."""


@dataclass(frozen=True)
class TranslatedField:
    model: type[models.Model]
    name: str

    @property
    def context(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}.{self.name}"

    def column(self, language: str) -> str:
        return build_localized_fieldname(self.name, language)


def translated_fields() -> list[TranslatedField]:
    """Every field registered for translation (each app's translation.py), in a
    stable order."""
    found = [
        TranslatedField(model, name)
        for model in translator.get_registered_models(abstract=False)
        for name in translator.get_options_for_model(model).fields
    ]
    return sorted(found, key=lambda f: f.context)


def target_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def catalogue_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / CATALOGUE_NAME


def _check_language(language: str) -> None:
    if language not in target_languages():
        raise CatalogueError(
            f"“{language}” is not a portal language to translate into; "
            f"use one of {', '.join(target_languages())}."
        )


def _reference(record: models.Model) -> str | None:
    """A record a translator can recognise (a mission by its code); others are counted."""
    code = getattr(record, "code", None)
    return f"{record._meta.model_name}:{code}" if code else None


def catalogue_build(language: str) -> polib.POFile:
    """The catalogue of every translated field's English texts, with what `language`
    has for each today (empty where nothing is translated yet)."""
    _check_language(language)
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.metadata = {
        "Project-Id-Version": "Legion content",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "POT-Creation-Date": timezone.now().strftime("%Y-%m-%d %H:%M%z"),
    }
    for tf in translated_fields():
        source, target = tf.column(SOURCE_LANGUAGE), tf.column(language)
        translations: dict[str, Counter[str]] = defaultdict(Counter)
        references: dict[str, list[str | None]] = defaultdict(list)
        for record in tf.model._default_manager.exclude(**{source: ""}).exclude(
            **{f"{source}__isnull": True}
        ):
            english = getattr(record, source)
            references[english].append(_reference(record))
            if value := getattr(record, target):
                translations[english][value] += 1
        for english in sorted(references):
            # Records that share an English text normally share its translation; if
            # they differ, the most common one is offered and the import unifies them.
            common = translations[english].most_common(1)
            named = [ref for ref in references[english] if ref]
            entry = polib.POEntry(
                msgctxt=tf.context,
                msgid=english,
                msgstr=common[0][0] if common else "",
                occurrences=[(ref, "") for ref in named],
            )
            if len(references[english]) > 1:
                entry.comment = f"Used by {len(references[english])} records."
            catalogue.append(entry)
    return catalogue


def catalogue_export(language: str, path: Path | None = None) -> Path:
    path = path or catalogue_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalogue_build(language).save(str(path))
    return path


@dataclass
class ImportReport:
    language: str
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (context, English text, translation before, translation now)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (context, English text)
    untranslated: int = 0
    unchanged: int = 0


def catalogues_import_all() -> list[ImportReport]:
    """Import every language's content.po from beside the interface catalogues (the
    demo legion's translations live there)."""
    return [
        catalogue_import(catalogue_path(language))
        for language in target_languages()
        if catalogue_path(language).exists()
    ]


def _read(path: Path) -> polib.POFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CatalogueError(f"{path}: no such file.") from exc
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{path}: not UTF-8 text ({exc.reason}).") from exc
    try:
        return polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"{path}: not a gettext catalogue ({exc}).") from exc


class _DryRun(Exception):
    pass


def catalogue_import(
    path: Path, language: str | None = None, *, dry_run: bool = False
) -> ImportReport:
    """Apply a translated catalogue; all of it or, on any error, nothing. A dry run
    reports the same and rolls back."""
    catalogue = _read(path)
    language = language or catalogue.metadata.get("Language", "")
    if not language:
        raise CatalogueError(f"{path}: the file does not say its language; give --language.")
    _check_language(language)
    fields = {tf.context: tf for tf in translated_fields()}
    unknown = [
        f"“{e.msgid}” ({e.msgctxt or 'no context'})" for e in catalogue if e.msgctxt not in fields
    ]
    if unknown:
        raise CatalogueError(
            f"{path}: entries for fields that are not translated data: {', '.join(unknown[:5])}"
            + (f" and {len(unknown) - 5} more." if len(unknown) > 5 else ".")
        )
    report = ImportReport(language=language)
    try:
        with transaction.atomic():
            _apply(catalogue, fields, language, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _apply(
    catalogue: polib.POFile, fields: dict[str, TranslatedField], language: str, report: ImportReport
) -> None:
    for entry in catalogue:
        if entry.obsolete:
            continue
        if not entry.msgstr or "fuzzy" in entry.flags:
            report.untranslated += 1
            continue
        tf = fields[entry.msgctxt]
        records = tf.model._default_manager.filter(**{tf.column(SOURCE_LANGUAGE): entry.msgid})
        if not records.exists():
            report.missing.append((entry.msgctxt, entry.msgid))
            continue
        target = tf.column(language)
        stale = records.exclude(**{target: entry.msgstr})
        if stale.exists():
            before = stale.values_list(target, flat=True).first() or ""
            stale.update(**{target: entry.msgstr})
            report.changed.append((entry.msgctxt, entry.msgid, before, entry.msgstr))
        else:
            report.unchanged += 1
