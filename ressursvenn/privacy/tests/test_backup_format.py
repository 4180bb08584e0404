"""The backup file format (privacy/backup.py) on its own: no database, small chunks.

Every single-byte change, every cut, a dropped, repeated or reordered chunk, a spliced header
and another key are refused; the same plaintext comes back otherwise."""

from __future__ import annotations

import base64
import io
import os
import secrets
import stat
from pathlib import Path
from typing import Any

import pytest

from ressursvenn.privacy import backup

CHUNK = 64
KEY = secrets.token_bytes(32)


def _seal(plain: bytes, *, key: bytes = KEY, chunk_size: int = CHUNK) -> bytes:
    out = io.BytesIO()
    written = backup.encrypt_stream(
        io.BytesIO(plain), out, key=key, vendor="sqlite", chunk_size=chunk_size
    )
    assert written == len(out.getvalue())
    return out.getvalue()


def _open(sealed: bytes, *, keys: list[bytes] | None = None) -> bytes:
    out = io.BytesIO()
    backup.decrypt_stream(io.BytesIO(sealed), out, keys=keys or [KEY])
    return out.getvalue()


def _header_size(sealed: bytes) -> int:
    return len(backup.read_header(io.BytesIO(sealed))[1])


def _chunks(sealed: bytes) -> tuple[bytes, list[bytes]]:
    size = _header_size(sealed)
    body = sealed[size:]
    step = CHUNK + backup.TAG_SIZE
    return sealed[:size], [body[i : i + step] for i in range(0, len(body), step)]


