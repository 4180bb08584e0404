"""Referral pages: the centre refers and follows its referrals; the branch's leader decides.

Every referral is fetched with `lib.access.fetch` on `Referral.objects.visible_to` (outside
scope = 404, without the permission 403, the detail page writes the access log), then an
action does the work.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ressursvenn.accounts.models import Role, User
from ressursvenn.lib.access import add_errors, error_text, fetch, paginate
from ressursvenn.lib.vocabulary import Availability, Interest, Language, Mode, Need, labels
from ressursvenn.organisations.models import District, Municipality
from ressursvenn.participants import actions
from ressursvenn.participants.choices import ConsentScope
from ressursvenn.participants.forms import (
    ConsentWithdrawalForm,
    ExclusionForm,
    ReasonForm,
    ReferralForm,
    StatusFilterForm,
)
from ressursvenn.participants.models import Referral

Status = Referral.Status


def _actor(request: HttpRequest) -> User:
    """The signed-in user (the middleware lets no anonymous request reach these views)."""
    return cast(User, request.user)


def _get(
    request: HttpRequest, pk: int, perm: str = "participants.view_referral", *, log: bool = False
) -> Referral:
    """The referral if the user may see it (404 otherwise) and holds `perm` on it (403),
    through `lib.access.fetch`; `log` writes the access log (the detail page)."""
    referrals = Referral.objects.visible_to(request.user).select_related(
        "centre",
        "branch",
        "municipality",
        "district",
        "contact",
        "safety_assessed_by",
        "consent_text",
    )
    return fetch(request, referrals, pk, perm=perm, log=log)


@permission_required("participants.list_referrals", raise_exception=True)
@require_safe
def referral_list(request: HttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET)
    referrals = (
        Referral.objects.visible_to(request.user)
        .select_related("centre", "branch", "municipality", "district")
        .order_by("-created_at", "-pk")
    )
    if form.is_valid() and form.cleaned_data["status"]:
        referrals = referrals.filter(status=form.cleaned_data["status"])
    page = paginate(request, referrals)
    user: Any = request.user
    context = {
        "form": form,
        "page": page,
        "can_create": user.has_perm("participants.create_referral"),
    }
    return render(request, "participants/list.html", context)


@permission_required("participants.create_referral", raise_exception=True)
def referral_create(request: HttpRequest) -> HttpResponse:
    form = ReferralForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            referral = actions.create_referral(by=_actor(request), **form.referral_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Henvisningen er lagret som utkast. Send den når alt er på plass."),
            )
            return redirect("participants:detail", referral.pk)
    return render(request, "participants/form.html", {"form": form, "referral": None})


def _area_names(codes: list[str]) -> list[str]:
    names = dict(Municipality.objects.filter(code__in=codes).values_list("code", "name"))
    names.update(District.objects.filter(code__in=codes).values_list("code", "name"))
    return [names.get(code, code) for code in codes]


@require_safe
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get(request, pk, log=True)
    user: Any = request.user
    role, _organisation = referral.access_context(user)
    is_centre = role == Role.CRISIS_STAFF
    can_change = is_centre and user.has_perm("participants.change_referral", referral)
    can_decide = user.has_perm("participants.decide_referral", referral)
    context = {
        "referral": referral,
        "is_centre": is_centre,
        "age": referral.age(),
        "languages": labels(Language, referral.languages),
        "required_languages": labels(Language, referral.required_languages),
        "interests": labels(Interest, referral.interests),
        "needs": labels(Need, referral.needs),
        "availability": labels(Availability, referral.availability),
        "modes": labels(Mode, referral.modes),
        "contact_times": labels(Referral.ContactTime, referral.contact_times),
        "consent_scope": labels(ConsentScope, referral.consent_scope),
        "excluded_areas": _area_names(list(referral.excluded_areas or [])),
        "excluded_volunteers": (
            list(referral.excluded_volunteers.order_by("full_name")) if not is_centre else []
        ),
        "safety_assessed_by": referral.safety_assessed_by if is_centre else None,
        "missing": actions.missing_for_submit(referral) if referral.status == Status.DRAFT else [],
        "can_edit": can_change and referral.status == Status.DRAFT,
        "can_submit": can_change and referral.status == Status.DRAFT,
        "can_withdraw": can_change and referral.status in actions.WITHDRAWABLE,
        "can_withdraw_consent": can_change
        and referral.consent_given_on is not None
        and referral.consent_withdrawn_at is None,
        "can_accept": can_decide and referral.status == Status.SUBMITTED,
        "can_decline": can_decide and referral.status in actions.DECLINABLE,
        "can_exclude": can_decide and referral.status in actions.EXCLUSION_STATES,
    }
    return render(request, "participants/detail.html", context)


def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get(request, pk, "participants.change_referral")
    if referral.status != Status.DRAFT:
        messages.error(request, _("Bare utkast kan endres. Henvisningen er allerede sendt."))
        return redirect("participants:detail", referral.pk)
    form = ReferralForm(
        request.POST if request.method == "POST" else None, user=request.user, instance=referral
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_referral(referral, by=_actor(request), **form.referral_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect("participants:detail", referral.pk)
    return render(request, "participants/form.html", {"form": form, "referral": referral})


def _run(request: HttpRequest, action: Any, success: str, *args: Any, **kwargs: Any) -> bool:
    """Call an action; a refusal becomes an error message. True when it succeeded."""
    try:
        action(*args, by=_actor(request), **kwargs)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return False
    messages.success(request, success)
    return True


@require_POST
def referral_submit(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get(request, pk, "participants.change_referral")
    _run(
        request,
        actions.submit_referral,
        _("Henvisningen er sendt til lokalforeningen."),
        referral,
    )
    return redirect("participants:detail", referral.pk)


@require_POST
def referral_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the referral in, then straight on to her candidates (the next step is a proposal).

    The candidates page belongs to matching (above this app): reached by URL name only."""
    referral = _get(request, pk, "participants.decide_referral")
    accepted = _run(
        request,
        actions.accept_referral,
        _("Henvisningen er tatt imot. Hun står nå på ventelisten."),
        referral,
    )
    if accepted:
        return redirect("matching:candidates", referral.pk)
    return redirect("participants:detail", referral.pk)


