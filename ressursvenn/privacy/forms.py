"""Input for erasure on request: why, and that the user understands it cannot be undone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ressursvenn.privacy.actions import ErasureReason


class ErasureForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Hvorfor skal opplysningene slettes?"),
        choices=ErasureReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvorfor opplysningene slettes."),
            "invalid_choice": _("Velg hvorfor opplysningene slettes."),
        },
    )
    confirm = forms.BooleanField(
        label=_("Jeg forstår at opplysningene slettes for godt og ikke kan hentes tilbake"),
        error_messages={"required": _("Kryss av for å bekrefte at du forstår dette.")},
    )
