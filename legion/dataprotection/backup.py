"""Encrypted, consistent backups of the database and the documents, and restoring them
onto an empty instance.

A backup is a tar stream (manifest, the rows of every model as Django JSON in batches,
the document files as they are on disk, i.e. still sealed) written through a chunked
AES-GCM envelope: each chunk is sealed under the current field key with its position
and an end-of-stream flag as associated data, so a reordered, altered or truncated
backup is refused. The rows are read in one transaction (REPEATABLE READ on
PostgreSQL), so they are a consistent snapshot.

Restoring needs the same LEGION_FIELD_KEYS (at least the key the backup names),
LEGION_BLIND_INDEX_KEY and LEGION_AUDIT_KEY, an instance migrated to the same
migrations and holding no data yet.
"""

import datetime as dt
import io
import json
import re
import struct
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import FileField, Model
from django.utils import timezone

from legion.audit.services import audit_record, audit_suspended
from legion.crypto import DecryptionError, open_sealed, seal

FORMAT = 1
MAGIC = b"LEGION-BACKUP-1\n"
CHUNK_BYTES = 1 << 20
OBJECTS_PER_MEMBER = 2000
# Recreated by `migrate` on the new instance, or not worth keeping (sessions, task queue).
EXCLUDED = frozenset(
    {
        "contenttypes.ContentType",
        "auth.Permission",
        "sessions.Session",
        "django_tasks_db.DBTaskResult",
    }
)
SAFE_FILE_NAME = re.compile(r"^[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-.]+)*$")


class PreciseJSONEncoder(DjangoJSONEncoder):
    """Django's encoder keeps milliseconds only; a backup keeps every microsecond (the
    audit chain's hashes cover them)."""

    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup that cannot be written or restored; `message` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SealedWriter(io.RawIOBase):
    """Write-only stream that seals its content chunk by chunk."""

    def __init__(self, out: BinaryIO) -> None:
        self.out, self.buffer, self.index = out, bytearray(), 0
        out.write(MAGIC)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) >= CHUNK_BYTES:
            self._chunk(bytes(self.buffer[:CHUNK_BYTES]), final=False)
            del self.buffer[:CHUNK_BYTES]
        return len(data)

    def _chunk(self, data: bytes, *, final: bool) -> None:
        token = seal(data, context=_chunk_context(self.index, final))
        self.out.write(struct.pack(">?I", final, len(token)) + token)
        self.index += 1

    def close(self) -> None:
        if not self.closed:
            self._chunk(bytes(self.buffer), final=True)
            self.buffer.clear()
        super().close()


def _chunk_context(index: int, final: bool) -> bytes:
    return b"legion-backup|" + struct.pack(">Q?", index, final)


def _open_chunks(source: BinaryIO) -> Iterator[bytes]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not a Legion backup.")
    index = 0
    while True:
        header = source.read(5)
        if len(header) < 5:
            raise BackupError("The backup is truncated: its end is missing.")
        final, length = struct.unpack(">?I", header)
        token = source.read(length)
        try:
            yield open_sealed(token, context=_chunk_context(index, final))
        except DecryptionError as exc:
            raise BackupError(
                f"The backup cannot be opened (chunk {index}): it was altered, or it was "
                f"written with a key that is not in LEGION_FIELD_KEYS ({exc})."
            ) from exc
        if final:
            if source.read(1):
                raise BackupError("The backup has data after its end.")
            return
        index += 1


class SealedReader(io.RawIOBase):
    def __init__(self, source: BinaryIO) -> None:
        self.chunks, self.buffer = _open_chunks(source), b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self.buffer:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.buffer = chunk
        n = min(len(target), len(self.buffer))
        target[:n], self.buffer = self.buffer[:n], self.buffer[n:]
        return n


def backed_up_models() -> list[type[Model]]:
    """Every model with data worth keeping, parents before children."""
    app_models = [
        (config, [m for m in config.get_models() if m._meta.label not in EXCLUDED])
        for config in apps.get_app_configs()
    ]
    ordered = serializers.sort_dependencies(app_models, allow_cycles=True)
    return [m for m in ordered if not m._meta.proxy and m._meta.managed]


def _file_fields(model: type[Model]) -> list[FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, FileField)]


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


