"""Identity index maintenance: features and blocking keys for applicants loaded in
bulk, and the keys rebuilt after the blind-index key rotates.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from legion.cases.models import Applicant
from legion.cases.states import CaseState
from legion.crypto import seal_json
from legion.identity.models import ApplicantFeatures, IdentityKey, WatchlistEntry
from legion.identity.people import applicant_people, entry_people, passport_keyer, people_keys

_qn = connection.ops.quote_name
_FEATURES = _qn(ApplicantFeatures._meta.db_table)
_KEYS = _qn(IdentityKey._meta.db_table)


def applicants_index_missing(*, batch_size: int = 5000, progress: Any = None) -> int:
    """Index every submitted applicant that has no matching features yet (cases loaded
    in bulk, or submitted before identity screening existed); returns how many.
    Writes features and keys in batches (COPY on PostgreSQL); screening is not run:
    use dedupe-applicants for that."""
    pending = (
        Applicant.objects.filter(identity_features__isnull=True)
        .exclude(case__state=CaseState.DRAFT)
        .order_by("pk")
    )
    done, last = 0, 0
    now = timezone.now()
    keyer = passport_keyer()
    while True:
        # Keyset pagination: each batch starts where the last ended, instead of
        # anti-joining the whole table again (quadratic at a million applicants).
        applicants = list(pending.filter(pk__gt=last)[:batch_size])
        if not applicants:
            return done
        last = applicants[-1].pk
        features, keys = [], []
        for applicant in applicants:
            people = applicant_people(applicant)
            features.append((applicant.pk, [p.to_json() for p in people], now))
            keys.extend(
                (key, applicant.pk) for key in people_keys(people, name_only=True, keyer=keyer)
            )
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Sealed here (COPY bypasses the field): the features are never plain.
                sealed = [(a, seal_json(v), t) for a, v, t in features]
                _copy(_FEATURES, "(applicant_id, variants, updated_at)", sealed)
                _copy(_KEYS, f"({_qn('key')}, applicant_id)", keys)
            else:
                ApplicantFeatures.objects.bulk_create(
                    (
                        ApplicantFeatures(applicant_id=a, variants=v, updated_at=t)
                        for a, v, t in features
                    ),
                    batch_size=1000,
                )
                IdentityKey.objects.bulk_create(
                    (IdentityKey(key=k, applicant_id=a) for k, a in keys), batch_size=2000
                )
        done += len(applicants)
        if progress:
            progress(done)


def identity_keys_rebuild(*, batch_size: int = 5000) -> int:
    """Recompute the blocking keys of every indexed applicant and active watch-list entry
    (after LEGION_BLIND_INDEX_KEY changed: passport keys are blind indexes, and stale ones
    would silently stop duplicates being found). Each batch swaps its keys in one
    transaction, so intake keeps screening against a complete index meanwhile.
    Returns how many applicants and entries were re-keyed."""
    keyer = passport_keyer()
    done, last = 0, 0
    indexed = Applicant.objects.filter(identity_features__isnull=False).order_by("pk")
    while applicants := list(indexed.filter(pk__gt=last)[:batch_size]):
        last = applicants[-1].pk
        keys = [
            IdentityKey(key=key, applicant_id=applicant.pk)
            for applicant in applicants
            for key in people_keys(applicant_people(applicant), name_only=True, keyer=keyer)
        ]
        with transaction.atomic():
            IdentityKey.objects.filter(applicant_id__in=[a.pk for a in applicants]).delete()
            IdentityKey.objects.bulk_create(keys, batch_size=2000)
        done += len(applicants)
    for entry in WatchlistEntry.objects.filter(active=True).order_by("pk").iterator():
        with transaction.atomic():
            entry.keys.all().delete()
            IdentityKey.objects.bulk_create(
                IdentityKey(key=key, entry=entry)
                for key in people_keys(entry_people(entry), name_only=True, keyer=keyer)
            )
        done += 1
    return done


def _copy(table: str, columns: str, rows: list[tuple]) -> None:
    """COPY rows into a PostgreSQL table (several times faster than INSERT)."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
