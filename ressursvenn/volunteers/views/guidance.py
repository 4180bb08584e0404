"""Guidance group pages (veiledningsgrupper), for the group leader of the branch.

The list shows, per approved volunteer of the leader's branches, whether she has attended
guidance this calendar year, so the branch sees who has had follow-up training.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.lib.access import add_errors, fetch, paginate, require
from ressursvenn.volunteers.actions import courses as course_actions
from ressursvenn.volunteers.actions import guidance as actions
from ressursvenn.volunteers.forms.guidance import (
    AttendanceForm,
    GroupForm,
    GuidanceFilterForm,
    GuidanceSessionForm,
    MembersForm,
)
from ressursvenn.volunteers.models import (
    GuidanceAttendance,
    GuidanceGroup,
    GuidanceSession,
    Volunteer,
)
from ressursvenn.volunteers.views.courses import leader_only


def led_groups(user: Any) -> QuerySet[GuidanceGroup]:
    """The guidance groups of the branches she leads (`GuidanceGroup.objects.visible_to`)."""
    return GuidanceGroup.objects.visible_to(user)


def year_bounds(today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Start of this calendar year and of the next, as aware datetimes (local time)."""
    start = timezone.make_aware(datetime.datetime(today.year, 1, 1))
    end = timezone.make_aware(datetime.datetime(today.year + 1, 1, 1))
    return start, end


def _member_count() -> Coalesce:
    through: Any = GuidanceGroup.members.through.objects.filter(guidancegroup=OuterRef("pk"))
    counted = through.order_by().values("guidancegroup").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _session_stats(aggregate: Any) -> Subquery:
    rows = GuidanceSession.objects.filter(group=OuterRef("pk")).order_by().values("group")
    return Subquery(rows.annotate(value=aggregate).values("value"))


@leader_only
@require_safe
def guidance_groups(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start, end = year_bounds(today)
    groups = (
        led_groups(request.user)
        .select_related("branch")
        .annotate(
            member_count=_member_count(),
            session_count=Coalesce(_session_stats(Count("pk")), 0, output_field=IntegerField()),
            last_session=_session_stats(Max("starts_at")),
        )
        .order_by("name", "pk")
    )
    attended = GuidanceAttendance.objects.filter(volunteer=OuterRef("pk"), attended=True)
    this_year = attended.filter(session__starts_at__gte=start, session__starts_at__lt=end)
    last = attended.order_by().values("volunteer").annotate(last=Max("session__starts_at"))
    volunteers = (
        Volunteer.objects.visible_to(request.user)
        .filter(
            branch_id__in=request.user.organisation_ids(Role.GROUP_LEADER),  # type: ignore[union-attr]
            status__in=actions.MEMBER_STATUSES,
        )
        .select_related("branch")
        .annotate(guided=Exists(this_year), last_guidance=Subquery(last.values("last")))
        .order_by("full_name", "pk")
    )
    form = GuidanceFilterForm(request.GET)
    show = form.cleaned_data["show"] if form.is_valid() else GuidanceFilterForm.ALL
    guided_count = volunteers.filter(guided=True).count()
    total = volunteers.count()
    if show == GuidanceFilterForm.WITHOUT:
        volunteers = volunteers.filter(guided=False)
    elif show == GuidanceFilterForm.WITH:
        volunteers = volunteers.filter(guided=True)
    page = paginate(request, volunteers)
    context = {
        "groups": groups[: settings.PAGE_SIZE],
        "page": page,
        "form": form,
        "year": today.year,
        "guided_count": guided_count,
        "total": total,
    }
    return render(request, "volunteers/guidance/list.html", context)


@leader_only
def guidance_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        branches=course_actions.leader_branches(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = actions.create_group(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Veiledningsgruppen er opprettet. Velg deltakerne."))
            return redirect("volunteers:guidance_members", group.pk)
    return render(request, "volunteers/guidance/form.html", {"form": form})


@leader_only
@require_safe
def guidance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = fetch(
        request, led_groups(request.user).select_related("branch"), pk, perm=actions.MANAGE
    )
    members = list(group.members.order_by("full_name", "pk"))
    sessions = list(group.sessions.all())
    marks = {
        (row.volunteer_id, row.session_id): row.attended
        for row in GuidanceAttendance.objects.filter(session__group=group)
    }
    now = timezone.now()
    context = {
        "group": group,
        "sessions": [{"session": s, "started": s.starts_at <= now} for s in sessions],
        "rows": [
            {"volunteer": m, "cells": [marks.get((m.pk, s.pk)) for s in sessions]} for m in members
        ],
    }
    return render(request, "volunteers/guidance/detail.html", context)


@leader_only
def guidance_members(request: HttpRequest, pk: int) -> HttpResponse:
    group = fetch(
        request, led_groups(request.user).select_related("branch"), pk, perm=actions.MANAGE
    )
    form = MembersForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_members(group, by=request.user, members=form.cleaned_data["members"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Deltakerne er lagret."))
            return redirect("volunteers:guidance_detail", group.pk)
    return render(request, "volunteers/guidance/members.html", {"form": form, "group": group})


@leader_only
def guidance_session_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = fetch(
        request, led_groups(request.user).select_related("branch"), pk, perm=actions.MANAGE
    )
    form = GuidanceSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_guidance_session(group, by=request.user, **form.session_data())
        except ValidationError as error:
            add_errors(form, error, GuidanceSessionForm.FIELD_MAP)
        else:
            messages.success(request, _("Møtet er lagt til."))
            return redirect("volunteers:guidance_detail", group.pk)
    return render(request, "volunteers/guidance/session_form.html", {"form": form, "group": group})


@leader_only
def guidance_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        GuidanceSession.objects.select_related("group__branch").filter(
            group__in=led_groups(request.user)
        ),
        pk=pk,
    )
    require(request, actions.MANAGE, session.group)
    people = list(session.group.members.order_by("full_name", "pk"))
    present = set(session.attendance.filter(attended=True).values_list("volunteer_id", flat=True))
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, people=people, present=present
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_guidance_attendance(session, by=request.user, attended=form.attended())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Oppmøtet er lagret."))
            return redirect("volunteers:guidance_detail", session.group_id)
    context = {
        "form": form,
        "session": session,
        "group": session.group,
        "started": session.starts_at <= timezone.now(),
    }
    return render(request, "volunteers/guidance/attendance.html", context)
