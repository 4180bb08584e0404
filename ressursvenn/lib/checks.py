"""System checks of the project's own settings, run by every `manage.py` command at start.

Registered in `LibConfig.ready`. They hold in every environment: a bad field key would only
show when the first encrypted value is read or written, long after the deploy.
"""

from __future__ import annotations

import binascii
from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error

FIELD_KEYS_ID = "ressursvenn.E001"
CACHE_ID = "ressursvenn.E002"
# Caches that hold per process (or nothing): rate limits would not hold across processes.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def _is_fernet_key(key: Any) -> bool:
    if not isinstance(key, str):
        return False
    try:
        Fernet(key.encode())
    except (ValueError, TypeError, binascii.Error):
        return False
    return True


def check_field_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every entry of RESSURSVENN_FIELD_KEYS is a valid Fernet key (32 url-safe base64 bytes).

    The message names the position of a bad key, never the key itself."""
    keys = getattr(settings, "RESSURSVENN_FIELD_KEYS", None)
    if not keys:
        return [
            Error(
                "RESSURSVENN_FIELD_KEYS holds no key.",
                hint="Set RESSURSVENN_FIELD_KEYS to one or more Fernet keys, newest first.",
                id=FIELD_KEYS_ID,
            )
        ]
    return [
        Error(
            f"RESSURSVENN_FIELD_KEYS entry {position} is not a valid Fernet key.",
            hint=(
                "Each key is 32 bytes in url-safe base64, made with "
                "cryptography.fernet.Fernet.generate_key()."
            ),
            id=FIELD_KEYS_ID,
        )
        for position, key in enumerate(keys, start=1)
        if not _is_fernet_key(key)
    ]


def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In production the default cache is shared by every process (Redis or the database):
    the public form's rate limit must hold across processes and machines."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) holds per process in production.",
            hint="Set REDIS_URL, or leave it empty to use the database cache.",
            id=CACHE_ID,
        )
    ]


MAIL_ID = "ressursvenn.E003"
# Delivery backends that send nothing anywhere: in production the queue would be emptied into
# nothing, silently.
NON_DELIVERING = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


def check_mail_delivery(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """EMAIL_BACKEND (the environment variable: the backend the worker delivers with) names an
    importable backend that is not the queue itself, and in production one that delivers."""
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.module_loading import import_string

    from ressursvenn.lib.mailqueue import check_delivery_backend

    hint = "Set EMAIL_BACKEND to e.g. django.core.mail.backends.smtp.EmailBackend."
    try:
        backend = check_delivery_backend()
        import_string(backend)
    except ImproperlyConfigured as error:
        return [Error(str(error), hint=hint, id=MAIL_ID)]
    except ImportError:
        return [Error(f"EMAIL_BACKEND {backend!r} cannot be imported.", hint=hint, id=MAIL_ID)]
    if getattr(settings, "PRODUCTION", False) and backend in NON_DELIVERING:
        return [
            Error(
                f"EMAIL_BACKEND {backend.rsplit('.', 2)[-2]} delivers no e-mail in production.",
                hint=hint,
                id=MAIL_ID,
            )
        ]
    return []


DATABASE_ID = "ressursvenn.E004"


def check_database_reachable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The database answers (a `database` check: `migrate` runs it first, so the release step
    stops with one clear line instead of a traceback). Names the host, never the password."""
    from django.db import DatabaseError, connections

    errors: list[CheckMessage] = []
    for alias in kwargs.get("databases") or []:
        connection = connections[alias]
        try:
            connection.ensure_connection()
        except DatabaseError as error:
            where = connection.settings_dict.get("HOST") or connection.settings_dict.get("NAME")
            port = connection.settings_dict.get("PORT")
            errors.append(
                Error(
                    f"The database {alias!r} at {where}{':' + str(port) if port else ''} "
                    f"cannot be reached ({type(error).__name__}).",
                    hint="Check DATABASE_URL and that the database server is running.",
                    id=DATABASE_ID,
                )
            )
    return errors
