"""Extension and closure of a match (group leader), and the closure section of the match page.

The close page shows no names (only "ressursvennen" / "kvinnen"), so it writes no access log;
the match page it links back to logs what it shows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ressursvenn.followup.actions import closure as actions
from ressursvenn.followup.forms.closure import CloseForm, ConversationForm, ExtendForm
from ressursvenn.followup.models import CheckIn, ClosingConversation, Closure, Extension
from ressursvenn.followup.views.common import stale_to_match
from ressursvenn.lib.access import add_errors
from ressursvenn.matching import disclosure
from ressursvenn.matching.models import Match
from ressursvenn.matching.views.matches import fetch_match

SECTION = "followup/sections/closure.html"


def _refused(request: HttpRequest, match: Match) -> HttpResponse | None:
    """A match that can no longer be extended or closed: say so on the match page."""
    if match.status in actions.CLOSABLE:
        return None
    if match.status == Match.Status.CLOSED:
        messages.error(request, _("Koblingen er avsluttet og kan ikke endres."))
    else:
        messages.error(request, _("Koblingen kan ikke avsluttes eller forlenges i denne fasen."))
    return redirect("matching:match_detail", match.pk)


def _stale(request: HttpRequest, error: ValidationError, match: Match) -> HttpResponse | None:
    return stale_to_match(request, error, match.pk)


# --- extension ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    match = fetch_match(request, pk, perm="followup.extend_match")
    refused = _refused(request, match)
    if refused is not None:
        return refused
    form = ExtendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            extension = actions.extend_match(match, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            stale = _stale(request, error, match)
            if stale is not None:
                return stale
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Koblingen er forlenget til %(day)s.")
                % {"day": actions.day_text(extension.new_end_on)},
            )
            return redirect("matching:match_detail", match.pk)
    context = {
        "match": match,
        "form": form,
        "latest_end": actions.latest_end(match),
        "max_months": settings.MATCH_EXTENDED_MAX_MONTHS,
        "extensions": list(Extension.objects.filter(match=match).order_by("at", "pk")),
    }
    return render(request, "followup/closure/extend.html", context)


# --- closing conversations and closure ----------------------------------------------------------


def _conversations(match: Match) -> dict[str, ClosingConversation]:
    return {row.party: row for row in ClosingConversation.objects.filter(match=match)}


def _render_close(
    request: HttpRequest,
    match: Match,
    *,
    forms: dict[str, ConversationForm] | None = None,
    close_form: CloseForm | None = None,
) -> HttpResponse:
    recorded = _conversations(match)
    forms = forms or {}
    parties = []
    for value, label in CheckIn.Party.choices:
        conversation = recorded.get(value)
        form = forms.get(value) or ConversationForm(prefix=value, conversation=conversation)
        parties.append({"party": value, "label": label, "conversation": conversation, "form": form})
    ready = len(recorded) == len(CheckIn.Party.choices)
    if close_form is None:
        close_form = CloseForm(prefix="close", initial={"ended_on": timezone.localdate()})
    context = {
        "match": match,
        "parties": parties,
        "ready": ready,
        "form": close_form,
        "paused": match.status == Match.Status.PAUSED,
    }
    return render(request, "followup/closure/close.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    match = fetch_match(request, pk, perm="followup.close_match")
    refused = _refused(request, match)
    if refused is not None:
        return refused
    if request.method != "POST":
        return _render_close(request, match)
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            actions.close_match(match, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            stale = _stale(request, error, match)
            if stale is not None:
                return stale
            add_errors(form, error)
        else:
            messages.success(request, _("Koblingen er avsluttet."))
            return redirect("matching:match_detail", match.pk)
    return _render_close(request, match, close_form=form)


@require_POST
def closing_conversation(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    match = fetch_match(request, pk, perm="followup.close_match")
    if party not in actions.PARTIES:
        messages.error(request, _("Velg hvem samtalen var med."))
        return redirect("followup:close", match.pk)
    refused = _refused(request, match)
    if refused is not None:
        return refused
    form = ConversationForm(request.POST, prefix=party)
    if form.is_valid():
        try:
            actions.record_closing_conversation(
                match, by=request.user, party=party, **form.cleaned_data
            )
        except ValidationError as error:
            stale = _stale(request, error, match)
            if stale is not None:
                return stale
            add_errors(form, error)
        else:
            if party == CheckIn.Party.VOLUNTEER:
                messages.success(request, _("Avslutningssamtalen med ressursvennen er lagret."))
            else:
                messages.success(request, _("Avslutningssamtalen med kvinnen er lagret."))
            return redirect("followup:close", match.pk)
    return _render_close(request, match, forms={party: form})


# --- the match page's section ---------------------------------------------------------------------


def section(request: HttpRequest, match: Any, shown: Any) -> list[dict[str, Any]]:
    """Closure and extension on the match page.

    Leader: while active, paused or ending the planned end, the end-approaching notice, the
    extensions and the conversations so far, with links to extend and close; once closed the
    summary (notes included). Centre: once closed, the reason and the date. Volunteer: the
    end-approaching notice, and once closed that it ended and when. At most three queries."""
    viewer = shown.viewer
    user = request.user
    if match.status == Match.Status.CLOSED:
        summary = Closure.objects.filter(match=match).first()
        if summary is None:
            return []
        result: dict[str, Any] = {"template": SECTION, "closed": True, "closure": summary}
        if viewer == disclosure.LEADER:
            result["conversations"] = list(
                ClosingConversation.objects.filter(match=match).order_by("party", "pk")
            )
            result["extensions"] = list(Extension.objects.filter(match=match).order_by("at"))
        return [result]
    if match.status not in actions.CLOSABLE:
        return []
    ends_soon = actions.ends_soon(match)
    if viewer == disclosure.LEADER:
        return [
            {
                "template": SECTION,
                "closed": False,
                "ends_soon": ends_soon,
                "extensions": list(Extension.objects.filter(match=match).order_by("at", "pk")),
                "conversations": list(
                    ClosingConversation.objects.filter(match=match).order_by("party", "pk")
                ),
                "may_close": user.has_perm("followup.close_match", match),
                "may_extend": user.has_perm("followup.extend_match", match),
            }
        ]
    if viewer == disclosure.VOLUNTEER and ends_soon:
        return [{"template": SECTION, "closed": False, "ends_soon": True}]
    return []
