"""Every change to users, memberships, invitations and second factors.

Each action checks permission and state, runs in one transaction and writes the audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ressursvenn.accounts.models import (
    ROLE_ORGANISATION_KIND,
    Invitation,
    Membership,
    Role,
    User,
    new_stamp,
)
from ressursvenn.lib.audit import diff, record_change, record_creation, snapshot
from ressursvenn.lib.mail import send_discreet
from ressursvenn.organisations.models import Organisation


def _require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_role_fits(organisation: Organisation, role: str) -> None:
    if ROLE_ORGANISATION_KIND[role] != organisation.kind:  # type: ignore[index]
        raise ValidationError(_("Denne rollen finnes ikke i en slik organisasjon."))


def new_invitation(user: User, *, by: User | None, template: str = "invitation") -> str:
    """Expire earlier links, create a new one and e-mail it (discreet mail `template`, with
    the link and its lifetime in hours). Returns the raw token.

    Shared with the volunteers' screening, which invites an approved volunteer the same way."""
    now = timezone.now()
    user.invitations.filter(used_at__isnull=True).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        user=user,
        token_hash=hash_token(token),
        created_by=by,
        expires_at=now + settings.INVITATION_TTL,
    )
    link = settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])
    send_discreet(user.email, template, {"link": link, "hours": _ttl_hours()})
    return token


def _ttl_hours() -> int:
    return int(settings.INVITATION_TTL.total_seconds() // 3600)


@transaction.atomic
def invite_staff(
    *, by: User, email: str, full_name: str, organisation: Organisation, role: str
) -> User:
    """Invite a person to a role in an organisation.

    Side effects: creates the user (no usable password) unless the address is known, adds the
    membership, e-mails a one-time set-password link (or a neutral notice to a known user who
    has a password), and writes the audit trail. The caller learns nothing about whether the
    address existed. Repeating an invitation (double submit) writes nothing and sends nothing
    while the role is held and the earlier link still works; a deactivated user gets no e-mail.
    """
    _require(by, "accounts.manage_staff")
    _check_role_fits(organisation, role)
    email = email.strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    created = False
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, full_name=" ".join(full_name.split()))
        except IntegrityError:  # the same address was invited at the same moment
            user = User.objects.select_for_update().get(email__iexact=email)
        else:
            created = True
            record_creation(user, by=by, action="user.invite", fields=["email", "full_name"])
    membership, new = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": True}
    )
    added = new or not membership.is_active
    if added:
        if not new:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        record_change(
            membership,
            by=by,
            action="membership.add",
            changes={"role": [None, role], "organisation_id": [None, organisation.pk]},
            organisation=organisation,
        )
    if not user.is_active:
        return user
    if not user.has_usable_password():
        pending = user.invitations.filter(used_at__isnull=True, expires_at__gt=timezone.now())
        if created or added or not pending.exists():
            new_invitation(user, by=by)
            if not created:
                record_change(user, by=by, action="user.resend_invitation")
    elif added:
        send_discreet(user.email, "new_role", {})
    return user


@transaction.atomic
def resend_invitation(user: User, *, by: User) -> None:
    """Send a new set-password link (earlier links stop working). Only before the first login.

    Side effects: expires earlier links, creates an invitation, e-mails it, writes the audit trail.
    """
    _require(by, "accounts.manage_staff")
    if user.has_usable_password():
        raise ValidationError(
            _(
                "Brukeren har allerede satt passord og kan bruke «Glemt passordet?» "
                "på innloggingssiden."
            )
        )
    if not user.is_active:
        raise ValidationError(
            _("Brukeren er deaktivert. Aktiver brukeren før du sender en ny invitasjon.")
        )
    new_invitation(user, by=by)
    record_change(user, by=by, action="user.resend_invitation")


def find_invitation(token: str) -> Invitation | None:
    """The usable invitation for a raw token, or None when unknown, used or expired."""
    invitation = (
        Invitation.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    )
    if invitation is None or not invitation.is_usable() or not invitation.user.is_active:
        return None
    return invitation


