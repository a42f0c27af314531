"""Where uploaded documents are kept. Files never sit under a web-served folder."""

from django.core.files.storage import FileSystemStorage, Storage


def document_storage() -> Storage:
    # No location given: the storage follows settings.MEDIA_ROOT, also when tests change it.
    return FileSystemStorage()
