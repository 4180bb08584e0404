"""Users (log in by e-mail), memberships (user × organisation × role) and invitations."""

from __future__ import annotations

import secrets
from functools import cached_property
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.access import scoped
from ressursvenn.lib.crypto import EncryptedTextField
from ressursvenn.organisations.models import Organisation


class Role(models.TextChoices):
    NATIONAL_COORDINATOR = "national_coordinator", _("Nasjonal koordinator")
    GROUP_LEADER = "group_leader", _("Gruppeleder")
    CRISIS_STAFF = "crisis_staff", _("Krisesenteransatt")
    VOLUNTEER = "volunteer", _("Ressursvenn")


# The kind of organisation each role belongs to.
ROLE_ORGANISATION_KIND = {
    Role.NATIONAL_COORDINATOR: Organisation.Kind.NATIONAL,
    Role.GROUP_LEADER: Organisation.Kind.BRANCH,
    Role.CRISIS_STAFF: Organisation.Kind.CRISIS_CENTRE,
    Role.VOLUNTEER: Organisation.Kind.BRANCH,
}
STAFF_ROLES = (Role.NATIONAL_COORDINATOR, Role.GROUP_LEADER, Role.CRISIS_STAFF)
# Roles that see women's data: granting one notifies the organisation and flags the audit page.
WOMEN_DATA_ROLES = (Role.GROUP_LEADER, Role.CRISIS_STAFF)
ROLE_ORDER = [Role.NATIONAL_COORDINATOR, Role.GROUP_LEADER, Role.CRISIS_STAFF, Role.VOLUNTEER]


def new_stamp() -> str:
    return secrets.token_hex(16)


class TaskEmail(models.TextChoices):
    """How a user hears about new tasks (urgent concerns always come by e-mail)."""

    EVERY = "every", _("En e-post for hver ny oppgave")
    DAILY = "daily", _("En samlet e-post om dagen")
    NONE = "none", _("Ingen e-post, bare i Ressursvenn")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)

    def visible_to(self, user: Any) -> models.QuerySet[User]:
        """The users `user` may see: herself, and people of the organisations she works for."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        member_ids = Membership.objects.visible_to(user).values("user_id")
        return scoped(
            self.get_queryset().filter(models.Q(pk__in=member_ids) | models.Q(pk=user.pk)), user
        )


class User(AbstractBaseUser, PermissionsMixin):
    AUDIT_MASKED_FIELDS = ("email", "full_name", "phone")

    email = models.EmailField(_("e-postadresse"), unique=True)
    full_name = models.CharField(_("fullt navn"), max_length=150)
    phone = EncryptedTextField(_("telefon"), blank=True, default="")
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(
        _("systemadministrator"),
        default=False,
        help_text=_("Gir tilgang til den tekniske administrasjonen (Django admin)."),
    )
    date_joined = models.DateTimeField(_("opprettet"), default=timezone.now)
    session_stamp = models.CharField(max_length=32, default=new_stamp, editable=False)
    task_email = models.CharField(
        _("e-post om oppgaver"),
        max_length=10,
        choices=TaskEmail.choices,
        default=TaskEmail.DAILY,
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def first_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else ""

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # The session stamp is part of the hash: changing it ends every session of the user.
        key_salt = "ressursvenn.accounts.User.session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_stamp}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @cached_property
    def roles(self) -> dict[str, set[int]]:
        """Active role → ids of the organisations where the user holds it (one query)."""
        result: dict[str, set[int]] = {}
        rows = self.memberships.filter(is_active=True, organisation__is_active=True)
        for role, organisation_id in rows.values_list("role", "organisation_id"):
            result.setdefault(role, set()).add(organisation_id)
        return result

    def organisation_ids(self, role: str) -> set[int]:
        return self.roles.get(role, set())

    def has_role(self, role: str) -> bool:
        return bool(self.roles.get(role))


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True)

    def visible_to(self, user: Any) -> MembershipQuerySet:
        """National coordinators see staff memberships; others those of their own organisations."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        scope = models.Q(user_id=user.pk)
        if user.has_role(Role.NATIONAL_COORDINATOR):
            scope |= models.Q(role__in=STAFF_ROLES)
        if user.has_role(Role.GROUP_LEADER):
            scope |= models.Q(organisation_id__in=user.organisation_ids(Role.GROUP_LEADER))
        if user.has_role(Role.CRISIS_STAFF):
            scope |= models.Q(
                organisation_id__in=user.organisation_ids(Role.CRISIS_STAFF),
                role=Role.CRISIS_STAFF,
            )
        return scoped(self.filter(scope), user)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[choice.value for choice in Role]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.organisation}"


class Invitation(models.Model):
    """A one-time, expiring link to set a password. Only a hash of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitasjon")
        verbose_name_plural = _("invitasjoner")

    def __str__(self) -> str:
        return f"Invitation {self.pk}"

    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
