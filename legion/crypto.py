"""Encryption at rest for identity numbers and files (AES-256-GCM) and blind indexes.

A sealed value is  MAGIC | len(key id) | key id | 12-byte nonce | ciphertext+tag.
The key id travels with the value, so several keys can be live at once: the first
key in LEGION_FIELD_KEYS seals, every listed key opens. That is what lets
`legion rotate-keys` re-seal rows one by one without downtime.
"""

import base64
import hashlib
import hmac
import json
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


def seal_json(value: object) -> bytes:
    """A JSON value sealed as EncryptedJSONField stores it (for bulk paths such as COPY)."""
    return seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


class EncryptedJSONField(EncryptedTextField):
    """A JSON value stored sealed (its JSON text, encrypted); reads give back the value.
    For derived data that is as telling as its source (an applicant's normalised
    names and home, kept for matching). Not searchable."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is dict:
            kwargs.pop("default")
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return json.loads(open_sealed(bytes(value)))

    def to_python(self, value):
        if isinstance(value, (bytes, memoryview)):
            return json.loads(open_sealed(bytes(value)))
        if isinstance(value, str) and value.startswith(SERIALISED_PREFIX):
            return json.loads(open_sealed(base64.b64decode(value.removeprefix(SERIALISED_PREFIX))))
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if not isinstance(value, (bytes, memoryview)):
            value = seal_json(value)
        return connection.Database.Binary(value)

    def value_to_string(self, obj) -> str:
        text = json.dumps(self.value_from_object(obj), ensure_ascii=False)
        return SERIALISED_PREFIX + base64.b64encode(seal(text.encode())).decode()

    def formfield(self, **kwargs):
        from django import forms

        return forms.JSONField(**{"required": not self.blank, **kwargs})


def normalise_identity_number(value: str) -> str:
    """Passport and licence numbers compare without spaces, dashes or case."""
    return re.sub(r"[^0-9A-Z]", "", value.upper())


def normalise_email(value: str) -> str:
    """E-mail addresses compare without surrounding spaces or case (what the status-link
    request's case-insensitive match did before the address was sealed)."""
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    """Phone numbers compare by their digits, an international "00" prefix read as "+":
    "+44 1252 123-456" and "0044 1252 123456" are the same number."""
    digits = re.sub(r"\D", "", value)
    return digits[2:] if value.strip().startswith("00") else digits


NORMALISERS = {
    "identity_number": normalise_identity_number,
    "email": normalise_email,
    "phone": normalise_phone,
}


def value_index(value: str, domain: str, *, normalise: str = "identity_number") -> str:
    """The blind index of one value: the keyed hash of "<domain>:<normalised value>",
    "" for a value that normalises to nothing. The domain keeps a passport and a
    licence (or an e-mail and a phone) with the same characters apart."""
    normalised = NORMALISERS[normalise](value or "")
    return blind_index(f"{domain}:{normalised}") if normalised else ""


def identity_number_index(value: str, domain: str) -> str:
    """The blind index to look a number up by:
    filter(passport_number_index=identity_number_index(v, "passport"))."""
    return value_index(value, domain)


def email_index(value: str) -> str:
    """filter(email_index=email_index(v)): an applicant by e-mail address."""
    return value_index(value, "email", normalise="email")


def phone_index(value: str) -> str:
    """filter(phone_index=phone_index(v)): an applicant by phone number."""
    return value_index(value, "phone", normalise="phone")


class BlindIndexField(models.CharField):
    """The blind index of another (encrypted) field of the same row, kept in step with it
    on every save, so no code path can store a value without its index. `normalise`
    names the rule that decides which spellings are the same value (NORMALISERS)."""

    def __init__(
        self, *args, source: str, domain: str, normalise: str = "identity_number", **kwargs
    ) -> None:
        if normalise not in NORMALISERS:
            raise ValueError(f"Unknown normalisation {normalise!r}")
        self.source, self.domain, self.normalise = source, domain, normalise
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["domain"] = self.source, self.domain
        if self.normalise != "identity_number":
            kwargs["normalise"] = self.normalise
        for key, default in (("max_length", 40), ("blank", True), ("db_index", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def index_of(self, value: str) -> str:
        return value_index(value, self.domain, normalise=self.normalise)

    def pre_save(self, model_instance, add):
        value = self.index_of(getattr(model_instance, self.source) or "")
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
