"""Concerns (bekymringsmeldinger): report one, read and handle it, the list, and the match
page's section.

The volunteer who reported a concern sees only its status and dates; the group leader and
the crisis centre see everything and handle it. Concerns about children carry a visible
"Gjelder barn" flag.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.followup.actions.concerns import (
    REPORTABLE,
    acknowledge_concern,
    report_concern,
    resolve_concern,
)
from ressursvenn.followup.forms.concerns import AcknowledgeForm, ConcernForm, ResolveForm
from ressursvenn.followup.models import Concern
from ressursvenn.lib.access import add_errors, fetch, log_access, paginate
from ressursvenn.matching import disclosure
from ressursvenn.matching.views.matches import fetch_match

SECRET_FIELDS = ("description", "acknowledge_note", "resolution")
HANDLERS = (disclosure.LEADER, disclosure.CENTRE)
LIST_ROLES = (Role.GROUP_LEADER, Role.CRISIS_STAFF, Role.VOLUNTEER)


def _overdue(concern: Concern, now: datetime.datetime) -> bool:
    limit = now - datetime.timedelta(hours=settings.CONCERN_URGENT_RESEND_HOURS)
    return bool(
        concern.severity == Concern.Severity.URGENT
        and concern.status == Concern.Status.NEW
        and concern.reported_at <= limit
    )


def _stale(request: HttpRequest, error: ValidationError) -> bool:
    if getattr(error, "code", None) != "stale":
        return False
    messages.error(request, error.messages[0])
    return True


@require_http_methods(["GET", "HEAD", "POST"])
def concern_new(request: HttpRequest, pk: int) -> HttpResponse:
    match = fetch_match(request, pk, perm="followup.report_concern")
    if match.status not in REPORTABLE:
        messages.error(request, _("Du kan bare melde fra om en kobling som er i gang."))
        return redirect("matching:match_detail", match.pk)
    form = ConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report_concern(match, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if _stale(request, error):
                return redirect("matching:match_detail", match.pk)
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Bekymringsmeldingen er sendt. Gruppelederen og krisesenteret har fått beskjed."),
            )
            return redirect("matching:match_detail", match.pk)
    context = {"match": match, "form": form, "centre_phone": match.referral.centre.phone}
    return render(request, "followup/concerns/new.html", context)


def _fetch_concern(request: HttpRequest, pk: int, *, perm: str) -> tuple[Concern, str]:
    """The concern (404 outside the scope; for a volunteer, also a concern she did not
    report) and how the user sees it (leader, centre or volunteer); 403 without `perm`."""
    concerns = Concern.objects.visible_to(request.user).select_related(
        "match__referral__centre", "match__branch", "match__volunteer"
    )
    concern = fetch(request, concerns, pk, log=False)
    viewer = disclosure.viewer_kind(request.user, concern.match)
    if viewer is None:
        raise Http404
    if viewer == disclosure.VOLUNTEER and concern.reported_by_id != request.user.pk:
        raise Http404
    if not request.user.has_perm(perm, concern.match):
        raise PermissionDenied
    return concern, viewer


def _render_detail(
    request: HttpRequest,
    concern: Concern,
    viewer: str,
    *,
    acknowledge_form: AcknowledgeForm | None = None,
    resolve_form: ResolveForm | None = None,
) -> HttpResponse:
    match = concern.match
    full = viewer in HANDLERS
    may_handle = full and request.user.has_perm("followup.handle_concern", match)
    if full:
        # The description is about the woman: a view of her record through the match.
        organisation = match.referral.centre if viewer == disclosure.CENTRE else match.branch
        log_access(
            request,
            match.referral,
            role=disclosure.ACCESS_ROLE[viewer],
            organisation=organisation,
        )
    if may_handle and concern.status == Concern.Status.NEW:
        acknowledge_form = acknowledge_form or AcknowledgeForm(
            prefix="ack", initial={"status": Concern.Status.NEW}
        )
    else:
        acknowledge_form = None
    if may_handle and concern.status == Concern.Status.ACKNOWLEDGED:
        resolve_form = resolve_form or ResolveForm(prefix="resolve")
    else:
        resolve_form = None
    reporter_is_volunteer = concern.reported_by_id == match.volunteer.user_id
    context = {
        "concern": concern,
        "match": match,
        "viewer": viewer,
        "full": full,
        "overdue": full and _overdue(concern, timezone.now()),
        "reporter_is_volunteer": reporter_is_volunteer,
        "acknowledge_form": acknowledge_form,
        "resolve_form": resolve_form,
    }
    return render(request, "followup/concerns/detail.html", context)


@require_safe
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern, viewer = _fetch_concern(request, pk, perm="followup.view_concerns")
    return _render_detail(request, concern, viewer)


@require_POST
def concern_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    concern, viewer = _fetch_concern(request, pk, perm="followup.handle_concern")
    form = AcknowledgeForm(request.POST, prefix="ack")
    if concern.status != Concern.Status.NEW:
        messages.error(request, _("Bekymringsmeldingen er allerede bekreftet mottatt."))
        return redirect("followup:concern_detail", concern.pk)
    if form.is_valid():
        try:
            acknowledge_concern(concern, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            if _stale(request, error):
                return redirect("followup:concern_detail", concern.pk)
            add_errors(form, error)
        else:
            messages.success(request, _("Bekymringsmeldingen er merket som mottatt."))
            return redirect("followup:concern_detail", concern.pk)
    return _render_detail(request, concern, viewer, acknowledge_form=form)


@require_POST
def concern_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    concern, viewer = _fetch_concern(request, pk, perm="followup.handle_concern")
    if concern.status == Concern.Status.RESOLVED:
        messages.error(request, _("Bekymringsmeldingen er allerede løst."))
        return redirect("followup:concern_detail", concern.pk)
    if concern.status != Concern.Status.ACKNOWLEDGED:
        messages.error(request, _("Bekreft først at bekymringsmeldingen er mottatt."))
        return redirect("followup:concern_detail", concern.pk)
    form = ResolveForm(request.POST, prefix="resolve")
    if form.is_valid():
        try:
            resolve_concern(concern, by=request.user, resolution=form.cleaned_data["resolution"])
        except ValidationError as error:
            if _stale(request, error):
                return redirect("followup:concern_detail", concern.pk)
            add_errors(form, error)
        else:
            messages.success(request, _("Bekymringsmeldingen er løst."))
            return redirect("followup:concern_detail", concern.pk)
    return _render_detail(request, concern, viewer, resolve_form=form)


@require_safe
def concerns(request: HttpRequest) -> HttpResponse:
    """Leader: her branches' concerns; centre staff: her centre's; volunteer: her own reports
    (status only). Open ones first."""
    user: Any = request.user
    if not any(
        user.has_role(role) for role in (Role.GROUP_LEADER, Role.CRISIS_STAFF, Role.VOLUNTEER)
    ):
        raise PermissionDenied
    branches = user.organisation_ids(Role.GROUP_LEADER)
    centres = user.organisation_ids(Role.CRISIS_STAFF)
    rows = (
        Concern.objects.visible_to(user)
        .filter(
            Q(match__branch_id__in=branches)
            | Q(match__referral__centre_id__in=centres)
            | Q(reported_by_id=user.pk)
        )
        .defer(*SECRET_FIELDS)
        .annotate(
            centre_id=F("match__referral__centre_id"),
            branch_id=F("match__branch_id"),
            resolved=Case(
                When(status=Concern.Status.RESOLVED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("resolved", "-reported_at", "-pk")
    )
    page = paginate(request, rows)
    now = timezone.now()
    items = []
    for concern in page:
        full = concern.branch_id in branches or concern.centre_id in centres
        items.append({"concern": concern, "full": full, "overdue": full and _overdue(concern, now)})
    return render(request, "followup/concerns/list.html", {"page": page, "items": items})


def section(request: HttpRequest, match: Any, shown: Any) -> list[dict[str, Any]]:
    """Volunteer: the button to report and the status of her own reports. Leader and centre:
    the open concerns with their severity (one query)."""
    user = request.user
    viewer = shown.viewer
    may_report = match.status in REPORTABLE and user.has_perm("followup.report_concern", match)
    rows = Concern.objects.filter(match=match).defer(*SECRET_FIELDS)
    if viewer == disclosure.VOLUNTEER:
        items = list(rows.filter(reported_by_id=user.pk).order_by("-reported_at", "-pk"))
    elif viewer in HANDLERS:
        items = list(rows.exclude(status=Concern.Status.RESOLVED).order_by("-reported_at", "-pk"))
    else:
        return []
    going_on = viewer in HANDLERS and match.status in REPORTABLE
    if not items and not may_report and not going_on:
        return []
    now = timezone.now()
    return [
        {
            "template": "followup/sections/concerns.html",
            "items": [
                {"concern": concern, "overdue": viewer in HANDLERS and _overdue(concern, now)}
                for concern in items
            ],
            "may_report": may_report,
            "full": viewer in HANDLERS,
        }
    ]
