"""Erasure on request: the page that says what will happen, and the POST that does it.

The role is checked first (`privacy.handle_woman` / `privacy.handle_volunteer`: 403 for the
national coordinator, volunteers and, for a volunteer, crisis-centre staff), then the person
is fetched through `visible_to` (404 outside the user's centre or branch). The page writes the
access log (it shows who she is); the POST does not (it redirects).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ressursvenn.lib.access import add_errors, fetch, require
from ressursvenn.participants.models import Referral
from ressursvenn.privacy import actions
from ressursvenn.privacy.anonymise import plan
from ressursvenn.privacy.forms import ErasureForm
from ressursvenn.privacy.people import VOLUNTEER, WOMAN
from ressursvenn.volunteers.models import Volunteer


def _page(
    request: HttpRequest, kind: str, person: Any, form: ErasureForm, *, status: int = 200
) -> HttpResponse:
    items = plan(kind, person) if person.anonymised_at is None else []
    context = {
        "kind": kind,
        "person": person,
        "form": form,
        "problem": actions.erasure_problem(kind, person),
        "deleted": [item for item in items if item.delete],
        "cleared": [item for item in items if not item.delete],
        "kept": [item for item in items if item.kept],
    }
    return render(request, "privacy/erase.html", context, status=status)


def _erase(
    request: HttpRequest,
    kind: str,
    person: Any,
    erase: Callable[..., Any],
    done: str,
    to: str,
) -> HttpResponse:
    """GET: the page; POST: erase through `erase` and go to `to` with the message `done`."""
    if request.method != "POST":
        return _page(request, kind, person, ErasureForm())
    form = ErasureForm(request.POST)
    if form.is_valid():
        try:
            erase(person, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done % {"number": person.pk})
            return redirect(to)
    return _page(request, kind, person, form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def erase_woman(request: HttpRequest, pk: int) -> HttpResponse:
    perm = "privacy.handle_woman"
    require(request, perm)
    referrals = Referral.objects.visible_to(request.user).select_related("centre", "branch")
    referral = fetch(request, referrals, pk, perm=perm, log=request.method != "POST")
    done = _("Personopplysningene i henvisning %(number)s er slettet.")
    return _erase(request, WOMAN, referral, actions.erase_woman, done, "participants:list")


@require_http_methods(["GET", "HEAD", "POST"])
def erase_volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    perm = "privacy.handle_volunteer"
    require(request, perm)
    volunteers = Volunteer.objects.visible_to(request.user).select_related("branch")
    volunteer = fetch(request, volunteers, pk, perm=perm, log=request.method != "POST")
    done = _("Personopplysningene om ressursvenn nr. %(number)s er slettet.")
    return _erase(
        request, VOLUNTEER, volunteer, actions.erase_volunteer, done, "volunteers:pipeline"
    )
