"""Every change to users, memberships, invitations and second factors.

Each action checks permission and state, runs in one transaction and writes the audit trail.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from importlib import import_module
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout, update_session_auth_hash
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ressursvenn.accounts import hygiene
from ressursvenn.accounts.models import (
    ROLE_ORGANISATION_KIND,
    WOMEN_DATA_ROLES,
    Invitation,
    Membership,
    Role,
    TaskEmail,
    User,
    new_stamp,
)
from ressursvenn.accounts.rules import Grant
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, record_creation, snapshot
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.mail import send_discreet
from ressursvenn.organisations.models import Organisation

OWN_ROLE_MESSAGE = gettext_lazy(
    "Du kan ikke gi deg selv en rolle. Be en annen med rett til det om å gjøre det."
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_role_fits(organisation: Organisation, role: str) -> None:
    if ROLE_ORGANISATION_KIND[role] != organisation.kind:  # type: ignore[index]
        raise ValidationError({"role": _("Denne rollen finnes ikke i en slik organisasjon.")})


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
    membership through `add_membership` (with its notice to colleagues), e-mails a one-time
    set-password link (or a neutral notice to a known user who has a password), and writes the
    audit trail. The caller learns nothing about whether the
    address existed. Repeating an invitation (double submit) writes nothing and sends nothing
    while the role is held and the earlier link still works; a deactivated user gets no e-mail.
    Refused when the address is the coordinator's own: nobody gives herself a role.
    """
    require(by, "accounts.manage_staff")
    _check_role_fits(organisation, role)
    email = email.strip().lower()
    if email == by.email.lower():
        raise ValidationError({"email": OWN_ROLE_MESSAGE}, code="own_membership")
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
            record_creation(
                user, by=by, action=AuditAction.USER_INVITE, fields=["email", "full_name"]
            )
    added = (
        add_membership(user, by=by, organisation=organisation, role=role, keep_held=True)
        is not None
    )
    if not user.is_active:
        return user
    if not user.has_usable_password():
        pending = user.invitations.filter(used_at__isnull=True, expires_at__gt=timezone.now())
        if created or added or not pending.exists():
            new_invitation(user, by=by)
            if not created:
                record_change(user, by=by, action=AuditAction.USER_RESEND_INVITATION)
    elif added:
        send_discreet(user.email, "new_role", {})
    return user


@transaction.atomic
def resend_invitation(user: User, *, by: User) -> None:
    """Send a new set-password link (earlier links stop working). Only before the first login.

    Side effects: expires earlier links, creates an invitation, e-mails it, writes the audit trail.
    """
    require(by, "accounts.manage_staff")
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
    record_change(user, by=by, action=AuditAction.USER_RESEND_INVITATION)


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
        user,
        by=user,
        action=AuditAction.USER_ACCEPT_INVITATION,
        changes={"password": ["•••", "•••"]},
    )
    return user


@overload
def add_membership(
    user: User,
    *,
    by: User,
    organisation: Organisation,
    role: str,
    keep_held: Literal[False] = False,
) -> Membership: ...


@overload
def add_membership(
    user: User, *, by: User, organisation: Organisation, role: str, keep_held: bool
) -> Membership | None: ...


@transaction.atomic
def add_membership(
    user: User, *, by: User, organisation: Organisation, role: str, keep_held: bool = False
) -> Membership | None:
    """Give a user a role in an organisation (or reopen an ended one): the one way a role is
    granted, used by the staff pages, the staff invitation and the volunteers' screening.

    Refused when `by` may not grant this role here (PermissionDenied: the national
    coordinator grants staff roles, a group leader the volunteer role in her own branch), when
    the role would go to `by` herself (the "accounts.grant_membership" predicate says no; a
    ValidationError in words when she may grant the role to others), and when the role does
    not exist in such an organisation. A role already held is refused, or with `keep_held`
    left as it is (returns None).

    Side effects: creates or reactivates the membership and writes the audit trail. A role that
    sees women's data (group leader, crisis-centre staff) also e-mails a discreet notice,
    without name or detail, to the organisation's other active group leaders and crisis staff.
    """
    grant: Any = Grant(user, organisation, role)
    if not by.has_perm("accounts.grant_membership", grant):
        to_anyone: Any = Grant(None, organisation, role)
        if user.pk == by.pk and by.has_perm("accounts.grant_membership", to_anyone):
            # She may grant this role, only not to herself: say so in words.
            raise ValidationError(OWN_ROLE_MESSAGE, code="own_membership")
        raise PermissionDenied
    _check_role_fits(organisation, role)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": True}
    )
    if not created:
        reopened = Membership.objects.filter(pk=membership.pk, is_active=False).update(
            is_active=True
        )
        if not reopened:
            if keep_held:
                return None
            raise ValidationError(
                {"role": _("Brukeren har allerede denne rollen i denne organisasjonen.")}
            )
        membership.is_active = True
    record_change(
        membership,
        by=by,
        action=AuditAction.MEMBERSHIP_ADD,
        changes={"role": [None, role], "organisation_id": [None, organisation.pk]},
        organisation=organisation,
    )
    if role in WOMEN_DATA_ROLES:
        _notify_access_granted(membership)
    return membership


