"""Social events: the list, plan / change / cancel (group leaders), the invitation page with
the volunteer's answer, and attendance.

Who signed up is shown to the branch's group leaders only; everyone else sees counts.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.followup import events as queries
from ressursvenn.followup.actions.events import (
    answer_event,
    cancel_event,
    create_event,
    has_started,
    record_attendance,
    update_event,
)
from ressursvenn.followup.forms.events import AnswerForm, AttendanceForm, EventForm
from ressursvenn.followup.models import EventSignup, SocialEvent
from ressursvenn.lib.access import add_errors, error_text, fetch, paginate, require
from ressursvenn.organisations.models import Organisation

form_view = require_http_methods(["GET", "HEAD", "POST"])


def _led_events(request: HttpRequest) -> Any:
    user: Any = request.user
    return queries.with_counts(
        SocialEvent.objects.visible_to(user).filter(
            branch_id__in=user.organisation_ids(Role.GROUP_LEADER)
        )
    ).select_related("branch")


def _volunteer(request: HttpRequest) -> Any:
    user: Any = request.user
    if not user.has_role(Role.VOLUNTEER):
        return None
    return getattr(user, "volunteer", None)


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    require(request, "followup.view_events")
    user: Any = request.user
    context: dict[str, Any] = {"leads": user.has_role(Role.GROUP_LEADER), "invited": None}
    if context["leads"]:
        now = timezone.now()
        led = _led_events(request)
        context["upcoming"] = paginate(
            request, led.filter(starts_at__gt=now).order_by("starts_at", "pk")
        )
        context["past"] = paginate(
            request, led.filter(starts_at__lte=now).order_by("-starts_at", "-pk"), param="tidligere"
        )
    volunteer = _volunteer(request)
    if volunteer is not None:
        context["invited"] = paginate(
            request, queries.with_counts(queries.for_volunteer(volunteer)), param="invitert"
        )
    return render(request, "followup/events/list.html", context)


def _led_branches(request: HttpRequest) -> Any:
    user: Any = request.user
    return Organisation.objects.filter(
        pk__in=user.organisation_ids(Role.GROUP_LEADER), is_active=True
    ).order_by("name")


@form_view
def event_new(request: HttpRequest) -> HttpResponse:
    require(request, "followup.manage_events")
    form = EventForm(
        request.POST if request.method == "POST" else None, branches=_led_branches(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = create_event(
                form.cleaned_data["branch"], by=request.user, **form.action_arguments()
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                messages.error(request, error_text(error))
                return redirect("followup:events")
            add_errors(form, error)
        else:
            messages.success(
                request, _("Treffet er opprettet. De som er invitert, har fått beskjed.")
            )
            return redirect("followup:event_detail", event.pk)
    return render(request, "followup/events/form.html", {"form": form, "event": None})


def _closed_for_changes(request: HttpRequest, event: SocialEvent) -> HttpResponse | None:
    if event.cancelled_at is not None:
        messages.error(request, _("Treffet er avlyst og kan ikke endres."))
    elif has_started(event):
        messages.error(request, _("Treffet har vært og kan ikke endres."))
    else:
        return None
    return redirect("followup:event_detail", event.pk)


@form_view
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = fetch(request, SocialEvent, pk, perm="followup.manage_events")
    closed = _closed_for_changes(request, event)
    if closed is not None:
        return closed
    form = EventForm(request.POST if request.method == "POST" else None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            update_event(event, by=request.user, **form.action_arguments())
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                messages.error(request, error_text(error))
                return redirect("followup:event_detail", event.pk)
            add_errors(form, error)
        else:
            messages.success(request, _("Treffet er endret."))
            return redirect("followup:event_detail", event.pk)
    return render(request, "followup/events/form.html", {"form": form, "event": event})


@form_view
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = fetch(request, SocialEvent, pk, perm="followup.manage_events")
    if event.cancelled_at is not None:
        messages.error(request, _("Treffet er allerede avlyst."))
        return redirect("followup:event_detail", event.pk)
    if has_started(event):
        messages.error(request, _("Treffet har vært og kan ikke avlyses."))
        return redirect("followup:event_detail", event.pk)
    if request.method == "POST":
        try:
            cancel_event(event, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Treffet er avlyst. De påmeldte har fått beskjed."))
        return redirect("followup:event_detail", event.pk)
    counts = queries.counts(event)
    return render(request, "followup/events/cancel.html", {"event": event, "counts": counts})


def _detail_context(request: HttpRequest, event: SocialEvent) -> dict[str, Any]:
    user: Any = request.user
    organiser = user.has_perm("followup.manage_events", event)
    volunteer = _volunteer(request) if user.has_perm("followup.sign_up", event) else None
    started = has_started(event)
    context: dict[str, Any] = {
        "event": event,
        "counts": queries.counts(event),
        "organiser": organiser,
        "started": started,
        "signups": [],
        "signup": None,
        "answer_form": None,
        "invited": False,
    }
    if organiser:
        context["signups"] = list(
            EventSignup.objects.filter(event=event)
            .select_related("volunteer")
            .order_by("-places", "volunteer__full_name", "pk")
        )
    if volunteer is not None:
        signup = queries.signup_of(volunteer, event)
        context["signup"] = signup
        context["invited"] = signup is not None or queries.is_invited(volunteer, event)
        if context["invited"] and not started and event.cancelled_at is None:
            context["answer_form"] = _answer_form(event, volunteer, signup)
    return context


def _pair_matches(event: SocialEvent, volunteer: Any) -> list[Any]:
    if event.audience != SocialEvent.Audience.PAIRS:
        return []
    return list(queries.pair_matches(volunteer, event.branch_id).select_related("referral"))


def _answer_form(
    event: SocialEvent, volunteer: Any, signup: EventSignup | None, data: Any = None
) -> AnswerForm:
    initial: dict[str, Any] = {}
    if signup is not None:
        initial = {"answer": signup.answer, "match": signup.match_id}
    return AnswerForm(data, event=event, matches=_pair_matches(event, volunteer), initial=initial)


@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = fetch(
        request,
        SocialEvent.objects.visible_to(request.user).select_related("branch"),
        pk,
        perm="followup.view_event",
    )
    return render(request, "followup/events/detail.html", _detail_context(request, event))


@require_POST
def event_answer(request: HttpRequest, pk: int) -> HttpResponse:
    event = fetch(request, SocialEvent, pk, perm="followup.sign_up", log=False)
    volunteer = _volunteer(request)
    if volunteer is None:
        messages.error(request, _("Du er ikke registrert som ressursvenn."))
        return redirect("followup:event_detail", event.pk)
    if event.cancelled_at is not None:
        messages.error(request, _("Treffet er avlyst."))
        return redirect("followup:event_detail", event.pk)
    if has_started(event):
        messages.error(request, _("Treffet har vært. Svaret kan ikke endres nå."))
        return redirect("followup:event_detail", event.pk)
    signup = queries.signup_of(volunteer, event)
    form = _answer_form(event, volunteer, signup, data=request.POST)
    if form.is_valid():
        try:
            saved = answer_event(
                event,
                by=request.user,
                answer=form.cleaned_data["answer"],
                match=form.chosen_match(),
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                messages.error(request, error_text(error))
                return redirect("followup:event_detail", event.pk)
            add_errors(form, error)
        else:
            if saved.places:
                messages.success(request, _("Du er påmeldt. Velkommen!"))
            else:
                messages.success(request, _("Svaret ditt er lagret: du kommer ikke."))
            return redirect("followup:event_detail", event.pk)
    context = _detail_context(request, event)
    context["answer_form"] = form
    return render(request, "followup/events/detail.html", context)


@form_view
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = fetch(request, SocialEvent, pk, perm="followup.manage_events")
    if event.cancelled_at is not None:
        messages.error(request, _("Treffet er avlyst."))
        return redirect("followup:event_detail", event.pk)
    if not has_started(event):
        messages.error(request, _("Oppmøtet kan registreres når treffet har begynt."))
        return redirect("followup:event_detail", event.pk)
    signups = list(
        EventSignup.objects.filter(event=event, places__gt=0)
        .select_related("volunteer")
        .order_by("volunteer__full_name", "pk")
    )
    form = AttendanceForm(request.POST if request.method == "POST" else None, signups=signups)
    if request.method == "POST" and form.is_valid():
        try:
            record_attendance(event, by=request.user, attended=set(form.cleaned_data["attended"]))
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                messages.error(request, error_text(error))
                return redirect("followup:event_detail", event.pk)
            add_errors(form, error)
        else:
            messages.success(request, _("Oppmøtet er lagret."))
            return redirect("followup:event_detail", event.pk)
    return render(
        request,
        "followup/events/attendance.html",
        {"event": event, "form": form, "signups": signups},
    )
