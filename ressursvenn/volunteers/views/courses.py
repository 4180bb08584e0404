"""Course pages: the group leader manages her branches' courses; a volunteer signs up.

Leader pages check the role first (403), then `fetch` within her branches (404 outside them)
with the object permission (403). The volunteer's sign-up fetches within her own branch (404).
Courses come from `Course.objects.visible_to(user)`, narrowed to the role of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.lib.access import add_errors, error_text, fetch, paginate, require
from ressursvenn.volunteers.actions import courses as actions
from ressursvenn.volunteers.forms.courses import (
    AttendanceForm,
    CourseForm,
    EnrolForm,
    SessionForm,
)
from ressursvenn.volunteers.models import Attendance, Course, CourseSession, Enrolment, Volunteer

View = Callable[..., HttpResponse]


def leader_only(view: View) -> View:
    """403 unless the user is a group leader (before anything is fetched)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(request, actions.MANAGE)
        return view(request, *args, **kwargs)

    return wrapped


def acting_role(request: HttpRequest) -> str | None:
    membership = getattr(request, "membership", None)
    return membership.role if membership else None


def led_courses(user: Any) -> QuerySet[Course]:
    """Courses of the branches the user leads (her scope, narrowed to the leader role)."""
    return Course.objects.visible_to(user).filter(
        branch_id__in=user.organisation_ids(Role.GROUP_LEADER)
    )


def own_branch_courses(user: Any) -> QuerySet[Course]:
    """Courses of the branch she volunteers in (her scope, narrowed to the volunteer role)."""
    return Course.objects.visible_to(user).filter(
        branch_id__in=user.organisation_ids(Role.VOLUNTEER)
    )


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.filter(course=OuterRef("pk")).order_by().values("course").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def _first_start() -> Subquery:
    return Subquery(
        CourseSession.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(first=Min("starts_at"))
        .values("first")
    )


def _with_counts(courses: QuerySet[Course]) -> Any:
    return courses.annotate(
        enrolled=_count(Enrolment.objects.all()),
        session_count=_count(CourseSession.objects.all()),
        first_start=_first_start(),
    )


@require_safe
def course_list(request: HttpRequest) -> HttpResponse:
    role = acting_role(request)
    if role == Role.GROUP_LEADER and request.user.has_perm(actions.MANAGE):
        return _leader_list(request)
    if role == Role.VOLUNTEER:
        return _volunteer_list(request)
    raise PermissionDenied


def _leader_list(request: HttpRequest) -> HttpResponse:
    courses = (
        _with_counts(led_courses(request.user))
        .select_related("branch")
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, courses)
    return render(request, "volunteers/courses/list.html", {"page": page})


def _volunteer_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    volunteer = Volunteer.objects.visible_to(user).filter(user=user).first()
    if volunteer is None:
        return render(request, "volunteers/courses/mine.html", {"volunteer": None, "courses": []})
    now = timezone.now()
    mine = Enrolment.objects.filter(course=OuterRef("pk"), volunteer=volunteer)
    courses = (
        _with_counts(own_branch_courses(user).filter(branch_id=volunteer.branch_id))
        .annotate(is_mine=Exists(mine))
        .filter(Q(is_mine=True) | Q(is_open_for_signup=True, first_start__gt=now))
        .order_by("first_start", "pk")
    )
    rows = list(courses[: settings.PAGE_SIZE])
    sessions: dict[int, list[CourseSession]] = {}
    for session in CourseSession.objects.filter(course__in=[c.pk for c in rows]):
        sessions.setdefault(session.course_id, []).append(session)
    completed = dict(
        Enrolment.objects.filter(volunteer=volunteer, course__in=[c.pk for c in rows]).values_list(
            "course_id", "completed_on"
        )
    )
    items = [
        {
            "course": course,
            "sessions": sessions.get(course.pk, []),
            "started": course.first_start is not None and course.first_start <= now,
            "full": course.enrolled >= course.capacity,
            "places_left": max(course.capacity - course.enrolled, 0),
            "completed_on": completed.get(course.pk),
        }
        for course in rows
    ]
    return render(request, "volunteers/courses/mine.html", {"volunteer": volunteer, "items": items})


