"""Gunicorn settings of the `web` process (Procfile; docs/operations.md).

Every value comes from the environment, with defaults fit for a small server. The access log
holds no query string and no token: links in e-mails carry tokens (`?next=`, invitation and
password links), so the log writes the path only, with token-like path segments replaced.
"""

from __future__ import annotations

import os
import re
from typing import Any

from gunicorn.glogging import Logger


def _int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise SystemExit(f"{name} must be a whole number of at least {minimum}, not {raw!r}.")
    return value


wsgi_app = "ressursvenn.wsgi:application"
bind = [f"0.0.0.0:{_int('PORT', 8000, 1)}"]

# Processes × threads. Each worker is a process with its own database connections; threads
# serve requests that wait on the database or the network. Start with 2 × cores workers.
workers = _int("WEB_CONCURRENCY", 2, 1)
threads = _int("WEB_THREADS", 4, 1)
worker_class = "gthread"

# A request that takes longer than `timeout` seconds gets its worker restarted; on a restart or
# SIGTERM, workers get `graceful_timeout` seconds to finish the requests they are serving.
timeout = _int("WEB_TIMEOUT", 30, 1)
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30, 1)
keepalive = _int("WEB_KEEPALIVE", 5, 0)
# Each worker is replaced after about this many requests (jitter spreads the restarts), which
# bounds slow memory growth; 0 turns it off.
max_requests = _int("WEB_MAX_REQUESTS", 1000, 0)
max_requests_jitter = max_requests // 10

# No control socket (gunicorn 25+): its default path is one per user, so several instances on a
# machine would take each other's; the supervisor manages gunicorn with signals (HUP, TERM).
control_socket_disable = True

# Logs to standard output/error, where the process supervisor collects them.
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
# Time, method, path (never %(r)s or %(q)s: they hold the query string), status, bytes, duration.
# No client address, referrer or user agent: personal data the access log does not need.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# A path segment that looks like a secret: 24 or more URL-safe characters (secrets.token_urlsafe,
# Django's password reset tokens). The app's own path words are at most 20 letters.
TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_\-:]{24,}(?=/|$)")


def redact_path(path: str) -> str:
    return TOKEN_SEGMENT.sub("[token]", path)


class RedactingLogger(Logger):
    """Gunicorn's logger with token-like path segments removed from the access log."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(str(atoms.get("U") or ""))
        for name in ("r", "q", "f"):  # request line, query string, referrer: never logged
            atoms[name] = "-"
        return atoms


logger_class = RedactingLogger
