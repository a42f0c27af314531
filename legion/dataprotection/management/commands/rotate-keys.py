"""legion rotate-keys: re-seal all encrypted values and documents under the current key
(the first in LEGION_FIELD_KEYS). Safe to interrupt and run again; the app keeps running.

legion rotate-keys --new-key   # print a fresh key to put first in LEGION_FIELD_KEYS
legion rotate-keys --check     # count what is still under older keys (exit 1 if any)
legion rotate-keys             # re-seal, in committed batches
legion rotate-keys --reindex   # recompute blind indexes and identity keys (after
                               # LEGION_BLIND_INDEX_KEY changed)
"""

from django.core.management.base import BaseCommand, CommandError

from legion.crypto import field_keys, generate_key
from legion.dataprotection.keys import blind_indexes_rebuild, keys_rotate
from legion.identity.indexing import identity_keys_rebuild


class Command(BaseCommand):
    help = "Re-encrypt every sealed value and document under the current field key."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Only count what is left.")
        parser.add_argument("--new-key", action="store_true", help="Print a new key and stop.")
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Recompute blind indexes and identity keys, and stop.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(
        self, *args, check: bool, new_key: bool, reindex: bool, batch_size: int, **options
    ) -> None:
        ids = [key_id for key_id, _ in field_keys()]
        if new_key:
            number = 1 + max((int(k[1:]) for k in ids if k[1:].isdigit()), default=0)
            self.stdout.write(f"k{number}:{generate_key()}")
            self.stderr.write(
                f"Put it first in LEGION_FIELD_KEYS, keep {','.join(ids)} after it, restart, "
                "then run `legion rotate-keys`."
            )
            return
        if batch_size < 1:
            raise CommandError("--batch-size must be positive", returncode=2)
        if reindex:
            changed = blind_indexes_rebuild(batch_size=batch_size)
            self.stdout.write(f"Recomputed blind indexes: {changed} changed.")
            rekeyed = identity_keys_rebuild(batch_size=batch_size)
            self.stdout.write(f"Recomputed identity keys of {rekeyed} applicants and entries.")
            return
        report = keys_rotate(batch_size=batch_size, dry_run=check)
        if check:
            self.stdout.write(
                f"Under older keys: {report.values_left} values, {report.files_left} files "
                f"(current key {ids[0]})."
            )
            if not report.done:
                raise CommandError("Rotation not finished: run `legion rotate-keys`.", returncode=1)
            return
        self.stdout.write(
            f"Re-sealed {report.values_resealed} values and {report.files_resealed} files "
            f"under key {ids[0]}. Keys {', '.join(ids[1:]) or '(none)'} can now be removed "
            "once `legion rotate-keys --check` reports nothing left."
        )
