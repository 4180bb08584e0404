"""Login, two-factor and session rules applied to every request (safe by default).

A view is open to anonymous users only when marked with Django's `login_not_required`;
a logged-in user who has not passed the second factor reaches only views marked `otp_exempt`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from ressursvenn.accounts.models import ROLE_ORDER, Membership, Role

Handler = Callable[[HttpRequest], HttpResponse]


def otp_exempt(view: Any) -> Any:
    """Reachable after the password step, before the second factor (login, enrolment, logout)."""
    view.otp_exempt = True
    return view


class SessionTimeoutMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT idle seconds or SESSION_COOKIE_AGE in total.

    The last activity is recorded to within SESSION_ACTIVITY_SECONDS, so a session may stay up
    to that much longer than the idle timeout."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("auth_started", now)
            recorded = request.session.get("last_activity")
            last = now if recorded is None else recorded
            idle = now - last > settings.SESSION_IDLE_TIMEOUT
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                request.session["timed_out"] = True
            elif recorded is None or now - last >= settings.SESSION_ACTIVITY_SECONDS:
                # Stored at most once a minute: a session write (a transaction) on every
                # request would cost more than the page on a busy database.
                request.session["last_activity"] = now
        return self.get_response(request)


class RequireLoginMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not getattr(view, "login_required", True):
            return None
        user: Any = request.user
        if not user.is_authenticated:
            login_url = reverse(settings.LOGIN_URL)
            return HttpResponseRedirect(f"{login_url}?next={quote(request.get_full_path())}")
        if getattr(view, "otp_exempt", False) or user.is_verified():
            return None
        return HttpResponseRedirect(reverse("accounts:verify"))


def _active_membership(request: HttpRequest) -> Membership | None:
    user: Any = request.user
    if not user.is_authenticated:
        return None
    memberships = list(
        Membership.objects.active()
        .filter(user=user, organisation__is_active=True)
        .select_related("organisation")
    )
    if not memberships:
        return None
    chosen = request.session.get("membership_id")
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    memberships.sort(key=lambda m: (ROLE_ORDER.index(Role(m.role)), m.organisation.name))
    return memberships[0]


class ActiveMembershipMiddleware:
    """`request.membership`: the role and organisation the user is acting as now."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = SimpleLazyObject(lambda: _active_membership(request))  # type: ignore[attr-defined]
        return self.get_response(request)
