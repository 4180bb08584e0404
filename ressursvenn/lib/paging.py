"""Keyset paging for long logs, newest first: no COUNT over the whole table, no OFFSET.

A page holds `PAGE_SIZE` rows of a queryset ordered by (`at` descending, `id` descending).
The link to older rows carries the last row's position (`eldre=<microseconds>.<id>`), the
link to newer rows the first row's (`nyere=…`); each page is one indexed range query of
PAGE_SIZE + 1 rows (the extra row says whether there is more), whatever the log's length.
A cursor that does not parse is ignored (the newest page), so a tampered link only ever shows
rows the same query would show anyway.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest

OLDER = "eldre"
NEWER = "nyere"
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def encode(row: Any) -> str:
    delta = row.at - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}.{row.pk}"


def decode(value: str | None) -> tuple[datetime.datetime, int] | None:
    if not value:
        return None
    micros, _, pk = value.partition(".")
    try:
        at = EPOCH + datetime.timedelta(microseconds=int(micros))
        number = int(pk)
    except (ValueError, OverflowError):
        return None
    if number < 0:
        return None
    return at, number


@dataclass
class KeysetPage:
    object_list: list[Any] = field(default_factory=list)
    older: str | None = None
    """Cursor of the next page of older rows (None: this is the oldest page)."""
    newer: str | None = None
    """Cursor of the page of newer rows (None: this is the newest page)."""

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.older is not None or self.newer is not None

    @property
    def is_newest(self) -> bool:
        return self.newer is None


def keyset_page(request: HttpRequest, rows: QuerySet[Any], *, size: int | None = None) -> Any:
    """One page of `rows` (newest first by `at`, `id`) from the request's cursor."""
    size = size or int(settings.PAGE_SIZE)
    older = decode(request.GET.get(OLDER))
    newer = decode(request.GET.get(NEWER)) if older is None else None
    if newer is not None:
        at, pk = newer
        chunk = list(
            rows.filter(Q(at__gt=at) | Q(at=at, pk__gt=pk)).order_by("at", "id")[: size + 1]
        )
        more_newer = len(chunk) > size
        items = list(reversed(chunk[:size]))
        return KeysetPage(
            items,
            older=encode(items[-1]) if items else None,
            newer=encode(items[0]) if items and more_newer else None,
        )
    query = rows.order_by("-at", "-id")
    if older is not None:
        at, pk = older
        query = query.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    chunk = list(query[: size + 1])
    items = chunk[:size]
    return KeysetPage(
        items,
        older=encode(items[-1]) if len(chunk) > size else None,
        newer=encode(items[0]) if older is not None and items else None,
    )
