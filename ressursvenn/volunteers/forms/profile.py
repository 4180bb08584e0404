"""The volunteer's matching profile: the fields she fills in when applying and keeps up to date.

`ProfileFields` is shared by the public application form and the volunteer's own profile page;
capacity, status and everything about screening are not hers to edit.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.vocabulary import Availability, Interest, Language, Mode, Need

MAX_TRAVEL_KM = 500
PHONE_PATTERN = re.compile(r"^\+?[0-9 ]{8,20}$")

PROFILE_FIELDS = (
    "phone",
    "languages",
    "interests",
    "offers",
    "availability",
    "modes",
    "max_travel_km",
)


def _choices(field: str) -> forms.MultipleChoiceField:
    """A checkbox group over one of the shared vocabularies."""
    spec: dict[str, Any] = {
        "languages": (
            Language,
            _("Språk du snakker"),
            _("Velg alle språk du kan føre en samtale på."),
            True,
        ),
        "interests": (Interest, _("Interesser"), _("Hva liker du å gjøre på fritiden?"), False),
        "offers": (
            Need,
            _("Hva kan du hjelpe med?"),
            _("Velg det du har lyst til og kan hjelpe en kvinne med."),
            False,
        ),
        "availability": (
            Availability,
            _("Når kan du vanligvis møtes?"),
            _("Velg alle tider som passer."),
            True,
        ),
        "modes": (
            Mode,
            _("Hvordan kan du møtes?"),
            _("Digitale møter gjør det mulig å hjelpe kvinner som bor langt unna."),
            True,
        ),
    }
    choices, label, help_text, required = spec[field]
    required_messages = {
        "languages": _("Velg minst ett språk."),
        "availability": _("Velg minst én tid du kan møtes."),
        "modes": _("Velg fysisk oppmøte, digitalt eller begge."),
    }
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        required=required,
        choices=choices.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": required_messages.get(field, _("Velg minst ett alternativ.")),
            "invalid_choice": _("Velg bare blant alternativene i listen."),
        },
    )


class ProfileFields(forms.Form):
    """Phone, languages, interests, offers, availability, modes and travel distance."""

    phone = forms.CharField(
        label=_("Telefonnummer"),
        max_length=20,
        help_text=_("For eksempel 912 34 567 eller +47 912 34 567."),
        error_messages={
            "required": _("Skriv inn telefonnummeret ditt."),
            "max_length": _("Telefonnummeret kan være høyst %(limit_value)d tegn."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    languages = _choices("languages")
    interests = _choices("interests")
    offers = _choices("offers")
    availability = _choices("availability")
    modes = _choices("modes")
    max_travel_km = forms.IntegerField(
        label=_("Hvor langt kan du reise for å møte henne (km)?"),
        min_value=0,
        max_value=MAX_TRAVEL_KM,
        initial=25,
        help_text=_(
            "Gjelder møter der dere treffes fysisk. Skriv 0 hvis du bare vil møtes digitalt."
        ),
        error_messages={
            "required": _("Skriv inn hvor mange kilometer du kan reise."),
            "invalid": _("Skriv inn et helt antall kilometer, for eksempel 25."),
            "min_value": _("Antall kilometer kan ikke være negativt."),
            "max_value": _("Skriv inn høyst %(limit_value)s km."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        if not PHONE_PATTERN.match(phone):
            raise ValidationError(
                _("Skriv inn et gyldig telefonnummer med minst 8 sifre, for eksempel 912 34 567.")
            )
        return phone


class ProfileForm(ProfileFields):
    """The volunteer's own profile page; starts from her stored values."""

    def __init__(self, *args: Any, volunteer: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(volunteer, name) for name in PROFILE_FIELDS})
        super().__init__(*args, **kwargs)


class DeclarationForm(forms.Form):
    """Tick "I have read and agree" for the version shown on the page."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    agree = forms.BooleanField(
        label=_("Jeg har lest taushetserklæringen og forplikter meg til å følge den"),
        error_messages={"required": _("Kryss av for at du har lest og godtar erklæringen.")},
    )
