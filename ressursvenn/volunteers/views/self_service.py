"""The volunteer's own pages: her status and checklist, her profile, the declaration.

Only a user with the volunteer role reaches them (other roles: 403), and only her own row is
ever fetched (a volunteer user without a Volunteer row: 404). Her own record is not written to
the access log: the log is for people looking at someone else's record.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ressursvenn.accounts.rules import is_volunteer
from ressursvenn.lib.access import error_text, require
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.actions import self_service as actions
from ressursvenn.volunteers.actions.screening import OPEN_MATCH_STATUSES
from ressursvenn.volunteers.forms.profile import PROFILE_FIELDS, DeclarationForm, ProfileForm
from ressursvenn.volunteers.models import DeclarationText, Volunteer

# The course list (the courses area; a volunteer sees her branch's courses and signs up there),
# linked from "Min side" when the URL exists.
COURSE_URL_NAMES = ("volunteers:courses",)


def _own(request: HttpRequest, queryset: QuerySet[Volunteer] | None = None) -> Volunteer:
    """The signed-in volunteer's own row: 403 for other roles, 404 without a row."""
    user: Any = request.user
    if not is_volunteer(user):
        raise PermissionDenied
    rows = Volunteer.objects.visible_to(user) if queryset is None else queryset
    volunteer = get_object_or_404(rows.select_related("branch"), user_id=user.pk)
    require(request, "volunteers.view_volunteer", volunteer)
    return volunteer


def _courses_url() -> str | None:
    for name in COURSE_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    volunteer = _own(request, screening.with_checklist(Volunteer.objects.visible_to(request.user)))
    checklist = screening.checklist(volunteer)
    current = DeclarationText.current()
    signed_versions = {declaration.text.version for declaration in volunteer.declarations.all()}
    context = {
        "volunteer": volunteer,
        "checklist": checklist,
        "must_sign": current is not None and current.version not in signed_versions,
        "is_open": volunteer.status not in actions.CLOSED,
        "courses_url": _courses_url(),
        # Matches sit in a higher app: reached through the reverse relation.
        "has_open_match": volunteer.matches.filter(status__in=OPEN_MATCH_STATUSES).exists(),
    }
    return render(request, "volunteers/self/mine.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def my_profile(request: HttpRequest) -> HttpResponse:
    volunteer = _own(request)
    require(request, "volunteers.edit_own_profile", volunteer)
    form = ProfileForm(request.POST if request.method == "POST" else None, volunteer=volunteer)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in PROFILE_FIELDS}
        try:
            changed = actions.update_own_profile(volunteer, by=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                messages.success(request, _("Profilen din er oppdatert."))
            else:
                messages.info(request, _("Ingen endringer å lagre."))
            return redirect("volunteers:mine")
    return render(request, "volunteers/self/profile.html", {"form": form, "volunteer": volunteer})


@require_http_methods(["GET", "HEAD", "POST"])
def sign_declaration(request: HttpRequest) -> HttpResponse:
    volunteer = _own(request)
    require(request, "volunteers.sign_declaration", volunteer)
    current = DeclarationText.current()
    signed = current is not None and volunteer.declarations.filter(text=current).order_by().first()
    if request.method == "POST" and signed:
        messages.info(request, _("Du har allerede signert denne versjonen av erklæringen."))
        return redirect("volunteers:mine")
    form = DeclarationForm(
        request.POST if request.method == "POST" else None,
        initial={"version": current.version if current else None},
    )
    if request.method == "POST" and current is not None and form.is_valid():
        if form.cleaned_data["version"] != current.version:
            messages.warning(
                request,
                _("Teksten er endret siden du åpnet siden. Les den nye teksten før du signerer."),
            )
            return redirect("volunteers:sign_declaration")
        try:
            actions.sign_declaration(volunteer, by=request.user, text=current)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Takk! Taushetserklæringen er signert."))
        return redirect("volunteers:mine")
    context = {"form": form, "text": current, "signed": signed, "volunteer": volunteer}
    return render(request, "volunteers/self/declaration.html", context)
