"""Input for extending and closing a match: the new planned end, a closing conversation, the
closure itself. The actions check the dates against the match again (start, today, maximum)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ressursvenn.followup.models import ClosingConversation, Closure
from ressursvenn.lib.forms import date_field
from ressursvenn.lib.text import CleanCharField

NOTE_MAX = 2000
TOO_LONG = _("Skriv høyst %(limit_value)d tegn (det er %(show_value)d).")


class ExtendForm(forms.Form):
    new_end_on = date_field(_("Ny planlagt slutt"))
    reason = CleanCharField(
        label=_("Hvorfor forlenges koblingen?"),
        multiline=True,
        max_length=NOTE_MAX,
        help_text=_("Kort og saklig. Ikke skriv sensitive detaljer."),
        error_messages={
            "required": _("Skriv hvorfor koblingen forlenges."),
            "max_length": TOO_LONG,
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConversationForm(forms.Form):
    """One closing conversation (the party comes from the URL)."""

    held_on = date_field(
        help_text=_("Da samtalen ble holdt, eller da det ble klart at den ikke kunne holdes.")
    )
    mode = forms.ChoiceField(
        label=_("Hvordan"),
        choices=ClosingConversation.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvordan samtalen ble holdt."),
            "invalid_choice": _("Velg hvordan samtalen ble holdt."),
        },
    )
    notes = CleanCharField(
        label=_("Notater"),
        required=False,
        multiline=True,
        max_length=NOTE_MAX,
        help_text=_("Bare gruppeleder ser notatene. Ikke skriv sensitive detaljer."),
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, conversation: ClosingConversation | None = None, **kwargs: Any
    ) -> None:
        if conversation is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "held_on": conversation.held_on,
                "mode": conversation.mode,
                "notes": conversation.notes,
            }
        super().__init__(*args, **kwargs)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Årsak"),
        choices=Closure.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg en årsak."),
            "invalid_choice": _("Velg en årsak fra listen."),
        },
    )
    ended_on = date_field(_("Sluttdato"))
    keep_in_touch = forms.ChoiceField(
        label=_("Har de avtalt å holde kontakten privat etter koblingen?"),
        choices=Closure.KeepInTouch.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg et svar."),
            "invalid_choice": _("Velg et svar fra listen."),
        },
    )
    volunteer_next = forms.ChoiceField(
        label=_("Hva skjer med ressursvennen?"),
        choices=Closure.VolunteerNext.choices,
        initial=Closure.VolunteerNext.AVAILABLE,
        widget=forms.RadioSelect,
        help_text=_(
            "«Tar en pause» eller «Slutter» endrer statusen hennes. Hun får ikke nye koblinger "
            "før hun er tilgjengelig igjen."
        ),
        error_messages={
            "required": _("Velg hva som skjer med ressursvennen."),
            "invalid_choice": _("Velg hva som skjer med ressursvennen."),
        },
    )
    note = CleanCharField(
        label=_("Merknad (valgfritt)"),
        required=False,
        multiline=True,
        max_length=NOTE_MAX,
        help_text=_("Bare gruppeleder ser merknaden. Ikke skriv sensitive detaljer."),
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
