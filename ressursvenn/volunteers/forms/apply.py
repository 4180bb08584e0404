"""The public application form ("Bli ressursvenn")."""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.text import CleanCharField
from ressursvenn.organisations.models import District, Municipality
from ressursvenn.organisations.reference import OSLO
from ressursvenn.volunteers.forms.profile import ProfileFields
from ressursvenn.volunteers.models import age_on

OLDEST_AGE = 110
HONEYPOT = "website"
TOKEN = "token"  # noqa: S105 (a field name)
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class ApplicationForm(ProfileFields):
    """Everything the public form asks. The honeypot `website` must stay empty; `token` is
    the form's one-time token (a new one on every page view), which makes a second submit of
    the same page store nothing."""

    full_name = CleanCharField(
        label=_("Fullt navn"),
        max_length=150,
        error_messages={
            "required": _("Skriv inn navnet ditt."),
            "max_length": _("Navnet kan være høyst %(limit_value)d tegn."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-postadresse"),
        max_length=254,
        error_messages={
            "required": _("Skriv inn e-postadressen din."),
            "invalid": _("Skriv inn en gyldig e-postadresse, som navn@eksempel.no."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    date_of_birth = forms.DateField(
        label=_("Fødselsdato"),
        help_text=_("Du må ha fylt 25 år for å bli ressursvenn."),
        error_messages={
            "required": _("Skriv inn fødselsdatoen din."),
            "invalid": _("Skriv inn en gyldig dato, som 31.12.1980."),
        },
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune du bor i"),
        queryset=Municipality.objects.order_by("name"),
        empty_label=_("Velg kommune"),
        error_messages={
            "required": _("Velg kommunen du bor i."),
            "invalid_choice": _("Velg en kommune fra listen."),
        },
    )
    district = forms.ModelChoiceField(
        label=_("Bydel (bare for Oslo)"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("Ikke i Oslo"),
        help_text=_("Bor du i Oslo, velg bydelen. Da får du en lokalforening nær deg."),
        error_messages={"invalid_choice": _("Velg en bydel fra listen.")},
    )
    self_declared_woman = forms.BooleanField(
        label=_("Jeg bekrefter at jeg er kvinne"),
        help_text=_("Ressursvenner er kvinner. Dette er en egenerklæring."),
        error_messages={"required": _("Du må bekrefte at du er kvinne for å søke.")},
    )
    motivation = CleanCharField(
        label=_("Hvorfor vil du bli ressursvenn? (valgfritt)"),
        required=False,
        max_length=2000,
        multiline=True,
        help_text=_("Noen setninger holder. Ikke skriv opplysninger om andre personer."),
        error_messages={"max_length": _("Skriv høyst %(limit_value)d tegn.")},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    website = forms.CharField(
        label=_("Nettsted (la feltet stå tomt)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(required=False, strip=True, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"max_travel_km": 25, "languages": ["nb"], TOKEN: secrets.token_urlsafe(24)},
        )
        super().__init__(*args, **kwargs)

    def clean_token(self) -> str | None:
        """The form's one-time token, or None (an old page without one, or a forged value:
        the submit is then recognised by its address only; never an error she cannot fix)."""
        token = self.cleaned_data.get(TOKEN) or ""
        return token if TOKEN_PATTERN.fullmatch(token) else None

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_date_of_birth(self) -> datetime.date:
        born: datetime.date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise ValidationError(_("Fødselsdatoen kan ikke være fram i tid."))
        if age_on(born, today) > OLDEST_AGE:
            raise ValidationError(_("Sjekk fødselsdatoen: den er for langt tilbake i tid."))
        return born

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        municipality = cleaned.get("municipality")
        district = cleaned.get("district")
        if municipality is not None:
            if municipality.pk == OSLO and district is None:
                self.add_error("district", _("Velg bydelen du bor i."))
            elif municipality.pk != OSLO and district is not None:
                self.add_error(
                    "district",
                    _("Bydel gjelder bare Oslo. Velg «Ikke i Oslo» eller kommunen Oslo."),
                )
        return cleaned

    @property
    def is_bot(self) -> bool:
        """The hidden honeypot field was filled in: a person never sees it."""
        return bool(self.cleaned_data.get(HONEYPOT))

    @property
    def submit_token(self) -> str | None:
        return self.cleaned_data.get(TOKEN)

    def application_data(self) -> dict[str, Any]:
        """The cleaned values the action stores (without the honeypot and the token)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in (HONEYPOT, TOKEN)
        }
