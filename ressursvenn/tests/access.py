"""Vocabulary for the URL × role access matrix (see test_access_matrix.py).

Each app lists its URLs in `<app>/tests/access.py` as ENTRIES: url name → Entry. An Entry gives
the URL's arguments (built from the `world` fixture, always pointing at data of the *first*
branch / centre, so `other_*` principals must be refused while that data exists) and, for every
principal, the expected status of a GET and of an empty POST.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PRINCIPALS = (
    "anonymous",
    "unverified",  # password given, second factor not yet
    "coordinator",
    "leader",
    "other_leader",
    "staff",
    "other_staff",
    "volunteer",
)
SIGNED_IN = PRINCIPALS[2:]

# Statuses
OK = 200
REDIRECT = 302
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
GONE = 410

Expect = tuple[int, int]  # (GET, POST)


@dataclass(frozen=True)
class Entry:
    expect: dict[str, Expect]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})


def public(get: int = OK, post: int = OK) -> dict[str, Expect]:
    return dict.fromkeys(PRINCIPALS, (get, post))


def signed_in(
    allowed: dict[str, Expect], refused: Expect = (FORBIDDEN, FORBIDDEN)
) -> dict[str, Expect]:
    """Anonymous → login, unverified → second factor, listed principals as given, rest refused."""
    expect = {"anonymous": (REDIRECT, REDIRECT), "unverified": (REDIRECT, REDIRECT)}
    for principal in SIGNED_IN:
        expect[principal] = allowed.get(principal, refused)
    return expect


def everyone_signed_in(get: int = OK, post: int = OK) -> dict[str, Expect]:
    return signed_in(dict.fromkeys(SIGNED_IN, (get, post)))
