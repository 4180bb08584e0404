"""Login with password and second factor, enrolment, recovery codes, invitations, own account."""

from __future__ import annotations

import io
import time
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ressursvenn.accounts import actions
from ressursvenn.accounts.forms import (
    DiscreetPasswordResetForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    ResetSetPasswordForm,
    SwitchRoleForm,
    TaskEmailForm,
    TokenForm,
)
from ressursvenn.accounts.middleware import otp_exempt
from ressursvenn.lib.access import add_errors


def _next_url(request: HttpRequest) -> str:
    candidate = request.session.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}):
        return str(candidate)
    return reverse("home")


def locked_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


@login_not_required
def login_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.is_authenticated and user.is_verified():
        return redirect("home")
    timed_out = request.session.pop("timed_out", False)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = authenticate(
            request,
            email=form.cleaned_data["email"].lower(),
            password=form.cleaned_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if account is None:
            form.add_error(None, _("Feil e-postadresse eller passord."))
        else:
            next_url = request.GET.get("next", "")
            login(request, account)
            request.session["auth_started"] = request.session["last_activity"] = int(time.time())
            request.session["next"] = next_url
            return redirect("accounts:verify")
    return render(request, "accounts/login.html", {"form": form, "timed_out": timed_out})


def _second_factor_verified(request: HttpRequest, device: Any) -> None:
    """Mark the session verified and give it a new key: a session id seen before the second
    factor (it rotated at the password step) must not carry the verified session."""
    otp_login(request, device)
    request.session.cycle_key()


@otp_exempt
def verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.is_verified():
        return redirect("home")
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("Koden er feil, utløpt eller allerede brukt."))
        else:
            _second_factor_verified(request, device)
            return HttpResponseRedirect(_next_url(request))
    return render(request, "accounts/verify.html", {"form": form})


@otp_exempt
def enrol(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        # Never let a password alone replace an enrolled second factor.
        return redirect("home" if user.is_verified() else "accounts:verify")
    device = actions.start_totp_enrolment(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = actions.confirm_totp(device, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error)
        else:
            _second_factor_verified(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "first": True})
    secret = _base32(device)
    return render(request, "accounts/enrol.html", {"form": form, "secret": secret})


def _base32(device: TOTPDevice) -> str:
    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@otp_exempt
def enrol_qr(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return HttpResponse(status=404)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = actions.regenerate_recovery_codes(request.user)  # type: ignore[arg-type]
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "first": False})


@otp_exempt
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    actions.log_out_everywhere(request)
    request.session["logged_out"] = True
    return redirect("accounts:login")


def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ProfileForm(
        request.POST or None, initial={"full_name": user.full_name, "phone": user.phone}
    )
    if request.method == "POST" and form.is_valid():
        actions.update_profile(user, by=user, **form.cleaned_data)
        messages.success(request, _("Opplysningene er lagret."))
        return redirect("accounts:profile")
    return _profile_page(request, form=form)


def _profile_page(
    request: HttpRequest,
    *,
    form: ProfileForm | None = None,
    task_email_form: TaskEmailForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    context = {
        "form": form or ProfileForm(initial={"full_name": user.full_name, "phone": user.phone}),
        "switch_form": SwitchRoleForm(user=user),
        "task_email_form": task_email_form
        or TaskEmailForm(initial={"task_email": user.task_email}),
        "memberships": user.memberships.filter(is_active=True).select_related("organisation"),
        "recovery_left": _recovery_left(user),
    }
    return render(request, "accounts/profile.html", context, status=status)


@require_POST
def task_email(request: HttpRequest) -> HttpResponse:
    """The user's own choice of task e-mails (every task, a daily summary, or none)."""
    user: Any = request.user
    form = TaskEmailForm(request.POST)
    if form.is_valid():
        try:
            actions.set_task_email(user, by=user, value=form.cleaned_data["task_email"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Valget ditt for e-post om oppgaver er lagret."))
            return redirect("accounts:profile")
    return _profile_page(request, task_email_form=form, status=400)


def _recovery_left(user: Any) -> int:
    count: int = StaticToken.objects.filter(device__user=user).count()
    return count


@require_POST
def switch_role(request: HttpRequest) -> HttpResponse:
    form = SwitchRoleForm(request.POST, user=request.user)
    if form.is_valid():
        request.session["membership_id"] = form.cleaned_data["membership"].pk
        messages.success(request, _("Du har byttet rolle."))
        return redirect("home")
    messages.error(request, _("Velg en av rollene dine."))
    return redirect("accounts:profile")


def password_change(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(request, user, new_password=form.cleaned_data["new_password1"])
        messages.success(request, _("Passordet er endret. Andre økter er logget ut."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@login_not_required
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = actions.find_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    form = NewPasswordForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.accept_invitation(token, password=form.cleaned_data["new_password1"])
        except ValidationError:
            return render(request, "accounts/invitation_invalid.html", status=410)
        request.session["invitation_accepted"] = True
        return redirect("accounts:login")
    return render(request, "accounts/accept_invitation.html", {"form": form})


password_reset = auth_views.PasswordResetView.as_view(
    form_class=DiscreetPasswordResetForm,
    template_name="accounts/password_reset.html",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=ResetSetPasswordForm,
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
