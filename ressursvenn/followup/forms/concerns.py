"""Input for concerns: the report, the acknowledgement and the resolution."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ressursvenn.followup.models import Concern
from ressursvenn.lib.text import CleanCharField

MAX_LENGTH = _("Skriv høyst %(limit_value)d tegn (det er %(show_value)d).")


class ConcernForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Hva gjelder det?"),
        choices=Concern.Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hva det gjelder."),
            "invalid_choice": _("Velg hva det gjelder fra listen."),
        },
    )
    severity = forms.ChoiceField(
        label=_("Hvor alvorlig er det?"),
        choices=Concern.Severity.choices,
        widget=forms.RadioSelect,
        help_text=_("Haster: gruppelederen og krisesenteret får beskjed med en gang."),
        error_messages={
            "required": _("Velg hvor alvorlig det er."),
            "invalid_choice": _("Velg hvor alvorlig det er fra listen."),
        },
    )
    description = CleanCharField(
        multiline=True,
        label=_("Hva har skjedd?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Skriv kort hva du har sett eller hørt, og når. Bare gruppelederen og "
            "krisesenteret kan lese det. Lagres kryptert."
        ),
        error_messages={"required": _("Skriv hva som har skjedd."), "max_length": MAX_LENGTH},
    )


class AcknowledgeForm(forms.Form):
    """The hidden `status` is what the page showed: a second submit finds it changed."""

    note = CleanCharField(
        multiline=True,
        label=_("Merknad (valgfritt)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For eksempel hva du gjør videre. Lagres kryptert."),
        error_messages={"max_length": MAX_LENGTH},
    )
    status = forms.ChoiceField(
        choices=[(Concern.Status.NEW, Concern.Status.NEW)],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Skjemaet er utdatert. Last siden på nytt."),
            "invalid_choice": _("Skjemaet er utdatert. Last siden på nytt."),
        },
    )


class ResolveForm(forms.Form):
    resolution = CleanCharField(
        multiline=True,
        label=_("Hva er gjort?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Bare gruppelederen og krisesenteret kan lese det. Lagres kryptert."),
        error_messages={"required": _("Skriv hva som er gjort."), "max_length": MAX_LENGTH},
    )
