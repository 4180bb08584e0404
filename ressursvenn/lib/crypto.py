"""Field encryption at rest: Fernet (AES-128-CBC + HMAC) with key rotation via MultiFernet.

Keys come from settings.RESSURSVENN_FIELD_KEYS (newest first) and are independent of SECRET_KEY.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class EncryptedJSONField(models.TextField):
    """A list of strings (e.g. area codes) stored as ``enc1:`` + Fernet of its JSON.

    Reads back as a Python list. An empty list is stored as the empty string, so the many rows
    without a value cost no decryption (the matching adapter reads 20,000 volunteers at once);
    that a row holds *some* value is therefore visible in the database, never which. Like
    ``EncryptedTextField`` it cannot be filtered, ordered or indexed on: code that needs the
    values reads them and decides in Python.
    """

    description = "Encrypted JSON list"
    encrypted = True
    # For django-stubs: the attribute takes and gives a list, not a str.
    _pyi_private_set_type: list[Any] | tuple[Any, ...] | None  # type: ignore[assignment]
    _pyi_private_get_type: list[Any]  # type: ignore[assignment]

    def from_db_value(
        self, value: str | None, expression: Any, connection: Any
    ) -> list[Any] | None:
        if value is None:
            return None
        return decrypt_json(value)

    def to_python(self, value: Any) -> list[Any] | None:
        if value is None or isinstance(value, list):
            return value
        if isinstance(value, tuple | set | frozenset):
            return list(value)
        if isinstance(value, str):
            if value.startswith(PREFIX) or value == "":
                return decrypt_json(value)
            try:
                parsed = json.loads(value)
            except ValueError:
                raise ValidationError(_("Ugyldig liste."), code="invalid") from None
            if isinstance(parsed, list):
                return parsed
        raise ValidationError(_("Ugyldig liste."), code="invalid")

    def get_prep_value(self, value: Any) -> str | None:
        value = models.Field.get_prep_value(self, value)
        if value is None:
            return None
        value = self.to_python(value)
        if not value:
            return ""
        return encrypt(json.dumps(value, ensure_ascii=False))

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj) or [], ensure_ascii=False)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull", "exact"}:
            raise TypeError(f"Encrypted fields cannot be looked up with {lookup_name!r}.")
        return super().get_lookup(lookup_name)


def decrypt_json(stored: str) -> list[Any]:
    """The list an ``EncryptedJSONField`` stored (raw column value; "" is the empty list)."""
    if stored == "":
        return []
    value = json.loads(decrypt(stored))
    if not isinstance(value, list):
        raise ValueError("An encrypted list field holds something other than a list.")
    return value


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [
        field.attname for field in model._meta.concrete_fields if getattr(field, "encrypted", False)
    ]


def encrypt_json_column(schema_editor: Any, model: type[models.Model], column: str) -> None:
    """Data migration step: encrypt a column of plain JSON lists in place (run after the
    column became text). Raw SQL, so the field's own conversion does not get in the way;
    values already encrypted are left as they are."""
    _rewrite_column(schema_editor, model, column, _encrypt_raw)


def decrypt_json_column(schema_editor: Any, model: type[models.Model], column: str) -> None:
    """Reverse of ``encrypt_json_column``: plain JSON lists again (``[]`` for empty)."""
    _rewrite_column(schema_editor, model, column, _decrypt_raw)


def _encrypt_raw(value: str) -> str:
    if value.startswith(PREFIX):
        return value
    items = json.loads(value) if value.strip() else []
    if not isinstance(items, list):
        raise ValueError("A JSON list column holds something other than a list.")
    return encrypt(json.dumps(items, ensure_ascii=False)) if items else ""


def _decrypt_raw(value: str) -> str:
    if value.startswith(PREFIX) or value == "":
        return json.dumps(decrypt_json(value), ensure_ascii=False)
    return value


def _rewrite_column(
    schema_editor: Any, model: type[models.Model], column: str, convert: Any
) -> None:
    connection = schema_editor.connection
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = connection.ops.quote_name(column)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {quoted} FROM {table} WHERE {quoted} IS NOT NULL")  # noqa: S608
        rows = cursor.fetchall()
        for row_pk, value in rows:
            new = convert(value if isinstance(value, str) else json.dumps(value))
            if new != value:
                cursor.execute(
                    f"UPDATE {table} SET {quoted} = %s WHERE {pk} = %s",  # noqa: S608
                    [new, row_pk],
                )
