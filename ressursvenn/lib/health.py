"""Health endpoints for a load balancer or process supervisor (docs/operations.md).

`/healthz`: the process is up and answers (touches no database: a database outage must not make
a supervisor restart every healthy process). `/readyz`: the process can serve requests now (the
database answers `SELECT 1`, the cache takes a set and a get, the e-mail queue's table answers;
the age of the oldest queued message goes to the log, as a warning past
MAIL_QUEUE_WARN_SECONDS: a stuck worker does not make the web process unready). Both answer
only "ok" (200) or "not ok" (503): no version, no detail, nothing a visitor could learn from.
Operators find the reason in the log. Both are public, need no second factor, are never cached
and are exempt from the HTTPS redirect (`SECURE_REDIRECT_EXEMPT`), since load balancers probe
over plain HTTP.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def _public(view: View) -> View:
    """Open to anyone: no login (`login_not_required`) and no second factor (the `otp_exempt`
    marker accounts' middleware honours; lib sits below accounts and may not import it)."""
    marked: Any = login_not_required(never_cache(require_safe(view)))
    marked.otp_exempt = True
    return marked


def _answer(ready: bool) -> HttpResponse:
    return HttpResponse(
        "ok" if ready else "not ok",
        status=200 if ready else 503,
        content_type="text/plain; charset=utf-8",
    )


def database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("readyz: database unreachable (%s)", type(error).__name__)
        return False
    return row is not None and row[0] == 1


def cache_ready() -> bool:
    key = f"readyz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key)
        cache.delete(key)
    except Exception as error:  # every cache backend raises its own errors
        logger.warning("readyz: cache unreachable (%s)", type(error).__name__)
        return False
    if answered != value:
        logger.warning("readyz: the cache did not return what was stored")
        return False
    return True


def queue_ready() -> bool:
    from ressursvenn.lib.mailqueue import oldest_queued_age

    try:
        age = oldest_queued_age()
    except DatabaseError as error:
        logger.warning("readyz: the e-mail queue is unreachable (%s)", type(error).__name__)
        return False
    if age is not None and age > settings.MAIL_QUEUE_WARN_SECONDS:
        logger.warning("readyz: the oldest queued e-mail has waited %d s", age)
    return True


@_public
def healthz(request: HttpRequest) -> HttpResponse:
    return _answer(True)


@_public
def readyz(request: HttpRequest) -> HttpResponse:
    return _answer(database_ready() and cache_ready() and queue_ready())