def _reason_page(
    request: HttpRequest, referral: Referral, action: Any, success: str, texts: dict[str, str]
) -> HttpResponse:
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action(referral, by=_actor(request), reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_errors(form, error)
            else:
                messages.error(request, error_text(error))
                return redirect("participants:detail", referral.pk)
        else:
            messages.success(request, success)
            return redirect("participants:detail", referral.pk)
    context = {"form": form, "referral": referral, **texts}
    return render(request, "participants/reason_form.html", context)


def referral_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get(request, pk, "participants.change_referral")
    return _reason_page(
        request,
        referral,
        actions.withdraw_referral,
        _("Henvisningen er trukket."),
        {
            "title": _("Trekk henvisningen"),
            "intro": _(
                "Henvisningen tas ut av ventelisten og behandles ikke videre. "
                "Gruppelederen får beskjed om at noe er endret."
            ),
            "button": _("Trekk henvisningen"),
        },
    )


def referral_decline(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get(request, pk, "participants.decide_referral")
    return _reason_page(
        request,
        referral,
        actions.decline_referral,
        _("Henvisningen er avvist. Krisesenteret får beskjed."),
        {
            "title": _("Avvis henvisningen"),
            "intro": _("Krisesenteret ser begrunnelsen og kan henvise henne et annet sted."),
            "button": _("Avvis henvisningen"),
        },
    )


def referral_withdraw_consent(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get(request, pk, "participants.change_referral")
    form = ConsentWithdrawalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _run(
            request,
            actions.withdraw_consent,
            _("Det er registrert at hun har trukket samtykket. All behandling er stoppet."),
            referral,
        )
        return redirect("participants:detail", referral.pk)
    return render(
        request, "participants/withdraw_consent.html", {"form": form, "referral": referral}
    )


def referral_exclusions(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get(request, pk, "participants.decide_referral")
    form = ExclusionForm(
        request.POST if request.method == "POST" else None, user=request.user, referral=referral
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_excluded_volunteers(
                referral, by=_actor(request), volunteers=form.cleaned_data["volunteers"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_errors(form, error)
            else:
                messages.error(request, error_text(error))
                return redirect("participants:detail", referral.pk)
        else:
            messages.success(
                request, _("Listen over ressursvenner som ikke skal brukes er lagret.")
            )
            return redirect("participants:detail", referral.pk)
    return render(request, "participants/exclusions.html", {"form": form, "referral": referral})
