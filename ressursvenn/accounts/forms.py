from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.actions import reset_password
from ressursvenn.accounts.models import (
    ROLE_ORGANISATION_KIND,
    STAFF_ROLES,
    Membership,
    Role,
    TaskEmail,
)
from ressursvenn.lib.mail import send_discreet
from ressursvenn.lib.text import CleanCharField
from ressursvenn.lib.widgets import LongSelect
from ressursvenn.organisations.models import Organisation


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-postadresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Passord"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Engangskode"),
        help_text=_("Seks sifre fra autentiseringsappen, eller en av gjenopprettingskodene."),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].replace(" ", "").strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Koden består bare av sifre."))
        return token


class NewPasswordForm(forms.Form):
    """Choose a password (invitation); validated with the project's password rules."""

    new_password1 = forms.CharField(
        label=_("Nytt passord"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minst 12 tegn. Unngå vanlige ord og passord du bruker andre steder."),
    )
    new_password2 = forms.CharField(
        label=_("Gjenta passordet"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("Passordene er ikke like."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned


class DiscreetPasswordResetForm(PasswordResetForm):
    """Django's reset form (silent for unknown addresses) with our discreet e-mail."""

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        context: dict[str, Any] = args[2]
        link = "{protocol}://{domain}".format(**context) + reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        send_discreet(args[4], "password_reset", {"link": link})


class ResetSetPasswordForm(SetPasswordForm):
    def save(self, commit: bool = True) -> Any:
        return reset_password(self.user, new_password=self.cleaned_data["new_password1"])


class ProfileForm(forms.Form):
    full_name = CleanCharField(label=_("Fullt navn"), max_length=150)
    phone = CleanCharField(
        label=_("Telefon"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone and not all(ch.isdigit() or ch in "+ -" for ch in phone):
            raise forms.ValidationError(_("Telefonnummeret kan bare ha sifre, mellomrom og +."))
        return phone


class TaskEmailForm(forms.Form):
    task_email = forms.ChoiceField(
        label=_("Hvordan vil du få beskjed om nye oppgaver?"),
        choices=TaskEmail.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "E-posten sier bare at du har en ny oppgave, aldri navn eller detaljer. "
            "Bekymringsmeldinger som haster får du alltid på e-post."
        ),
        error_messages={
            "required": _("Velg hvordan du vil få beskjed om nye oppgaver."),
            "invalid_choice": _("Velg et av alternativene."),
        },
    )


class SwitchRoleForm(forms.Form):
    membership = forms.ModelChoiceField(queryset=Membership.objects.none(), label=_("Rolle"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Membership.objects.active()
            .filter(user=user, organisation__is_active=True)
            .select_related("organisation")
        )


STAFF_ROLE_CHOICES = [(role.value, role.label) for role in STAFF_ROLES]
_CHOOSE_ROLE = [("", _("Velg rolle")), *STAFF_ROLE_CHOICES]

_ROLE_MISFIT = {
    Role.NATIONAL_COORDINATOR: _("En nasjonal koordinator må høre til N.K.S. sentralt."),
    Role.GROUP_LEADER: _("En gruppeleder må høre til en lokalforening."),
    Role.CRISIS_STAFF: _("En krisesenteransatt må høre til et krisesenter."),
}


class OrganisationChoiceField(forms.ModelChoiceField):
    """Active organisations by name, each labelled with its kind so the role fit is visible."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("Velg organisasjon"))
        kwargs.setdefault("widget", LongSelect)  # ~700 organisations: see lib/widgets.py
        super().__init__(queryset=Organisation.objects.active().order_by("name"), **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


def _check_role_fits(form: forms.Form, cleaned: dict[str, Any]) -> None:
    """A role only exists in one kind of organisation; the error sits next to the role."""
    organisation, role = cleaned.get("organisation"), cleaned.get("role")
    if organisation is None or not role:
        return
    if ROLE_ORGANISATION_KIND[Role(role)] != organisation.kind:
        form.add_error("role", _ROLE_MISFIT[Role(role)])


class InviteForm(forms.Form):
    full_name = CleanCharField(
        label=_("Fullt navn"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-postadresse"),
        max_length=254,
        help_text=_("Personen får en lenke for å velge passord. Lenken kan brukes én gang."),
        error_messages={
            "invalid": _("Skriv en gyldig e-postadresse, for eksempel navn@example.no.")
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    organisation = OrganisationChoiceField(label=_("Organisasjon"))
    role = forms.ChoiceField(
        label=_("Rolle"),
        choices=_CHOOSE_ROLE,
        help_text=_(
            "Gruppeleder hører til en lokalforening, krisesenteransatt til et krisesenter "
            "og nasjonal koordinator til N.K.S. sentralt."
        ),
    )

    def clean_full_name(self) -> str:
        return " ".join(str(self.cleaned_data["full_name"]).split())

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_role_fits(self, cleaned)
        return cleaned


class MembershipForm(forms.Form):
    organisation = OrganisationChoiceField(label=_("Organisasjon"))
    role = forms.ChoiceField(
        label=_("Rolle"),
        choices=_CHOOSE_ROLE,
        help_text=_(
            "Gruppeleder hører til en lokalforening, krisesenteransatt til et krisesenter "
            "og nasjonal koordinator til N.K.S. sentralt."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_role_fits(self, cleaned)
        return cleaned


class StaffStatus(models.TextChoices):
    """A staff user's state as the user list shows it (computed, not stored)."""

    ACTIVE = "active", _("Aktiv")
    PENDING = "pending", _("Venter på å sette passord")
    EXPIRED = "expired", _("Invitasjonen er utløpt")
    INACTIVE = "inactive", _("Deaktivert")


class StaffFilterForm(forms.Form):
    """Filters of the user list (GET). Invalid values are ignored and shown as field errors."""

    q = CleanCharField(
        label=_("Søk etter navn eller e-post"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisasjon"),
        queryset=Organisation.objects.only("pk", "name").order_by("name"),
        required=False,
        empty_label=_("Alle organisasjoner"),
        widget=LongSelect,  # ~700 options: one template per option took half the page's time
    )
    role = forms.ChoiceField(
        label=_("Rolle"), choices=[("", _("Alle roller")), *STAFF_ROLE_CHOICES], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alle")), *StaffStatus.choices], required=False
    )
