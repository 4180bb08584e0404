"""Development secrets, generated once into an ignored file (never used in production)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def _new() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "RESSURSVENN_FIELD_KEYS": Fernet.generate_key().decode(),
        # The backup key is a key of its own (never a field key): 32 random bytes, base64.
        "RESSURSVENN_BACKUP_KEYS": Fernet.generate_key().decode(),
    }


def load_or_create(path: Path) -> dict[str, str]:
    """Return the development secrets (SECRET_KEY, field key, backup key), creating them on
    first run; a file from before a secret existed gets the missing one added (the others are
    kept: data encrypted with them stays readable)."""
    data: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = {name: value for name, value in _new().items() if name not in data}
    if missing:
        data.update(missing)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2))
        path.chmod(0o600)
    return data
