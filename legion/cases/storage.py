"""Where uploaded documents are kept: encrypted at rest, never under a web-served folder.

Every file is sealed with AES-256-GCM under the current field key (legion.crypto) as
it is written and opened as it is read, so the media folder, a disk image or a copy
of the object store holds no readable passport scan. `legion rotate-keys` re-seals
files in place under a new key.
"""

import os
import tempfile

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage
from storages.backends.s3 import S3Storage

from legion.crypto import MAGIC, NONCE_BYTES, DecryptionError, open_sealed, seal, sealed_key_id

FILE_CONTEXT = b"legion-document"
TAG_BYTES = 16


class EncryptedStorageMixin:
    """Mixed into a storage backend: seals on _save, opens on _open."""

    def _save(self, name: str, content: File) -> str:
        content.seek(0)
        sealed = seal(content.read(), context=FILE_CONTEXT)
        return super()._save(name, ContentFile(sealed))

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Encrypted documents are written with save(), not opened for writing")
        return ContentFile(open_sealed(self.read_sealed(name), context=FILE_CONTEXT), name=name)

    def size(self, name: str) -> int:
        """The size of the document, not of its sealed form."""
        with super()._open(name, "rb") as handle:
            header = handle.read(len(MAGIC) + 1 + 255)
        overhead = len(MAGIC) + 1 + len(sealed_key_id(header).encode()) + NONCE_BYTES + TAG_BYTES
        return super().size(name) - overhead

    def read_sealed(self, name: str) -> bytes:
        """The file as it is on disk (for backups and key rotation)."""
        with super()._open(name, "rb") as handle:
            return handle.read()

    def write_sealed(self, name: str, data: bytes) -> None:
        """Replace a file with already-sealed bytes, atomically where the backend allows
        (readers see the old or the new file, never half of one)."""
        if not data.startswith(MAGIC):
            raise DecryptionError("Refusing to store an unsealed document")
        try:
            path = self.path(name)
        except NotImplementedError:  # object stores: an overwrite replaces the object
            if self.exists(name):
                self.delete(name)
            super()._save(name, ContentFile(data))
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".reseal-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise


class EncryptedFileSystemStorage(EncryptedStorageMixin, FileSystemStorage):
    """Sealed files on local disk (the default)."""


class EncryptedS3Storage(EncryptedStorageMixin, S3Storage):
    """Sealed files on S3-compatible object storage (several nodes): the object store
    only ever receives ciphertext, so its operators and a leaked bucket see none."""


def document_storage() -> Storage:
    if settings.LEGION_S3_BUCKET:
        return EncryptedS3Storage(
            bucket_name=settings.LEGION_S3_BUCKET,
            endpoint_url=settings.LEGION_S3_ENDPOINT_URL,
            region_name=settings.LEGION_S3_REGION,
            access_key=settings.LEGION_S3_ACCESS_KEY_ID,
            secret_key=settings.LEGION_S3_SECRET_ACCESS_KEY,
            location=settings.LEGION_S3_PREFIX,
            # Never a public object, never replaced by an upload of the same name.
            default_acl=None,
            file_overwrite=False,
            querystring_auth=True,
        )
    # No location given: the storage follows settings.MEDIA_ROOT, also when tests change it.
    return EncryptedFileSystemStorage(file_permissions_mode=0o600, directory_permissions_mode=0o700)
