"""The one way a view fetches an object, checks the permission and logs the access.

Every view that shows or changes one row calls `fetch`:

1. the row comes from a queryset built on `Model.objects.visible_to(user)` — a row outside the
   user's scope is a 404, exactly like a missing one (a queryset that is not scoped is refused
   with ImproperlyConfigured, so a view cannot bypass the scope by accident);
2. the permission (`rules` predicate) is checked on the row — 403;
3. when the row is a person's record (its model defines `access_context(user)`), the access
   is written to the access log.

`visible_to` implementations mark their result with `scoped(queryset, user)`; the mark
survives `filter`, `select_related`, `annotate` and every other chained call.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.forms import Form
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ressursvenn.lib.audit import record_access

VISIBLE_TO = "ressursvenn_visible_to"

M = TypeVar("M", bound=models.Model)
Q = TypeVar("Q", bound=models.QuerySet[Any])


class PersonRecord(Protocol):
    """A model whose rows are a person's record: viewing one is written to the access log."""

    pk: Any

    def access_context(self, user: Any) -> tuple[str, Any]:
        """The role and organisation in which `user` looks at this record."""
        ...


def scoped(queryset: Q, user: Any) -> Q:
    """Mark `queryset` as limited to what `user` may see (called by every `visible_to`)."""
    hints: dict[str, Any] = getattr(queryset, "_hints", {})
    queryset._hints = {**hints, VISIBLE_TO: getattr(user, "pk", None)}  # type: ignore[attr-defined]
    return queryset


def is_scoped(queryset: models.QuerySet[Any], user: Any) -> bool:
    hints: dict[str, Any] = getattr(queryset, "_hints", {})
    return VISIBLE_TO in hints and hints[VISIBLE_TO] == getattr(user, "pk", None)


def require(request_or_user: Any, perm: str, obj: Any = None) -> None:
    """403 unless the user holds `perm` (on `obj` when given)."""
    user = getattr(request_or_user, "user", request_or_user)
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def log_access(
    request: HttpRequest, record: Any, *, role: str | None = None, organisation: Any = None
) -> None:
    """Write one view of a person's record to the access log.

    Without `role`, the record's own `access_context(user)` says in which role she looks."""
    if role is None:
        role, organisation = record.access_context(request.user)
    record_access(record, user=request.user, role=role, organisation=organisation)


def fetch(
    request: HttpRequest,
    source: type[M] | models.QuerySet[M],
    pk: Any,
    *,
    perm: str | None = None,
    log: bool = True,
) -> M:
    """The row `pk` if the user may see it (404) and holds `perm` on it (403); logged if a
    person's record and `log` is true (pass `log=False` on POST views that redirect)."""
    user = request.user
    if isinstance(source, type):
        queryset: models.QuerySet[M] = source._default_manager.visible_to(user)  # type: ignore[attr-defined]
    else:
        queryset = source
    if not is_scoped(queryset, user):
        raise ImproperlyConfigured(
            f"fetch() needs a queryset built on {queryset.model.__name__}.objects.visible_to(user)."
        )
    obj = get_object_or_404(queryset, pk=pk)
    if perm is not None:
        require(request, perm, obj)
    if log and hasattr(obj, "access_context"):
        log_access(request, obj)
    return obj


def add_errors(form: Form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Show an action's ValidationError next to the field it names, or above the form.

    `field_map` renames the action's field names to the form's where they differ."""
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            name = field_map.get(field, field)
            if name in form.errors:
                continue
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error)


def error_text(error: ValidationError) -> str:
    """An action's ValidationError as one sentence for a flash message."""
    return " ".join(str(message) for message in error.messages)


def paginate(request: HttpRequest, rows: Any, *, param: str = "page") -> Page:
    """One page of `rows` (settings.PAGE_SIZE a page); a bad page number gives the nearest."""
    return Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get(param))