def access_grant_recipients(membership: Membership) -> list[str]:
    """Addresses of the organisation's other active group leaders and crisis staff."""
    colleagues = (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, role__in=WOMEN_DATA_ROLES)
        .exclude(user_id=membership.user_id)
        .values_list("user__email", flat=True)
    )
    return sorted(set(colleagues))


def _notify_access_granted(membership: Membership) -> None:
    """One discreet e-mail to each colleague: a role was granted, see Ressursvenn."""
    for address in access_grant_recipients(membership):
        send_discreet(address, "access_granted", {})


@transaction.atomic
def end_membership(membership: Membership, *, by: User) -> None:
    """End a role. A coordinator cannot end her own coordinator role (she would lock herself out).

    Side effects: marks the membership inactive and writes the audit trail.
    """
    require(by, "accounts.manage_staff")
    if membership.user_id == by.pk and membership.role == Role.NATIONAL_COORDINATOR:
        raise ValidationError(_("Du kan ikke avslutte din egen rolle som nasjonal koordinator."))
    ended = Membership.objects.filter(pk=membership.pk, is_active=True).update(is_active=False)
    if not ended:
        raise ValidationError(_("Rollen er allerede avsluttet."))
    membership.is_active = False
    record_change(
        membership,
        by=by,
        action=AuditAction.MEMBERSHIP_END,
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
    require(by, "accounts.manage_staff")
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
        action=AuditAction.USER_ACTIVATE if active else AuditAction.USER_DEACTIVATE,
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
        record_change(user, by=by, action=AuditAction.USER_UPDATE_PROFILE, changes=changes)


@transaction.atomic
def set_task_email(user: User, *, by: User, value: str) -> None:
    """How the user hears about new tasks (her own choice only; urgent concerns always come
    by e-mail whatever she chooses)."""
    if by.pk != user.pk:
        raise PermissionDenied
    if value not in TaskEmail.values:
        raise ValidationError({"task_email": _("Velg hvordan du vil få beskjed om nye oppgaver.")})
    fields = ["task_email"]
    before = snapshot(user, fields)
    user.task_email = value
    user.save(update_fields=fields)
    changes = diff(User, before, snapshot(user, fields))
    if changes:
        record_change(user, by=by, action=AuditAction.USER_TASK_EMAIL, changes=changes)


@transaction.atomic
def change_password(request: HttpRequest, user: User, *, new_password: str) -> None:
    """Set a new password; every other session of the user ends, this one stays."""
    user.set_password(new_password)
    user.session_stamp = new_stamp()
    user.save(update_fields=["password", "session_stamp"])
    update_session_auth_hash(request, user)
    record_change(
        user, by=user, action=AuditAction.USER_CHANGE_PASSWORD, changes={"password": ["•••", "•••"]}
    )


@transaction.atomic
def reset_password(user: User, *, new_password: str) -> User:
    """Set a password from a reset link; every session of the user ends."""
    user.set_password(new_password)
    user.session_stamp = new_stamp()
    user.save(update_fields=["password", "session_stamp"])
    record_change(
        user, by=user, action=AuditAction.USER_RESET_PASSWORD, changes={"password": ["•••", "•••"]}
    )
    return user


def log_out_everywhere(request: HttpRequest) -> None:
    """Log out here and end every other session of the same user."""
    user: Any = request.user
    if user.is_authenticated:
        User.objects.filter(pk=user.pk).update(session_stamp=new_stamp())
        record_change(user, by=user, action=AuditAction.USER_LOGOUT)
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
    record_change(device.user, by=device.user, action=AuditAction.USER_ENROL_TOTP)
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
    record_change(user, by=user, action=AuditAction.USER_REGENERATE_RECOVERY_CODES)
    return codes


# --- Accounts hygiene (accounts/hygiene.py decides; the daily deactivate_unused_accounts runs)

DATABASE_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)
LAST_COORDINATOR_MESSAGE = gettext_lazy(
    "Den siste aktive nasjonale koordinatoren blir ikke deaktivert: uten en koordinator kan "
    "ingen aktivere brukere eller gi roller."
)


