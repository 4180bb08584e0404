"""A person's request for access (innsyn): everything held about her, and who viewed it.

For a woman (her Referral) the crisis centre that referred her or the branch's group leader
(`privacy.handle_woman`); for a volunteer the group leader of her branch
(`privacy.handle_volunteer`). Everyone else is refused with 403 before anything is fetched
(the national coordinator and volunteers hold neither permission); a record outside the user's
scope is a 404 (`lib.access.fetch` on `visible_to`), and every page is a view of her record in
the access log. Each page and the download is written to the audit trail
(`actions_export.record_export`: the record and the format, no value).

- the page "Innsyn": everything held in words, printable (print.css hides the buttons);
- the JSON download (an attachment with a neutral name: the record's type and number);
- "Hvem har sett opplysningene om deg": the access log in plain language, for the woman herself
  (a staff member prints it and hands it over).
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ressursvenn.lib.access import fetch, require
from ressursvenn.participants.models import Referral
from ressursvenn.privacy import actions_export, export, people
from ressursvenn.reports.audit import norwegian_datetime
from ressursvenn.volunteers.models import Volunteer

WOMAN_PERM = "privacy.handle_woman"
VOLUNTEER_PERM = "privacy.handle_volunteer"

# kind → (model, permission, URL name prefix, file name stem)
KINDS: dict[str, tuple[type[models.Model], str, str, str]] = {
    people.WOMAN: (Referral, WOMAN_PERM, "woman", "innsyn-henvisning"),
    people.VOLUNTEER: (Volunteer, VOLUNTEER_PERM, "volunteer", "innsyn-ressursvenn"),
}


def _person(request: HttpRequest, kind: str, pk: int) -> Any:
    model, perm, _prefix, _stem = KINDS[kind]
    return fetch(request, model, pk, perm=perm)


def _links(kind: str, pk: int) -> dict[str, str]:
    """The URLs of her pages; erasure only where that page exists."""
    _model, _perm, prefix, _stem = KINDS[kind]
    links = {
        "page": reverse(f"privacy:{prefix}", args=[pk]),
        "json": reverse(f"privacy:{prefix}_json", args=[pk]),
        "views": reverse(f"privacy:{prefix}_views", args=[pk]),
        "record": reverse(
            "participants:detail" if kind == people.WOMAN else "volunteers:detail", args=[pk]
        ),
    }
    with contextlib.suppress(NoReverseMatch):
        links["erase"] = reverse(f"privacy:erase_{prefix}", args=[pk])
    return links


@require_safe
def _page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    person = _person(request, kind, pk)
    shown = export.person_page(kind, person)
    actions_export.record_export(person, by=request.user, fmt=actions_export.HTML)
    context = {"page": shown, "kind": kind, "links": _links(kind, person.pk)}
    return render(request, "privacy/person.html", context)


@require_safe
def _download(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    person = _person(request, kind, pk)
    data = export.export_json(export.export_person(kind, person))
    actions_export.record_export(person, by=request.user, fmt=actions_export.JSON)
    _model, _perm, _prefix, stem = KINDS[kind]
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{person.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def _views(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    person = _person(request, kind, pk)
    views = export.views_of(kind, person)
    actions_export.record_export(person, by=request.user, fmt=actions_export.VIEWS)
    context = {
        "views": views,
        "kind": kind,
        "title": export.page_title(kind, person),
        "links": _links(kind, person.pk),
        "made_at": norwegian_datetime(timezone.now()),
    }
    return render(request, "privacy/person_views.html", context)


# Permission first, so that everyone else is refused (403) whatever the method.


def woman(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, WOMAN_PERM)
    return _page(request, people.WOMAN, pk)


def woman_json(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, WOMAN_PERM)
    return _download(request, people.WOMAN, pk)


def woman_views(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, WOMAN_PERM)
    return _views(request, people.WOMAN, pk)


def volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, VOLUNTEER_PERM)
    return _page(request, people.VOLUNTEER, pk)


def volunteer_json(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, VOLUNTEER_PERM)
    return _download(request, people.VOLUNTEER, pk)


def volunteer_views(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, VOLUNTEER_PERM)
    return _views(request, people.VOLUNTEER, pk)
