"""Encryption at rest: nothing readable in the database, key rotation, refused lookups, bad keys."""

from __future__ import annotations

import json
import secrets
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import connection

from ressursvenn.accounts.models import User
from ressursvenn.lib import crypto
from ressursvenn.lib.audit import MASK, diff, masked_fields, snapshot
from ressursvenn.participants.models import Referral
from ressursvenn.tests import factories
from ressursvenn.tests.factories import UserFactory
from ressursvenn.volunteers.models import Volunteer


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


# --- EncryptedJSONField (areas to avoid, conflict areas) -------------------------------------


def _raw_areas(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        (value,) = cursor.fetchone()
    return value


def _area_rows(world: Any) -> tuple[Any, Any]:
    referral = factories.referral(world.centre, world.branch, excluded_areas=["030101", "3201"])
    volunteer = factories.volunteer(world.branch, conflict_areas=["1806"])
    return referral, volunteer


def test_json_list_field_round_trips_and_hides_the_codes(world: Any) -> None:
    referral, volunteer = _area_rows(world)
    raw_referral = _raw_areas("participants_referral", "excluded_areas", referral.pk)
    raw_volunteer = _raw_areas("volunteers_volunteer", "conflict_areas", volunteer.pk)
    for raw, codes in ((raw_referral, ["030101", "3201"]), (raw_volunteer, ["1806"])):
        assert raw.startswith(crypto.PREFIX)
        for code in codes:
            assert code not in raw
    referral.refresh_from_db()
    volunteer.refresh_from_db()
    assert (referral.excluded_areas, volunteer.conflict_areas) == (["030101", "3201"], ["1806"])


def test_json_list_field_stores_an_empty_list_as_empty_text(world: Any) -> None:
    referral = factories.referral(world.centre, world.branch)
    assert _raw_areas("participants_referral", "excluded_areas", referral.pk) == ""
    assert Referral.objects.get(pk=referral.pk).excluded_areas == []
    assert list(Referral.objects.filter(excluded_areas=[])) == [referral]


def test_json_list_field_conversions() -> None:
    field = Referral._meta.get_field("excluded_areas")
    assert field.get_prep_value(None) is None
    assert field.get_prep_value([]) == ""
    assert field.get_prep_value(()) == ""
    stored = field.get_prep_value(("0301", "Tromsø"))
    assert stored.startswith(crypto.PREFIX)
    assert field.from_db_value(stored, None, connection) == ["0301", "Tromsø"]
    assert field.from_db_value("", None, connection) == []
    assert field.from_db_value(None, None, connection) is None
    assert field.to_python('["0301"]') == ["0301"]
    assert field.to_python(stored) == ["0301", "Tromsø"]
    with pytest.raises(ValidationError):
        field.to_python('{"not": "a list"}')
    with pytest.raises(ValueError, match="not encrypted"):
        field.from_db_value('["0301"]', None, connection)


@pytest.mark.parametrize("lookup", ["contains", "icontains", "in", "startswith"])
def test_json_list_field_refuses_lookups(lookup: str) -> None:
    with pytest.raises(TypeError, match="Encrypted fields cannot be looked up"):
        Referral.objects.filter(**{f"excluded_areas__{lookup}": ["0301"]})


def test_json_list_fields_are_encrypted_for_audit_and_rotation() -> None:
    assert "excluded_areas" in crypto.encrypted_fields(Referral)
    assert "conflict_areas" in crypto.encrypted_fields(Volunteer)
    assert {"excluded_areas"} <= masked_fields(Referral)
    assert {"conflict_areas"} <= masked_fields(Volunteer)


def test_json_list_field_changes_are_masked_in_the_audit_trail(world: Any) -> None:
    volunteer = factories.volunteer(world.branch, conflict_areas=["1806"])
    before = snapshot(volunteer, ["conflict_areas"])
    volunteer.conflict_areas = ["0301", "3201"]
    changes = diff(Volunteer, before, snapshot(volunteer, ["conflict_areas"]))
    assert changes == {"conflict_areas": [MASK, MASK]}


def test_rotation_reencrypts_json_lists(world: Any, settings: Any) -> None:
    old, new = _key(), _key()
    settings.RESSURSVENN_FIELD_KEYS = [old]
    referral, volunteer = _area_rows(world)
    empty = factories.referral(world.centre, world.branch)
    before = _raw_areas("participants_referral", "excluded_areas", referral.pk)

    settings.RESSURSVENN_FIELD_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    # two first names and one list of areas; the empty list is not rewritten
    assert "participants.Referral: 3 values rotated" in out.getvalue()

    settings.RESSURSVENN_FIELD_KEYS = [new]
    stored = _raw_areas("participants_referral", "excluded_areas", referral.pk)
    assert stored != before
    plain = Fernet(new.encode()).decrypt(stored.removeprefix(crypto.PREFIX).encode()).decode()
    assert json.loads(plain) == ["030101", "3201"]
    assert Referral.objects.get(pk=referral.pk).excluded_areas == ["030101", "3201"]
    assert Volunteer.objects.get(pk=volunteer.pk).conflict_areas == ["1806"]
    assert _raw_areas("participants_referral", "excluded_areas", empty.pk) == ""


def test_data_migration_encrypts_plain_lists_and_reverses(world: Any) -> None:
    """The migrations' steps (``encrypt_json_column`` / ``decrypt_json_column``) on rows that
    still hold plain JSON, as before the migration."""
    referral, volunteer = _area_rows(world)
    empty = factories.referral(world.centre, world.branch)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE participants_referral SET excluded_areas = %s WHERE id = %s",
            ['["030101", "3201"]', referral.pk],
        )
        cursor.execute(
            "UPDATE participants_referral SET excluded_areas = %s WHERE id = %s",
            ["[]", empty.pk],
        )

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    crypto.encrypt_json_column(editor, Referral, "excluded_areas")
    raw = _raw_areas("participants_referral", "excluded_areas", referral.pk)
    assert raw.startswith(crypto.PREFIX)
    assert "3201" not in raw
    assert _raw_areas("participants_referral", "excluded_areas", empty.pk) == ""
    assert Referral.objects.get(pk=referral.pk).excluded_areas == ["030101", "3201"]
    crypto.encrypt_json_column(editor, Referral, "excluded_areas")  # running again: no change
    assert _raw_areas("participants_referral", "excluded_areas", referral.pk) == raw

    crypto.decrypt_json_column(editor, Referral, "excluded_areas")
    assert json.loads(_raw_areas("participants_referral", "excluded_areas", referral.pk)) == [
        "030101",
        "3201",
    ]
    assert _raw_areas("participants_referral", "excluded_areas", empty.pk) == "[]"
    crypto.encrypt_json_column(editor, Volunteer, "conflict_areas")  # already encrypted: kept
    assert Volunteer.objects.get(pk=volunteer.pk).conflict_areas == ["1806"]