PLAIN = bytes(range(256)) * 2 + b"tail"  # 516 bytes: 8 full chunks and a short last one


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])
def test_round_trip_at_every_chunk_boundary(size: int) -> None:
    plain = secrets.token_bytes(size)
    sealed = _seal(plain)
    chunks = max(1, -(-size // CHUNK))
    assert len(sealed) == _header_size(sealed) + size + chunks * backup.TAG_SIZE
    assert _open(sealed) == plain


def test_header_names_the_key_by_id_never_the_key() -> None:
    sealed = _seal(PLAIN)
    header, raw = backup.read_header(io.BytesIO(sealed))
    assert (header.key_id, header.chunk_size, header.vendor) == (
        backup.key_id(KEY),
        CHUNK,
        "sqlite",
    )
    assert raw.startswith(backup.MAGIC + bytes([backup.VERSION]))
    assert KEY not in sealed
    assert base64.urlsafe_b64encode(KEY) not in sealed
    assert PLAIN[:32] not in sealed  # control on the content: it is not in the clear


def test_two_backups_of_the_same_data_differ() -> None:
    first, second = _seal(PLAIN), _seal(PLAIN)
    assert first[_header_size(first) :] != second[_header_size(second) :]
    assert (_open(first), _open(second)) == (PLAIN, PLAIN)


def test_every_single_byte_change_is_refused() -> None:
    sealed = _seal(PLAIN)
    for position in range(len(sealed)):
        changed = bytearray(sealed)
        changed[position] ^= 0x01
        with pytest.raises(backup.BackupError):
            _open(bytes(changed))


def test_every_cut_is_refused() -> None:
    sealed = _seal(PLAIN)
    for length in range(len(sealed)):
        with pytest.raises(backup.BackupError):
            _open(sealed[:length])


def test_a_changed_byte_in_the_header_says_why() -> None:
    sealed = _seal(PLAIN)
    offsets = {"magic": 0, "version": 8, "key id": 9, "nonce prefix": 17}
    messages = {}
    for name, offset in offsets.items():
        changed = bytearray(sealed)
        changed[offset] ^= 0x01
        with pytest.raises(backup.BackupError) as error:
            _open(bytes(changed))
        messages[name] = str(error.value).split(":")[0].split(";")[0]
    assert messages == {
        "magic": "This is not a Ressursvenn backup file.",
        "version": "This backup file has format version 0",
        "key id": "This backup was made with a key that is not in RESSURSVENN_BACKUP_KEYS (key id "
        + bytes(b ^ (1 if i == 0 else 0) for i, b in enumerate(backup.key_id(KEY))).hex()
        + ")",
        "nonce prefix": "The backup file is damaged or has been changed (or cut off)",
    }


@pytest.mark.parametrize(
    "rearrange",
    [
        pytest.param(lambda c: c[:-1], id="last chunk dropped"),
        pytest.param(lambda c: c[:3] + c[4:], id="middle chunk dropped"),
        pytest.param(lambda c: [c[1], c[0], *c[2:]], id="two chunks swapped"),
        pytest.param(lambda c: [*c[:2], c[1], *c[2:]], id="a chunk repeated"),
        pytest.param(lambda c: [*c, c[-1]], id="last chunk repeated"),
        pytest.param(lambda c: [*c, b"\x00" * 20], id="bytes appended"),
    ],
)
def test_chunks_dropped_reordered_or_added_are_refused(rearrange: Any) -> None:
    header, chunks = _chunks(_seal(PLAIN))
    assert len(chunks) == 9
    with pytest.raises(backup.BackupError, match="damaged"):
        _open(header + b"".join(rearrange(chunks)))


def test_a_header_from_another_backup_is_refused() -> None:
    header, chunks = _chunks(_seal(PLAIN))
    other_header, _ = _chunks(_seal(PLAIN))
    assert other_header != header
    with pytest.raises(backup.BackupError, match="damaged"):
        _open(other_header + b"".join(chunks))


def test_another_key_is_refused_and_rotation_keeps_old_backups_readable() -> None:
    sealed = _seal(PLAIN)
    newer = secrets.token_bytes(32)
    with pytest.raises(backup.BackupError, match="not in RESSURSVENN_BACKUP_KEYS"):
        _open(sealed, keys=[newer])
    assert _open(sealed, keys=[newer, KEY]) == PLAIN


def test_a_field_key_cannot_open_a_backup(settings: Any) -> None:
    field_keys = [backup.parse_key(key) for key in settings.RESSURSVENN_FIELD_KEYS]
    with pytest.raises(backup.BackupError, match="not in RESSURSVENN_BACKUP_KEYS"):
        _open(_seal(PLAIN), keys=field_keys)


def test_keys_are_32_bytes_of_base64() -> None:
    first, second = backup.new_key(), backup.new_key()
    assert first != second
    assert len(backup.parse_key(first)) == 32
    raw = secrets.token_bytes(32)
    standard = base64.b64encode(raw).decode()
    assert (
        backup.parse_key(standard)
        == raw
        == backup.parse_key(base64.urlsafe_b64encode(raw).decode())
    )
    for bad in ["", "not base64!", base64.b64encode(b"short").decode(), first[:-4]]:
        with pytest.raises(backup.BackupError, match="not a backup key"):
            backup.parse_key(bad)


def test_configured_keys_refuse_none_and_a_field_key(settings: Any) -> None:
    settings.RESSURSVENN_BACKUP_KEYS = []
    with pytest.raises(backup.BackupError, match="No backup key"):
        backup.backup_keys()
    settings.RESSURSVENN_BACKUP_KEYS = [backup.new_key(), settings.RESSURSVENN_FIELD_KEYS[0]]
    with pytest.raises(backup.BackupError, match="holds a field key"):
        backup.backup_keys()
    key = backup.new_key()
    settings.RESSURSVENN_BACKUP_KEYS = [key]
    assert backup.backup_keys() == [backup.parse_key(key)]


def test_the_development_backup_key_is_not_a_field_key(settings: Any) -> None:
    backup_keys = {backup.parse_key(key) for key in settings.RESSURSVENN_BACKUP_KEYS}
    field_keys = {base64.urlsafe_b64decode(key) for key in settings.RESSURSVENN_FIELD_KEYS}
    assert len(backup_keys) >= 1
    assert backup_keys.isdisjoint(field_keys)


def test_decrypt_file_leaves_no_plaintext_when_refused(tmp_path: Path) -> None:
    sealed = bytearray(_seal(PLAIN))
    sealed[-1] ^= 0x01
    (tmp_path / "changed.rvbackup").write_bytes(bytes(sealed))
    target = tmp_path / "plain"
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.decrypt_file(tmp_path / "changed.rvbackup", target, keys=[KEY])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["changed.rvbackup"]


def test_atomic_file_renames_at_the_end_with_mode_0600(tmp_path: Path) -> None:
    target = tmp_path / "out.rvbackup"
    with backup.atomic_file(target) as handle:
        handle.write(b"first")
        assert not target.exists()  # nothing under the final name until the end
    assert target.read_bytes() == b"first"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_atomic_file_keeps_the_old_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.rvbackup"
    target.write_bytes(b"old")

    def crash() -> None:
        with backup.atomic_file(target) as handle:
            handle.write(b"half")
            raise RuntimeError("crash halfway")

    with pytest.raises(RuntimeError):
        crash()
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.rvbackup"]


def test_private_directory_is_0700_and_removed_on_error() -> None:
    seen: list[Path] = []

    def crash() -> None:
        with backup.private_directory() as directory:
            seen.append(directory)
            assert stat.S_IMODE(directory.stat().st_mode) == 0o700
            (directory / "dump").write_bytes(b"plain")
            raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        crash()
    assert len(seen) == 1
    assert not seen[0].exists()


def test_prune_deletes_only_old_daily_backups_and_stale_partials(tmp_path: Path) -> None:
    import datetime

    today = datetime.date(2026, 12, 3)
    names = [
        "ressursvenn-2026-10-28.rvbackup",  # 36 days old: deleted
        "ressursvenn-2026-10-29.rvbackup",  # 35 days old: kept
        "ressursvenn-2026-12-03.rvbackup",
        ".ressursvenn-2026-12-02.rvbackup.abc123.partial",  # a crashed run of yesterday
        ".ressursvenn-2026-12-03.rvbackup.def456.partial",  # may be running now: kept
        "ressursvenn-2026-13-01.rvbackup",  # not a date
        "ressursvenn-2020-01-01.rvbackup.bak",
        "old-ressursvenn-2020-01-01.rvbackup",
        "notes.txt",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    removed = backup.prune(tmp_path, today, 35)
    assert sorted(p.name for p in removed) == [
        ".ressursvenn-2026-12-02.rvbackup.abc123.partial",
        "ressursvenn-2026-10-28.rvbackup",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        set(names) - {p.name for p in removed}
    )
