"""The outcome question (group leader, crisis centre)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ressursvenn.surveys.models import Outcome


class OutcomeForm(forms.Form):
    value = forms.ChoiceField(
        label=_("Lever hun fri fra voldsutøveren?"),
        choices=Outcome.Value.choices,
        widget=forms.RadioSelect(attrs={"class": "ds-input"}),
        help_text=_("Svar ut fra det du vet nå. «Vet ikke» er et godt svar når du ikke vet."),
        error_messages={
            "required": _("Velg et av svarene."),
            "invalid_choice": _("Velg et av svarene."),
        },
    )
