"""Input for a pause for safety and for confirming the resume."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.text import CleanCharField

STALE = _("Skjemaet er utdatert. Last siden på nytt.")


class PauseForm(forms.Form):
    reason = CleanCharField(
        multiline=True,
        label=_("Hvorfor settes koblingen på pause?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Ressursvennen får bare vite at koblingen er satt på pause, ikke hvorfor. "
            "Lagres kryptert."
        ),
        error_messages={
            "required": _("Skriv hvorfor koblingen settes på pause."),
            "max_length": _("Skriv høyst %(limit_value)d tegn (det er %(show_value)d)."),
        },
    )


class ResumeForm(forms.Form):
    """`pause` is the pause the page showed (a stale page or a second submit is refused)."""

    pause = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": STALE, "invalid": STALE, "min_value": STALE},
    )
    move_end = forms.BooleanField(
        label=_("Flytt planlagt slutt like mange dager som pausen varte"),
        required=False,
        initial=True,
    )