@leader_only
def course_create(request: HttpRequest) -> HttpResponse:
    form = CourseForm(
        request.POST if request.method == "POST" else None,
        branches=actions.leader_branches(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = actions.create_course(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Kurset er opprettet. Legg til kursdagene."))
            return redirect("volunteers:course_detail", course.pk)
    return render(request, "volunteers/courses/form.html", {"form": form, "course": None})


@leader_only
@require_safe
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = fetch(
        request, led_courses(request.user).select_related("branch"), pk, perm=actions.MANAGE
    )
    sessions = list(course.sessions.all())
    enrolments = list(
        course.enrolments.select_related("volunteer").order_by("volunteer__full_name", "pk")
    )
    marks = {
        (row.volunteer_id, row.session_id): row.attended
        for row in Attendance.objects.filter(session__course=course)
    }
    now = timezone.now()
    rows = [
        {
            "enrolment": enrolment,
            "cells": [marks.get((enrolment.volunteer_id, s.pk)) for s in sessions],
        }
        for enrolment in enrolments
    ]
    context = {
        "course": course,
        "sessions": [{"session": s, "started": s.starts_at <= now} for s in sessions],
        "rows": rows,
        "places_left": max(course.capacity - len(enrolments), 0),
    }
    return render(request, "volunteers/courses/detail.html", context)


@leader_only
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = fetch(
        request, led_courses(request.user).select_related("branch"), pk, perm=actions.MANAGE
    )
    form = CourseForm(request.POST if request.method == "POST" else None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_course(course, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect("volunteers:course_detail", course.pk)
    return render(request, "volunteers/courses/form.html", {"form": form, "course": course})


@leader_only
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = fetch(
        request, led_courses(request.user).select_related("branch"), pk, perm=actions.MANAGE
    )
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_session(course, by=request.user, **form.session_data())
        except ValidationError as error:
            add_errors(form, error, SessionForm.FIELD_MAP)
        else:
            messages.success(request, _("Kursdagen er lagt til."))
            return redirect("volunteers:course_detail", course.pk)
    return render(request, "volunteers/courses/session_form.html", {"form": form, "course": course})


@leader_only
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    course = fetch(
        request, led_courses(request.user).select_related("branch"), pk, perm=actions.MANAGE
    )
    form = EnrolForm(request.POST if request.method == "POST" else None, course=course)
    if request.method == "POST" and form.is_valid():
        volunteer = form.cleaned_data["volunteer"]
        try:
            actions.enrol_volunteer(course, volunteer, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s er meldt på kurset.") % {"name": volunteer.full_name}
            )
            return redirect("volunteers:course_detail", course.pk)
    return render(request, "volunteers/courses/enrol.html", {"form": form, "course": course})


@leader_only
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        CourseSession.objects.select_related("course__branch").filter(
            course__in=led_courses(request.user)
        ),
        pk=pk,
    )
    require(request, actions.MANAGE, session.course)
    people = [
        e.volunteer
        for e in session.course.enrolments.select_related("volunteer").order_by(
            "volunteer__full_name", "pk"
        )
    ]
    present = set(session.attendance.filter(attended=True).values_list("volunteer_id", flat=True))
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, people=people, present=present
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_attendance(session, by=request.user, attended=form.attended())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Oppmøtet er lagret."))
            return redirect("volunteers:course_detail", session.course_id)
    context = {
        "form": form,
        "session": session,
        "course": session.course,
        "started": session.starts_at <= timezone.now(),
    }
    return render(request, "volunteers/courses/attendance.html", context)


def _signup_course(request: HttpRequest, pk: int) -> Course:
    """403 for other roles than volunteer (before anything is fetched), then `fetch` in the
    courses of her own branch (404) with the sign-up permission (403)."""
    user: Any = request.user
    if not user.has_role(Role.VOLUNTEER):
        raise PermissionDenied
    return fetch(request, own_branch_courses(user), pk, perm=actions.SIGN_UP)


@require_POST
def course_signup(request: HttpRequest, pk: int) -> HttpResponse:
    course = _signup_course(request, pk)
    try:
        actions.sign_up_for_course(course, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Du er meldt på «%(title)s».") % {"title": course.title})
    return redirect("volunteers:courses")


@require_POST
def course_cancel_signup(request: HttpRequest, pk: int) -> HttpResponse:
    course = _signup_course(request, pk)
    try:
        actions.cancel_signup(course, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Du er meldt av «%(title)s».") % {"title": course.title})
    return redirect("volunteers:courses")