def end_stored_sessions(user: User) -> int:
    """Delete the user's live sessions where the session engine keeps them in the database.

    A new session stamp already ends them at their next request; this also removes the rows.
    Sessions do not index their user, so the live ones (at most SESSION_COOKIE_AGE old) are
    decoded one by one. Returns how many were deleted."""
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    live = Session.objects.filter(expire_date__gt=timezone.now())
    keys = [
        session.session_key
        for session in live.iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    for key in keys:
        store(session_key=key).delete()
    return len(keys)


@transaction.atomic
def warn_unused_account(user: User, *, today: datetime.date) -> bool:
    """Warn the owner of a staff account that it will be deactivated for lack of use.

    A system action of the daily `deactivate_unused_accounts` (no `by`: the trail has no
    actor). Checks under the user's row lock that the account is due a warning on `today`
    (`hygiene.due_for`); returns False and changes nothing when it is not (used since,
    already warned since its last use, not a staff account).

    Side effects: the audit event USER_DEACTIVATION_WARNING (by None; `warned_on` and the
    `deactivate_on` it names — the record that she was warned, so she is warned once) and a
    discreet e-mail with that day and the login link, queued in this transaction.
    """
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    due = hygiene.due_for(user, today)
    if due is None or due.step != hygiene.Step.WARN:
        return False
    record_change(
        user,
        by=None,
        action=AuditAction.USER_DEACTIVATION_WARNING,
        changes={"warned_on": today.isoformat(), "deactivate_on": due.deactivate_on.isoformat()},
    )
    send_discreet(
        user.email,
        "account_unused_warning",
        {
            "deactivate_on": due.deactivate_on,
            "link": settings.SITE_URL + reverse("accounts:login"),
        },
    )
    return True


@transaction.atomic
def deactivate_unused_account(user: User, *, today: datetime.date) -> bool:
    """Deactivate a staff account unused for ACCOUNT_UNUSED_DAYS whose owner was warned.

    A system action of the daily `deactivate_unused_accounts` (no `by`: the trail has no
    actor). Locks the user and every active national coordinator (in id order), then checks
    that the account is due a deactivation on `today` (`hygiene.due_for`: never without a
    warning ACCOUNT_WARNING_DAYS before); returns False and changes nothing when it is not.
    Refused (ValidationError, code "last_coordinator") for the last active national
    coordinator: a programme without one has nobody who can reactivate users or grant roles.

    Side effects: is_active False and a new session stamp (each of her sessions ends at its
    next request), her sessions deleted from the session table, unused invitation links
    expired, the audit event USER_DEACTIVATE_UNUSED (by None), and a discreet e-mail that the
    account was deactivated and whom to ask, queued in this transaction.
    """
    coordinators = hygiene.coordinator_memberships().values("user_id")
    list(
        User.objects.select_for_update()
        .filter(Q(pk=user.pk) | Q(pk__in=coordinators))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    due = hygiene.due_for(user, today)
    if due is None or due.step != hygiene.Step.DEACTIVATE:
        return False
    coordinator_ids = hygiene.coordinator_memberships().values_list("user_id", flat=True)
    if hygiene.is_last_coordinator(user.pk, coordinator_ids):
        raise ValidationError(LAST_COORDINATOR_MESSAGE, code="last_coordinator")
    User.objects.filter(pk=user.pk).update(is_active=False, session_stamp=new_stamp())
    user.refresh_from_db(fields=["is_active", "session_stamp"])
    user.invitations.filter(used_at__isnull=True).update(expires_at=timezone.now())
    end_stored_sessions(user)
    record_change(
        user,
        by=None,
        action=AuditAction.USER_DEACTIVATE_UNUSED,
        changes={"is_active": [True, False]},
    )
    send_discreet(user.email, "account_unused_deactivated", {})
    return True
