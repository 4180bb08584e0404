"""The public application "Bli ressursvenn" (no login) and its thank-you page.

Abuse protection: a per-address rate limit (429 with a clear message), a honeypot field (when
filled the same thank-you page is shown and nothing is stored), and one identical answer for
every accepted form, so nobody learns whether an address has applied before. A second submit
of the same page (its one-time token), or of the same address to the same branch within a day,
gets that same answer and stores and sends nothing (`submit_application`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from ressursvenn.volunteers.actions.application import (
    application_limit_reached,
    count_application,
    is_old_enough,
    submit_application,
)
from ressursvenn.volunteers.branch_lookup import BranchChoice, find_branch
from ressursvenn.volunteers.forms.apply import ApplicationForm

SESSION_KEY = "volunteer_application"
NO_BRANCH = _(
    "Ingen lokalforening kan ta imot søknader akkurat nå. Prøv igjen senere, eller kontakt "
    "Sanitetskvinnene."
)


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _remember(request: HttpRequest, choice: BranchChoice | None) -> None:
    """What the thank-you page shows: only the branch, never what she wrote."""
    request.session[SESSION_KEY] = (
        {"branch": choice.branch.name, "covering": choice.covering} if choice else {}
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and application_limit_reached(_client(request)):
        return render(request, "volunteers/apply/rate_limited.html", status=429)
    form = ApplicationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        count_application(_client(request))
        data = form.application_data()
        if not is_old_enough(data["date_of_birth"]):
            return render(
                request,
                "volunteers/apply/too_young.html",
                {"min_age": settings.VOLUNTEER_MIN_AGE},
            )
        choice = find_branch(data["municipality"], data["district"])
        if form.is_bot:
            # The honeypot was filled (a bot): the same answer as a person gets, nothing stored.
            _remember(request, choice)
            return redirect("volunteers:apply_done")
        try:
            if choice is None:
                raise ValidationError(NO_BRANCH)
            submit_application(data, branch=choice.branch, token=form.submit_token)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _remember(request, choice)
            return redirect("volunteers:apply_done")
    context: dict[str, Any] = {"form": form, "min_age": settings.VOLUNTEER_MIN_AGE}
    return render(request, "volunteers/apply/form.html", context)


@login_not_required
@require_safe
def apply_done(request: HttpRequest) -> HttpResponse:
    remembered = request.session.get(SESSION_KEY) or {}
    return render(
        request,
        "volunteers/apply/done.html",
        {"branch": remembered.get("branch"), "covering": remembered.get("covering", True)},
    )
