"""Encryption at rest for identity numbers and files (AES-256-GCM) and blind indexes.

A sealed value is  MAGIC | len(key id) | key id | 12-byte nonce | ciphertext+tag.
The key id travels with the value, so several keys can be live at once: the first
key in LEGION_FIELD_KEYS seals, every listed key opens. That is what lets
`legion rotate-keys` re-seal rows one by one without downtime.
"""

import base64
import hashlib
import hmac
import os
import re
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

MAGIC = b"LG1"
NONCE_BYTES = 12
SERIALISED_PREFIX = "sealed:"


class DecryptionError(Exception):
    pass


@cache
def _parse_keys(spec: str) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for item in spec.split(","):
        key_id, sep, encoded = item.strip().partition(":")
        if not sep or not key_id or len(key_id) > 32:
            raise ImproperlyConfigured("LEGION_FIELD_KEYS must look like 'id:base64key,...'")
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if len(raw) != 32:
            raise ImproperlyConfigured(f"Key {key_id!r} in LEGION_FIELD_KEYS is not 32 bytes")
        keys.append((key_id, raw))
    return tuple(keys)


def field_keys() -> tuple[tuple[str, bytes], ...]:
    return _parse_keys(settings.LEGION_FIELD_KEYS)


def current_key_id() -> str:
    return field_keys()[0][0]


def generate_key() -> str:
    """A new key in the LEGION_FIELD_KEYS item format, without its id."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def seal(plaintext: bytes, *, context: bytes = b"") -> bytes:
    """Encrypt with the current key; `context` is bound as associated data."""
    key_id, key = field_keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    kid = key_id.encode()
    return MAGIC + bytes([len(kid)]) + kid + nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def sealed_key_id(token: bytes) -> str:
    if not token.startswith(MAGIC):
        raise DecryptionError("Not a sealed value")
    length = token[len(MAGIC)]
    return token[len(MAGIC) + 1 : len(MAGIC) + 1 + length].decode()


def open_sealed(token: bytes, *, context: bytes = b"") -> bytes:
    key_id = sealed_key_id(token)
    keys = dict(field_keys())
    if key_id not in keys:
        raise DecryptionError(f"Key {key_id!r} is not configured")
    start = len(MAGIC) + 1 + len(key_id.encode())
    nonce, ciphertext = token[start : start + NONCE_BYTES], token[start + NONCE_BYTES :]
    try:
        return AESGCM(keys[key_id]).decrypt(nonce, ciphertext, context)
    except Exception as exc:  # InvalidTag: altered data or wrong key
        raise DecryptionError("Sealed value failed authentication") from exc


def blind_index(value: str) -> str:
    """Keyed hash for exact lookups of an encrypted value, after normalisation by the caller."""
    key = settings.LEGION_BLIND_INDEX_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:40]


class EncryptedTextField(models.BinaryField):
    """Text stored sealed; reads give back str. Not searchable: pair it with a blind index."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("editable", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def _check_str_default_value(self):
        return []  # the default is plaintext "", sealed on save like any other value

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return open_sealed(bytes(value)).decode()

    def to_python(self, value):
        if isinstance(value, (bytes, memoryview)):
            return open_sealed(bytes(value)).decode()
        if isinstance(value, str) and value.startswith(SERIALISED_PREFIX):
            return open_sealed(base64.b64decode(value.removeprefix(SERIALISED_PREFIX))).decode()
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if isinstance(value, str):
            value = seal(value.encode())
        return connection.Database.Binary(value)

    def value_to_string(self, obj) -> str:
        # Serialised (dumpdata, backups) still sealed: a dump must not hold plaintext.
        sealed = seal(self.value_from_object(obj).encode())
        return SERIALISED_PREFIX + base64.b64encode(sealed).decode()

    def formfield(self, **kwargs):
        from django import forms

        return forms.CharField(**{"required": not self.blank, **kwargs})


def normalise_identity_number(value: str) -> str:
    """Passport and licence numbers compare without spaces, dashes or case."""
    return re.sub(r"[^0-9A-Z]", "", value.upper())


def identity_number_index(value: str, domain: str) -> str:
    """The blind index to look a number up by:
    filter(passport_number_index=identity_number_index(v, "passport")). The domain keeps
    a passport and a licence with the same characters apart."""
    normalised = normalise_identity_number(value or "")
    return blind_index(f"{domain}:{normalised}") if normalised else ""


class BlindIndexField(models.CharField):
    """The blind index of another (encrypted) field of the same row, kept in step with it
    on every save, so no code path can store a number without its index."""

    def __init__(self, *args, source: str, domain: str, **kwargs) -> None:
        self.source, self.domain = source, domain
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["domain"] = self.source, self.domain
        for key, default in (("max_length", 40), ("blank", True), ("db_index", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = identity_number_index(getattr(model_instance, self.source) or "", self.domain)
        setattr(model_instance, self.attname, value)
        return value


def blind_index_fields() -> list[tuple[type[models.Model], BlindIndexField]]:
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, BlindIndexField)
    ]


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every EncryptedTextField of every installed model (what rotate-keys re-seals)."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
