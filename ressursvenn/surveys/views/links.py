"""Making and revoking the woman's one-time link (the crisis centre; the volunteer when the
woman's contact way lets her).

After the link is made the page that shows it (QR code, the address as text, the SMS text) is
reached by a redirect, with the raw token kept in the session only until that page takes it
out: the token is shown once, a reload does not make another link, and it is never stored.
These pages show no names, so they write no access log.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ressursvenn.followup.views.common import stale_to_match
from ressursvenn.lib.access import add_errors, error_text, fetch
from ressursvenn.matching.models import Match
from ressursvenn.matching.views.matches import fetch_match
from ressursvenn.surveys import timepoints
from ressursvenn.surveys.actions import links as actions
from ressursvenn.surveys.forms.links import LinkForm
from ressursvenn.surveys.models import SurveyLink, TimePoint

SHOWN = "survey_link_once"  # session key: the raw token until the page shows it


def qr_data_uri(text: str) -> str:
    """The QR code of `text` as an SVG data: URI (the CSP allows data: images)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _time_point(value: str) -> str:
    if value not in timepoints.PARTICIPANT_TIME_POINTS:
        raise Http404
    return value


def _render(
    request: HttpRequest, match: Match, time_point: str, form: LinkForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "match": match,
        "time_point": time_point,
        "time_point_label": TimePoint(time_point).label,
        "form": form,
        "days": settings.SURVEY_LINK_DAYS,
        "open_link": SurveyLink.objects.filter(
            match=match,
            time_point=time_point,
            submitted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).exists(),
    }
    return render(request, "surveys/links/new.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def link_new(request: HttpRequest, pk: int, time_point: str) -> HttpResponse:
    match = fetch_match(request, pk, perm="surveys.hand_over_link")
    time_point = _time_point(time_point)
    form = LinkForm(request.POST or None, deliveries=actions.deliveries(match))
    if request.method != "POST":
        try:
            actions.check_participant_time_point(match, time_point)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("matching:match_detail", match.pk)
        return _render(request, match, time_point, form)
    if form.is_valid():
        try:
            link, token = actions.make_link(
                match, by=request.user, time_point=time_point, **form.cleaned_data
            )
        except ValidationError as error:
            stale = stale_to_match(request, error, match.pk)
            if stale is not None:
                return stale
            add_errors(form, error)
        else:
            if link.delivery == SurveyLink.Delivery.EMAIL:
                messages.success(request, _("Lenken er sendt til e-postadressen hennes."))
                return redirect("matching:match_detail", match.pk)
            request.session[SHOWN] = {"link": link.pk, "token": token}
            messages.success(request, _("Lenken er laget. Den vises bare denne ene gangen."))
            return redirect("surveys:link_show", link.pk)
    return _render(request, match, time_point, form, status=400)


@require_safe
def link_show(request: HttpRequest, pk: int) -> HttpResponse:
    link = fetch(request, SurveyLink, pk, log=False)
    match = fetch_match(request, link.match_id, perm="surveys.hand_over_link")
    once = request.session.get(SHOWN) or {}
    if once.get("link") != link.pk or not link.usable():
        messages.info(
            request,
            _("Lenken vises bare én gang. Lag en ny lenke hvis hun trenger den."),
        )
        return redirect("matching:match_detail", match.pk)
    del request.session[SHOWN]
    url = actions.link_url(str(once["token"]))
    context = {
        "match": match,
        "link": link,
        "url": url,
        "qr": qr_data_uri(url),
        "expires_on": timezone.localdate(link.expires_at),
        "time_point_label": TimePoint(link.time_point).label,
        "sms": link.delivery == SurveyLink.Delivery.SMS,
    }
    return render(request, "surveys/links/show.html", context)


@require_POST
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = fetch(
        request, SurveyLink.objects.visible_to(request.user).select_related("match"), pk, log=False
    )
    match = fetch_match(request, link.match_id, perm="surveys.hand_over_link")
    link.match = match
    try:
        actions.revoke_link(link, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Lenken er trukket tilbake og virker ikke lenger."))
    return redirect("matching:match_detail", match.pk)
