"""Encryption at rest: nothing readable in the database, key rotation, refused lookups, bad keys."""

from __future__ import annotations

import secrets
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from ressursvenn.accounts.models import User
from ressursvenn.lib import crypto
from ressursvenn.tests.factories import UserFactory


def _key() -> str:
    return Fernet.generate_key().decode()


def _raw_row(user_id: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, full_name FROM accounts_user WHERE id = %s", [user_id])
        phone, full_name = cursor.fetchone()
    return phone, full_name


def _sqlite_bytes() -> bytes:
    """The bytes of the SQLite database file and its write-ahead log, after a checkpoint."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(FULL)")
    name = Path(str(connection.settings_dict["NAME"]))
    assert name.is_file(), f"the test database must be a file, not {name}"
    data = name.read_bytes()
    wal = name.with_name(name.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


@pytest.mark.django_db(transaction=True)
def test_canary_is_not_in_the_raw_database() -> None:
    canary = f"CANARY-{secrets.token_hex(8)}"
    plain = f"PLAIN-{secrets.token_hex(8)}"
    user = UserFactory(full_name=plain, phone=canary, totp=False)

    user.refresh_from_db()
    assert user.phone == canary  # reads back through the field

    phone, full_name = _raw_row(user.pk)
    assert phone.startswith(crypto.PREFIX)
    assert canary not in phone
    assert full_name == plain  # control: the raw read sees unencrypted values

    if connection.vendor == "sqlite":
        data = _sqlite_bytes()
        assert plain.encode() in data  # control: the scan would find a plaintext value
        assert canary.encode() not in data
    else:
        assert connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM accounts_user WHERE phone LIKE %s OR full_name LIKE %s",
                [f"%{canary}%", f"%{plain}%"],
            )
            (matches,) = cursor.fetchone()
        assert matches == 1  # only the plaintext control matches, never the canary


@pytest.mark.django_db
def test_rotation_reencrypts_every_value_with_the_newest_key(settings: Any) -> None:
    old, new = _key(), _key()
    settings.RESSURSVENN_FIELD_KEYS = [old]
    phones = [f"+47 9{n:07d}" for n in range(3)]
    users = [UserFactory(phone=phone, totp=False) for phone in phones]
    empty = UserFactory(phone="", totp=False)
    before = {user.pk: _raw_row(user.pk)[0] for user in users}

    settings.RESSURSVENN_FIELD_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "accounts.User: 3 values rotated" in out.getvalue()

    settings.RESSURSVENN_FIELD_KEYS = [new]
    for user, phone in zip(users, phones, strict=True):
        stored = _raw_row(user.pk)[0]
        assert stored != before[user.pk]
        assert (
            Fernet(new.encode()).decrypt(stored.removeprefix(crypto.PREFIX).encode()).decode()
            == phone
        )
        assert User.objects.get(pk=user.pk).phone == phone
    assert _raw_row(empty.pk)[0] == ""
    assert User.objects.get(pk=empty.pk).phone == ""

    # Running it again is harmless.
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "accounts.User: 3 values rotated" in out.getvalue()
    assert sorted(User.objects.filter(pk__in=before).values_list("phone", flat=True)) == phones


@pytest.mark.django_db
def test_without_rotation_the_old_values_cannot_be_read(settings: Any) -> None:
    settings.RESSURSVENN_FIELD_KEYS = [_key()]
    user = UserFactory(phone="+47 91234567", totp=False)
    settings.RESSURSVENN_FIELD_KEYS = [_key()]
    with pytest.raises(ImproperlyConfigured, match="RESSURSVENN_FIELD_KEYS"):
        User.objects.get(pk=user.pk)


@pytest.mark.parametrize(
    "lookup", ["icontains", "contains", "startswith", "iexact", "in", "gt", "regex"]
)
def test_lookups_other_than_exact_and_isnull_are_refused(lookup: str) -> None:
    value: Any = ["x"] if lookup == "in" else "x"
    with pytest.raises(TypeError, match="Encrypted fields cannot be looked up"):
        User.objects.filter(**{f"phone__{lookup}": value})


@pytest.mark.django_db
def test_exact_and_isnull_are_allowed_and_empty_round_trips() -> None:
    user = UserFactory(phone="", totp=False)
    assert _raw_row(user.pk)[0] == ""
    assert User.objects.get(pk=user.pk).phone == ""
    assert User.objects.filter(phone="").filter(phone__isnull=False).get() == user


def test_none_and_empty_pass_through_the_field() -> None:
    field = User._meta.get_field("phone")
    assert field.get_prep_value(None) is None
    assert field.get_prep_value("") == ""
    assert field.from_db_value(None, None, connection) is None
    assert field.from_db_value("", None, connection) == ""
    stored = field.get_prep_value("hemmelig")
    assert stored.startswith(crypto.PREFIX)
    assert "hemmelig" not in stored
    assert field.from_db_value(stored, None, connection) == "hemmelig"


def test_encryption_is_randomised() -> None:
    assert crypto.encrypt("samme") != crypto.encrypt("samme")


@pytest.mark.parametrize("keys", [["ikke-en-nøkkel"], ["", _key()], [_key(), "x" * 44], []])
def test_an_invalid_key_is_refused(settings: Any, keys: list[str]) -> None:
    settings.RESSURSVENN_FIELD_KEYS = keys
    with pytest.raises(ImproperlyConfigured, match="RESSURSVENN_FIELD_KEYS"):
        crypto.encrypt("x")


def test_a_value_without_the_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="not encrypted"):
        crypto.decrypt("klartekst")
