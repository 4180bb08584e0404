"""The woman's questionnaire pages, reached through her one-time link (she has no account).

``skjema/<token>/`` binds the link to her browser (a random device cookie, only its hash is
kept) and redirects to ``skjema/``, so the token is not left in the address bar or the
history; every step of the questionnaire then lives at that one address (each page is posted
back to it), and the quick-exit button replaces it in the history. Her pages carry only the
neutral title "Spørreskjema": no names, no navigation, no brand; ``noindex``; ``no-store``
(global). They are shown in the language she picked on the first page
(``translation.override``), whatever the device's language cookie says.

Neutral pages, nothing stored: an unknown (forged, truncated) token → 404; expired, used up or
revoked → 410; the match paused or closed beyond the grace → 410 ("not available"); the link
opened on another device → 409.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods, require_safe

from ressursvenn.accounts.middleware import otp_exempt
from ressursvenn.surveys.actions import links
from ressursvenn.surveys.models import Response, SurveyLink
from ressursvenn.surveys.views import flow

COOKIE = "skjema"
COOKIE_PATH = "/skjema/"
# After she sends her answers in, her browser shows the thank-you page this long; later the
# neutral "does not work" page (nothing about what she answered, or that she did).
THANKS_FOR = datetime.timedelta(hours=2)

STATUS = {links.UNKNOWN: 404, links.GONE: 410, links.UNAVAILABLE: 410, links.IN_USE: 409}


def _device(request: HttpRequest) -> str:
    value = request.COOKIES.get(COOKIE, "")
    return value if 20 <= len(value) <= 100 else ""


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, object],
    *,
    language: str | None,
    status: int = 200,
) -> HttpResponse:
    """One of her pages, in her language, with the quick exit."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {**context, "quick_exit_url": settings.SURVEY_QUICK_EXIT_URL}
        return render(request, template, context, status=status)


def _unusable(request: HttpRequest, reason: str, language: str | None = None) -> HttpResponse:
    return _render(
        request,
        "surveys/public/unusable.html",
        {"reason": reason},
        language=language,
        status=STATUS[reason],
    )


@login_not_required
@otp_exempt
@require_safe
def public_link(request: HttpRequest, token: str) -> HttpResponse:
    device = _device(request) or links.new_device_secret()
    try:
        link = links.open_link(token, device=device)
    except links.UnusableLinkError as problem:
        return _unusable(request, problem.reason)
    response = redirect("surveys:public")
    response.set_cookie(
        COOKIE,
        device,
        max_age=max(60, int((link.expires_at - timezone.now()).total_seconds())),
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _draft(link: SurveyLink) -> Response | None:
    return Response.objects.filter(link=link).select_related("match").first()


@login_not_required
@otp_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def public(request: HttpRequest) -> HttpResponse:
    link = links.device_link(_device(request))
    if link is None:
        return _unusable(request, links.UNKNOWN)
    draft = _draft(link)
    language = draft.language if draft is not None else None
    if link.submitted_at is not None:
        if draft is not None and timezone.now() - link.submitted_at <= THANKS_FOR:
            return _render(request, "surveys/public/thanks.html", {}, language=language)
        return _unusable(request, links.GONE, language)
    try:
        links.check_usable(link)
    except links.UnusableLinkError as problem:
        return _unusable(request, problem.reason, language)
    if draft is None:  # revoked between two requests
        return _unusable(request, links.GONE)
    if request.method == "POST":
        with translation.override(draft.language):
            result = flow.post(request, draft, by=None)
            if result.result == flow.SENT:
                return redirect("surveys:public")
            if result.result == flow.INVALID:
                return _page(request, result.context, status=400)
            if result.result == flow.STALE:
                messages.error(request, result.message)
        return redirect("surveys:public")
    return _page(request, flow.context(draft))


def _page(request: HttpRequest, context: dict[str, object], *, status: int = 200) -> HttpResponse:
    draft = context["draft"]
    assert isinstance(draft, Response)
    context = {**context, "action_url": request.path, "public": True}
    return _render(
        request, "surveys/public/page.html", context, language=draft.language, status=status
    )
