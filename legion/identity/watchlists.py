"""Watch-list import: FollowTheMoney (OpenSanctions) JSON lines and CSV, indexed for
screening; every open case is re-screened against what an import changed.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from legion.cases.models import Case
from legion.cases.services import CaseError, case_lock
from legion.cases.states import CaseState
from legion.identity.models import (
    DOCUMENT_PROPERTIES,
    ApplicantFeatures,
    IdentityKey,
    WatchlistEntry,
    WatchlistHit,
)
from legion.identity.people import (
    SCREENED_STATES,
    WATCHLIST_PRIOR,
    WATCHLIST_THRESHOLD,
    applicant_shown,
    best_score,
    entry_people,
    people_keys,
    review_explanation,
    stored_people,
)
from legion.identity.screening import case_hold_for_watchlist_hits
from legion.missions.actors import Actor


class WatchlistFileError(CaseError):
    """A watch-list file that cannot be imported; nothing of it is written."""


FTM_PROPERTIES = (
    "name",
    "alias",
    "weakAlias",
    "firstName",
    "lastName",
    "birthDate",
    "nationality",
    "citizenship",
    "passportNumber",
    "idNumber",
    "gender",
    "topics",
)
CSV_FIELDS = {
    "name": "name",
    "aliases": "alias",
    "birth_date": "birthDate",
    "nationality": "nationality",
    "passport_number": "passportNumber",
    "id_number": "idNumber",
}


@dataclass(frozen=True)
class ParsedEntry:
    entity_id: str
    caption: str
    properties: dict[str, list[str]]

    def split(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """(properties, documents): the document numbers apart, to be stored sealed."""
        public = {k: v for k, v in self.properties.items() if k not in DOCUMENT_PROPERTIES}
        documents = {k: v for k, v in self.properties.items() if k in DOCUMENT_PROPERTIES}
        return public, documents


def parse_ftm(lines: Iterable[str]) -> Iterator[ParsedEntry]:
    """Person entities from FollowTheMoney JSON lines (as OpenSanctions publishes them);
    other schemas (sanctions, companies, addresses) are skipped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            message = _("Line %(n)d: not JSON (%(e)s).") % {"n": number, "e": exc.msg}
            raise WatchlistFileError(message) from exc
        if not isinstance(data, dict):
            raise WatchlistFileError(_("Line %(n)d: not an entity object.") % {"n": number})
        if data.get("schema") != "Person":
            continue
        entity_id = str(data.get("id") or "").strip()
        props = data.get("properties") or {}
        if not entity_id or not isinstance(props, dict):
            raise WatchlistFileError(
                _("Line %(n)d: a Person needs an id and properties.") % {"n": number}
            )
        properties = {
            key: [str(v).strip() for v in props.get(key, []) if str(v).strip()]
            for key in FTM_PROPERTIES
            if props.get(key)
        }
        if not properties.get("name") and not properties.get("lastName"):
            raise WatchlistFileError(_("Line %(n)d: the person has no name.") % {"n": number})
        caption = str(data.get("caption") or (properties.get("name") or properties["lastName"])[0])
        yield ParsedEntry(entity_id, caption[:300], properties)