@transaction.atomic
def accept_invitation(token: str, *, password: str) -> User:
    """Set the password from an invitation link; the link can never be used again."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_usable() or not invitation.user.is_active:
        raise ValidationError(_("Lenken er brukt eller utløpt. Be om en ny invitasjon."))
    user = invitation.user
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    user.set_password(password)
    user.session_stamp = new_stamp()
    user.save(update_fields=["password", "session_stamp"])
    record_change(
        user, by=user, action="user.accept_invitation", changes={"password": ["•••", "•••"]}
    )
    return user


@transaction.atomic
def add_membership(user: User, *, by: User, organisation: Organisation, role: str) -> Membership:
    """Give a user a role in an organisation (or reopen an ended one).

    Side effects: creates or reactivates the membership and writes the audit trail.
    """
    _require(by, "accounts.manage_staff")
    _check_role_fits(organisation, role)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if not created:
        reopened = Membership.objects.filter(pk=membership.pk, is_active=False).update(
            is_active=True
        )
        if not reopened:
            raise ValidationError(_("Brukeren har allerede denne rollen i denne organisasjonen."))
        membership.is_active = True
    record_change(
        membership,
        by=by,
        action="membership.add",
        changes={"role": [None, role], "organisation_id": [None, organisation.pk]},
        organisation=organisation,
    )
    return membership


@transaction.atomic
def end_membership(membership: Membership, *, by: User) -> None:
    """End a role. A coordinator cannot end her own coordinator role (she would lock herself out).

    Side effects: marks the membership inactive and writes the audit trail.
    """
    _require(by, "accounts.manage_staff")
    if membership.user_id == by.pk and membership.role == Role.NATIONAL_COORDINATOR:
        raise ValidationError(_("Du kan ikke avslutte din egen rolle som nasjonal koordinator."))
    ended = Membership.objects.filter(pk=membership.pk, is_active=True).update(is_active=False)
    if not ended:
        raise ValidationError(_("Rollen er allerede avsluttet."))
    membership.is_active = False
    record_change(
        membership,
        by=by,
        action="membership.end",
        changes={"is_active": [True, False]},
        organisation=membership.organisation,
    )


@transaction.atomic
def set_user_active(user: User, *, by: User, active: bool) -> None:
    """Deactivate (ending every session at once) or reactivate a user.

    Side effects: sets is_active and a new session stamp (every session of the user ends),
    expires unused invitation links on deactivation, and writes the audit trail.
    Asking for the state the user already has changes nothing.
    """
    _require(by, "accounts.manage_staff")
    if user.pk == by.pk:
        raise ValidationError(_("Du kan ikke deaktivere deg selv."))
    changed = User.objects.filter(pk=user.pk, is_active=not active).update(
        is_active=active, session_stamp=new_stamp()
    )
    user.refresh_from_db(fields=["is_active", "session_stamp"])
    if not changed:
        return
    if not active:
        user.invitations.filter(used_at__isnull=True).update(expires_at=timezone.now())
    record_change(
        user,
        by=by,
        action="user.activate" if active else "user.deactivate",
        changes={"is_active": [not active, active]},
    )


@transaction.atomic
def update_profile(user: User, *, by: User, full_name: str, phone: str) -> None:
    fields = ["full_name", "phone"]
    before = snapshot(user, fields)
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.save(update_fields=fields)
    changes = diff(User, before, snapshot(user, fields))
    if changes:
        record_change(user, by=by, action="user.update_profile", changes=changes)


@transaction.atomic
def change_password(request: HttpRequest, user: User, *, new_password: str) -> None:
    """Set a new password; every other session of the user ends, this one stays."""
    user.set_password(new_password)
    user.session_stamp = new_stamp()
    user.save(update_fields=["password", "session_stamp"])
    update_session_auth_hash(request, user)
    record_change(
        user, by=user, action="user.change_password", changes={"password": ["•••", "•••"]}
    )


@transaction.atomic
def reset_password(user: User, *, new_password: str) -> User:
    """Set a password from a reset link; every session of the user ends."""
    user.set_password(new_password)
    user.session_stamp = new_stamp()
    user.save(update_fields=["password", "session_stamp"])
    record_change(user, by=user, action="user.reset_password", changes={"password": ["•••", "•••"]})
    return user


def log_out_everywhere(request: HttpRequest) -> None:
    """Log out here and end every other session of the same user."""
    user: Any = request.user
    if user.is_authenticated:
        User.objects.filter(pk=user.pk).update(session_stamp=new_stamp())
        record_change(user, by=user, action="user.logout")
    logout(request)


@transaction.atomic
def start_totp_enrolment(user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator (created once, shown as a QR code until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=False)
    return device


@transaction.atomic
def confirm_totp(device: TOTPDevice, *, token: str) -> list[str]:
    """Confirm the authenticator with a code; returns new single-use recovery codes."""
    if device.confirmed or not device.verify_token(token):
        raise ValidationError(_("Koden stemmer ikke. Sjekk klokken på telefonen og prøv igjen."))
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(device.user)
    record_change(device.user, by=device.user, action="user.enrol_totp")
    return codes


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Gjenopprettingskoder")
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@transaction.atomic
def regenerate_recovery_codes(user: User) -> list[str]:
    """Replace all recovery codes (the old ones stop working)."""
    codes = _new_recovery_codes(user)
    record_change(user, by=user, action="user.regenerate_recovery_codes")
    return codes
