"""Input for the activity log: one short form, quick on a phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.followup.models import Activity, Channel
from ressursvenn.lib.forms import date_field
from ressursvenn.lib.text import CleanCharField

DURATIONS = [
    (30, _("30 minutter")),
    (60, _("1 time")),
    (90, _("1 ½ time")),
    (120, _("2 timer")),
    (180, _("3 timer")),
]
NOTE_MAX = 500


def _today() -> Any:
    return timezone.localdate()


class ActivityForm(forms.Form):
    """Log or correct an activity. `occurred_on` defaults to today."""

    occurred_on = date_field(initial=_today)
    kind = forms.ChoiceField(
        label=_("Hva gjorde dere?"),
        choices=Activity.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hva dere gjorde."),
            "invalid_choice": _("Velg hva dere gjorde fra listen."),
        },
    )
    duration_minutes = forms.TypedChoiceField(
        label=_("Hvor lenge?"),
        choices=DURATIONS,
        coerce=int,
        widget=forms.RadioSelect,
        initial=60,
        error_messages={
            "required": _("Velg hvor lenge dere holdt på."),
            "invalid_choice": _("Velg en varighet fra listen."),
        },
    )
    channel = forms.ChoiceField(
        label=_("Hvordan hadde dere kontakt?"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
        initial=Channel.IN_PERSON,
        error_messages={
            "required": _("Velg hvordan dere hadde kontakt."),
            "invalid_choice": _("Velg hvordan dere hadde kontakt."),
        },
    )
    note = CleanCharField(
        multiline=True,
        label=_("Kort merknad (valgfritt)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ikke skriv sensitive opplysninger: ingen navn, adresser, helse eller det hun har "
            "fortalt deg i fortrolighet. Lagres kryptert."
        ),
        error_messages={
            "max_length": _("Skriv høyst %(limit_value)d tegn (det er %(show_value)d)."),
        },
    )
    planned_meeting = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, activity: Activity | None = None, **kwargs: Any) -> None:
        if activity is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "occurred_on": activity.occurred_on,
                "kind": activity.kind,
                "duration_minutes": activity.duration_minutes,
                "channel": activity.channel,
                "note": activity.note,
            }
        super().__init__(*args, **kwargs)
        if activity is not None:
            del self.fields["planned_meeting"]
            known = {value for value, _label in DURATIONS}
            if activity.duration_minutes not in known:
                field = self.fields["duration_minutes"]
                assert isinstance(field, forms.TypedChoiceField)
                field.choices = sorted(
                    [
                        *DURATIONS,
                        (
                            activity.duration_minutes,
                            _("%(n)d minutter") % {"n": activity.duration_minutes},
                        ),
                    ]
                )

    def action_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "occurred_on": data["occurred_on"],
            "kind": data["kind"],
            "duration_minutes": data["duration_minutes"],
            "channel": data["channel"],
            "note": data.get("note") or "",
        }