def parse_watchlist_csv(text: str) -> Iterator[ParsedEntry]:
    """Watch-list CSV: id,name,aliases,birth_date,nationality,passport_number,id_number
    (only id and name required; several values in one cell separated by ';')."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if "id" not in header or "name" not in header:
        raise WatchlistFileError(_("Line 1: the header needs at least the columns id and name."))
    unknown = [h for h in header if h != "id" and h not in CSV_FIELDS]
    if unknown:
        raise WatchlistFileError(_("Line 1: unknown column “%(c)s”.") % {"c": unknown[0]})
    for row in reader:
        if None in row:
            raise WatchlistFileError(
                _("Line %(n)d: more fields than columns.") % {"n": reader.line_num}
            )
        row = {k.strip(): (v or "").strip() for k, v in row.items()}
        if not row["id"] or not row["name"]:
            raise WatchlistFileError(
                _("Line %(n)d: id and name are required.") % {"n": reader.line_num}
            )
        properties = {
            prop: [v.strip() for v in row.get(column, "").split(";") if v.strip()]
            for column, prop in CSV_FIELDS.items()
        }
        yield ParsedEntry(row["id"], row["name"][:300], {k: v for k, v in properties.items() if v})


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    hits: int = 0
    held: list[str] = field(default_factory=list)


def watchlist_import(*, source: str, text: str, fmt: str) -> ImportResult:
    """Import (or re-import) one watch list, then re-screen every open case against it.

    Entries are matched by (source, entity id) and updated in place; people the new
    file no longer lists are deactivated. A malformed file raises WatchlistFileError
    and changes nothing.
    """
    source = source.strip()
    if not source:
        raise WatchlistFileError(_("Name the watch list (its source)."))
    parser = {"ftm": lambda: parse_ftm(text.splitlines()), "csv": lambda: parse_watchlist_csv(text)}
    if fmt not in parser:
        raise WatchlistFileError(_("The format must be ftm or csv."))
    parsed = {entry.entity_id: entry for entry in parser[fmt]()}
    result = ImportResult()
    with transaction.atomic():
        existing = {e.entity_id: e for e in WatchlistEntry.objects.filter(source=source)}
        for entity_id, item in parsed.items():
            entry = existing.get(entity_id)
            properties, documents = item.split()
            if entry is None:
                entry = WatchlistEntry.objects.create(
                    source=source,
                    entity_id=entity_id,
                    caption=item.caption,
                    properties=properties,
                    documents=documents,
                )
                result.created += 1
            elif (entry.properties, entry.documents, entry.caption) == (
                properties,
                documents,
                item.caption,
            ):
                if not entry.active:
                    entry.active = True
                    entry.save(update_fields=["active", "imported_at"])
                result.unchanged += 1
                continue
            else:
                entry.caption, entry.properties, entry.active = item.caption, properties, True
                entry.documents = documents
                entry.save(
                    update_fields=["caption", "properties", "documents", "active", "imported_at"]
                )
                result.updated += 1
            entry.keys.all().delete()
            IdentityKey.objects.bulk_create(
                IdentityKey(key=key, entry=entry)
                for key in people_keys(entry_people(entry), name_only=True)
            )
        gone = [e.pk for e in existing.values() if e.entity_id not in parsed and e.active]
        result.deactivated = WatchlistEntry.objects.filter(pk__in=gone).update(active=False)
        IdentityKey.objects.filter(entry_id__in=gone).delete()
    _rescreen(WatchlistEntry.objects.filter(source=source, active=True), result)
    return result


def _rescreen(entries: Iterable[WatchlistEntry], result: ImportResult) -> None:
    """Screen every open case against these entries (after an import)."""
    entries = list(entries)
    by_key: dict[str, list[int]] = defaultdict(list)
    for key, entry_id in IdentityKey.objects.filter(entry__in=entries).values_list(
        "key", "entry_id"
    ):
        by_key[key].append(entry_id)
    pairs: dict[int, set[int]] = defaultdict(set)
    keys = list(by_key)
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        for key, applicant_id in IdentityKey.objects.filter(
            key__in=chunk, applicant__isnull=False
        ).values_list("key", "applicant_id"):
            pairs[applicant_id].update(by_key[key])
    if not pairs:
        return
    entry_by_id = {e.pk: e for e in entries}
    cases = Case.objects.filter(applicant_id__in=pairs, state__in=SCREENED_STATES)
    for case in cases.select_related("applicant"):
        with transaction.atomic():
            locked = case_lock(reference=case.reference, actor=Actor.system())
            features = ApplicantFeatures.objects.filter(applicant_id=locked.applicant_id).first()
            if features is None:
                continue
            ours = stored_people(features.variants, applicant_shown(locked.applicant))
            decided = set(
                WatchlistHit.objects.filter(case=locked).values_list("entry_id", flat=True)
            )
            hits = []
            for entry_id in pairs[locked.applicant_id] - decided:
                entry = entry_by_id[entry_id]
                score = best_score(ours, entry_people(entry), prior=WATCHLIST_PRIOR)
                if score.probability >= WATCHLIST_THRESHOLD:
                    hits.append(
                        WatchlistHit(
                            case=locked,
                            entry=entry,
                            score=score.probability,
                            explanation=review_explanation(score),
                        )
                    )
            if hits:
                WatchlistHit.objects.bulk_create(hits)
                result.hits += len(hits)
                if locked.state != CaseState.ON_HOLD:
                    case_hold_for_watchlist_hits(locked, hits)
                    result.held.append(locked.reference)
