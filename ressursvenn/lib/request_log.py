"""Logs without personal data: one JSON line per request, errors with a stack trace only.

`RequestLogMiddleware` writes one record per request on the `ressursvenn.request` logger:
request id (the proxy's `X-Request-ID` when it looks like one, else a new one; echoed in the
response), user id (never the e-mail), the role she acts in, method, path **without the query
string** and with token-like segments replaced by `[token]`, status and milliseconds.

`JsonFormatter` (python-json-logger) renders every record as one JSON object and
`RedactFilter` (on the handler) keeps personal data out of all of them:

- the `request` a Django error record carries is dropped (its repr holds the query string),
  and token-like path segments in the message are replaced;
- an exception keeps its type and its stack (file, line, function, source line) but not its
  message, which may quote a value (a database error names the row's values).

In development the text format shows exceptions in full; `LOG_FORMAT=json` (the default in
production) applies the rules above. docs/operations.md ("Logs") describes the fields.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable
from types import TracebackType
from typing import Any

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

logger = logging.getLogger("ressursvenn.request")

# A path segment that looks like a secret: 24 or more URL-safe characters (invitation and
# password-reset tokens, later one-time links). The app's own path words are at most 20 letters.
TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_\-:]{24,}(?=/|$|\s|\?)")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Attributes of a record that may hold the request and so its query string.
DROPPED = ("request",)


def redact_path(text: str) -> str:
    return TOKEN_SEGMENT.sub("[token]", text)


def request_id(request: HttpRequest) -> str:
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex


class RequestLogMiddleware:
    """One `ressursvenn.request` record per request (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        rid = request_id(request)
        request.request_id = rid  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        if logger.isEnabledFor(logging.INFO):
            user: Any = getattr(request, "user", None)
            membership = getattr(request, "membership", None)
            logger.info(
                "request",
                extra={
                    "request_id": rid,
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "role": getattr(membership, "role", None),
                    "method": request.method,
                    "path": redact_path(request.path),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response


class RedactFilter(logging.Filter):
    """Drops the request object and redacts tokens from every record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact_path(message)
        record.args = None
        for name in DROPPED:
            record.__dict__.pop(name, None)
        return True


def _stack(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """The stack of an exception and its type, without its message (it may quote values)."""
    frames = "".join(traceback.format_tb(tb))
    name = f"{exc_type.__module__}.{exc_type.__qualname__}"
    return f"Traceback (most recent call last):\n{frames}{name}: [message withheld]"


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per record: time, level, logger, message, the extra fields, and for
    an exception its type and stack without its message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's name
        exc_type, _value, tb = ei
        if exc_type is None:
            return ""
        return _stack(exc_type, tb)

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return stack_info