@dataclass
class BackupReport:
    objects: int = 0
    files: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def backup_write(*, out: BinaryIO) -> BackupReport:
    """Write an encrypted backup of every row and every document file to `out`."""
    report = BackupReport()
    writer = SealedWriter(out)
    with tarfile.open(fileobj=writer, mode="w|") as archive, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        models = backed_up_models()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "migrations": _applied_migrations(),
            "models": [m._meta.label for m in models],
        }
        _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
        files: list[tuple[FileField, str]] = []
        for number, model in enumerate(models):
            label, count = model._meta.label, 0
            rows = model._base_manager.order_by("pk")
            for part, batch in enumerate(_batches(rows, OBJECTS_PER_MEMBER)):
                data = serializers.serialize(
                    "json", batch, use_natural_foreign_keys=True, cls=PreciseJSONEncoder
                )
                _add(archive, f"data/{number:03d}-{label}-{part:05d}.json", data.encode())
                count += len(batch)
                files += [
                    (file_field, str(name))
                    for obj in batch
                    for file_field in _file_fields(model)
                    if (name := getattr(obj, file_field.attname))
                ]
            report.counts[label] = count
            report.objects += count
        for file_field, name in files:
            try:
                data = file_field.storage.read_sealed(name)
            except FileNotFoundError as exc:
                raise BackupError(f"Document file {name} is missing; nothing was written.") from exc
            _add(archive, f"files/{name}", data)
            report.files += 1
    writer.close()
    return report


def _batches(rows, size: int) -> Iterator[list[Model]]:
    batch: list[Model] = []
    for obj in rows.iterator(chunk_size=size):
        batch.append(obj)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _instance_is_empty(models: list[type[Model]]) -> list[str]:
    return [m._meta.label for m in models if m._base_manager.exists()]


def backup_restore(*, source: BinaryIO) -> BackupReport:
    """Bring a backup back onto an empty, migrated instance: rows, files, audit chain."""
    report = BackupReport()
    models = backed_up_models()
    if occupied := _instance_is_empty(models):
        raise BackupError(
            "Restore needs an empty instance (a new database after `legion migrate`); "
            f"this one holds data in {', '.join(occupied[:5])}."
        )
    expected_files: dict[str, FileField] = {}
    written: list[tuple[FileField, str]] = []
    try:
        with transaction.atomic(), audit_suspended():
            with tarfile.open(fileobj=SealedReader(source), mode="r|") as archive:
                manifest = None
                restored_models: set[type[Model]] = set()
                deferred = []
                for member in archive:
                    data = archive.extractfile(member).read() if member.isfile() else b""
                    if member.name == "manifest.json":
                        manifest = json.loads(data)
                        _check_manifest(manifest)
                    elif manifest is None:
                        raise BackupError("The backup has no manifest.")
                    elif member.name.startswith("data/"):
                        for item in serializers.deserialize(
                            "json", data, handle_forward_references=True
                        ):
                            item.save()
                            if item.deferred_fields:
                                deferred.append(item)
                            model = type(item.object)
                            restored_models.add(model)
                            report.counts[model._meta.label] = (
                                report.counts.get(model._meta.label, 0) + 1
                            )
                            report.objects += 1
                            for file_field in _file_fields(model):
                                if name := getattr(item.object, file_field.attname):
                                    expected_files[str(name)] = file_field
                    elif member.name.startswith("files/"):
                        name = member.name.removeprefix("files/")
                        file_field = expected_files.get(name)
                        if file_field is None or not SAFE_FILE_NAME.match(name):
                            raise BackupError(f"The backup holds an unexpected file: {name}")
                        file_field.storage.write_sealed(name, data)
                        written.append((file_field, name))
                        report.files += 1
                if manifest is None:
                    raise BackupError("The backup is empty.")
                for item in deferred:
                    item.save_deferred_fields()
            missing = set(expected_files) - {name for _, name in written}
            if missing:
                raise BackupError(f"The backup lacks {len(missing)} document file(s).")
            _reset_sequences(restored_models)
        audit_record(
            action="backup.restored",
            data={"objects": report.objects, "files": report.files, "from": manifest["created_at"]},
        )
    except BaseException:
        for file_field, name in written:
            file_field.storage.delete(name)
        raise
    return report


def _check_manifest(manifest: dict) -> None:
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')} is not supported.")
    here = _applied_migrations()
    if manifest["migrations"] != here:
        differing = sorted(
            app
            for app in set(here) | set(manifest["migrations"])
            if here.get(app) != manifest["migrations"].get(app)
        )
        raise BackupError(
            "The backup was written by a different version of Legion (migrations differ in: "
            f"{', '.join(differing)}). Restore it with that version."
        )


def _reset_sequences(models: set[type[Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
