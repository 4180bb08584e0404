"""Field encryption at rest: Fernet (AES-128-CBC + HMAC) with key rotation via MultiFernet.

Keys come from settings.RESSURSVENN_FIELD_KEYS (newest first) and are independent of SECRET_KEY.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"


@cache
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            f"RESSURSVENN_FIELD_KEYS holds an invalid key: {error}"
        ) from None


def fernet() -> MultiFernet:
    return _multifernet(tuple(settings.RESSURSVENN_FIELD_KEYS))


def encrypt(plaintext: str) -> str:
    return PREFIX + fernet().encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("Value is not encrypted with a field key.")
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with any key in RESSURSVENN_FIELD_KEYS."
        ) from None


def rotate(stored: str) -> str:
    """Re-encrypt a stored value with the newest key."""
    return PREFIX + fernet().rotate(stored[len(PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; it cannot be filtered, ordered or indexed on."""

    description = "Encrypted text"
    encrypted = True

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull", "exact"}:
            raise TypeError(f"Encrypted fields cannot be looked up with {lookup_name!r}.")
        return super().get_lookup(lookup_name)


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [
        field.attname for field in model._meta.concrete_fields if getattr(field, "encrypted", False)
    ]
