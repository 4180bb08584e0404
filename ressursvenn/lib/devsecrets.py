"""Development secrets, generated once into an ignored file (never used in production)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def load_or_create(path: Path) -> dict[str, str]:
    """Return the development SECRET_KEY and field key, creating them on first run."""
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text())
        return data
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "RESSURSVENN_FIELD_KEYS": Fernet.generate_key().decode(),
    }
    path.write_text(json.dumps(data, indent=2))
    path.chmod(0o600)
    return data
