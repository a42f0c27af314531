"""Key rotation: re-seal every encrypted value and document under the current key.

Procedure (no downtime): put a new key first in LEGION_FIELD_KEYS, keeping the old one
after it ("k2:new,k1:old"), and restart the app servers one by one: they now seal with
k2 and still open k1. Then run `legion rotate-keys`; it re-seals row by row, in small
committed batches, and can be interrupted and run again at any time: it only touches
what is not yet under the current key. When it reports nothing left, drop the old key.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import FileField, Model

from legion.cases.storage import FILE_CONTEXT, EncryptedStorageMixin
from legion.crypto import (
    MAGIC,
    EncryptedTextField,
    blind_index_fields,
    current_key_id,
    encrypted_fields,
    open_sealed,
    seal,
    sealed_key_id,
)


@dataclass
class RotationReport:
    values_resealed: int = 0
    files_resealed: int = 0
    values_left: int = 0
    files_left: int = 0

    @property
    def done(self) -> bool:
        return not self.values_left and not self.files_left


def _needs_reseal(raw: bytes, key_id: str) -> bool:
    return not raw.startswith(MAGIC) or sealed_key_id(raw) != key_id


def _resealed(raw: bytes, context: bytes = b"") -> bytes:
    # A value from before encryption (no MAGIC) is sealed as it is.
    plaintext = open_sealed(raw, context=context) if raw.startswith(MAGIC) else raw
    return seal(plaintext, context=context)


def _names(model: type[Model], field: EncryptedTextField) -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), quote(model._meta.pk.column), quote(field.column)


def _raw_batch(model: type[Model], field: EncryptedTextField, after, size: int):
    table, pk, column = _names(model, field)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk}, {column} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s",  # noqa: S608
            [after, size],
        )
        return [(row_pk, bytes(value)) for row_pk, value in cursor.fetchall() if value is not None]


def value_reseal(model: type[Model], field: EncryptedTextField, pk, raw: bytes) -> bool:
    """Re-seal one value, only if it is still `raw`: a value the application changed
    meanwhile is already under the current key and is left alone."""
    table, pk_column, column = _names(model, field)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s AND {column} = %s",  # noqa: S608
            [_resealed(raw), pk, raw],
        )
        return cursor.rowcount == 1


def encrypted_file_fields() -> list[tuple[type[Model], FileField]]:
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, FileField) and isinstance(field.storage, EncryptedStorageMixin)
    ]


def keys_rotate(
    *,
    batch_size: int = 500,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> RotationReport:
    """Re-seal every encrypted value and file not yet under the current key.

    Each batch commits on its own, so an interruption loses nothing and a new run
    carries on. With dry_run, only counts what is left."""
    key_id = current_key_id()
    report = RotationReport()
    for model, field in encrypted_fields():
        after = 0 if model._meta.pk.get_internal_type() != "CharField" else ""
        while batch := _raw_batch(model, field, after, batch_size):
            after = batch[-1][0]
            stale = [(pk, raw) for pk, raw in batch if _needs_reseal(raw, key_id)]
            if dry_run:
                report.values_left += len(stale)
                continue
            with transaction.atomic():
                report.values_resealed += sum(value_reseal(model, field, pk, r) for pk, r in stale)
            if progress:
                progress(f"{model._meta.label}.{field.name}", report.values_resealed)
    for model, field in encrypted_file_fields():
        names = model.objects.exclude(**{field.name: ""}).values_list(field.name, flat=True)
        for name in names.iterator(chunk_size=batch_size):
            try:
                raw = field.storage.read_sealed(name)
            except FileNotFoundError:
                continue  # deleted (erasure) since the query
            if not _needs_reseal(raw, key_id):
                continue
            if dry_run:
                report.files_left += 1
                continue
            field.storage.write_sealed(name, _resealed(raw, FILE_CONTEXT))
            report.files_resealed += 1
            if progress:
                progress(f"{model._meta.label}.{field.name}", report.files_resealed)
    return report


def blind_indexes_rebuild(*, batch_size: int = 500) -> int:
    """Recompute every blind index from its (decrypted) number: after LEGION_BLIND_INDEX_KEY
    changed, or for rows written before an index existed. Returns how many changed."""
    changed = 0
    for model, field in blind_index_fields():
        rows = model._base_manager.order_by("pk").only("pk", field.source, field.attname)
        batch = []
        for obj in rows.iterator(chunk_size=batch_size):
            before = getattr(obj, field.attname)
            if field.pre_save(obj, False) != before:
                batch.append(obj)
            if len(batch) >= batch_size:
                changed += model._base_manager.bulk_update(batch, [field.attname])
                batch = []
        if batch:
            changed += model._base_manager.bulk_update(batch, [field.attname])
    return changed
