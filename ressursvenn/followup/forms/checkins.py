"""Input for the check-ins: recording one, and a guidance-group meeting counted as one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.followup.models import CheckIn
from ressursvenn.lib.forms import date_field
from ressursvenn.lib.text import CleanCharField

RATINGS = [
    (1, _("1 – Svært dårlig")),
    (2, _("2 – Dårlig")),
    (3, _("3 – Middels")),
    (4, _("4 – Bra")),
    (5, _("5 – Svært bra")),
]
MODES = [
    (CheckIn.Mode.IN_PERSON, _("Møte")),
    (CheckIn.Mode.VIDEO, _("Video")),
    (CheckIn.Mode.PHONE, _("Telefon")),
]
YES_NO = [("no", _("Nei")), ("yes", _("Ja"))]
TOO_LONG = _("Skriv høyst %(limit_value)d tegn (det er %(show_value)d).")


class CheckInForm(forms.Form):
    """Record a check-in. `via` (directly or through the crisis centre) only for the woman's."""

    held_on = date_field(
        _("Dato for samtalen"), required_message=_("Velg datoen samtalen ble holdt.")
    )
    mode = forms.ChoiceField(
        label=_("Hvordan ble samtalen holdt?"),
        choices=MODES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvordan samtalen ble holdt."),
            "invalid_choice": _("Velg hvordan samtalen ble holdt."),
        },
    )
    via = forms.ChoiceField(
        label=_("Med kvinnen"),
        choices=CheckIn.Via.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg om samtalen var direkte med henne eller gjennom krisesenteret."),
            "invalid_choice": _(
                "Velg om samtalen var direkte med henne eller gjennom krisesenteret."
            ),
        },
    )
    rating = forms.TypedChoiceField(
        label=_("Hvordan går koblingen?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvordan koblingen går, fra 1 til 5."),
            "invalid_choice": _("Velg hvordan koblingen går, fra 1 til 5."),
        },
    )
    notes = CleanCharField(
        multiline=True,
        label=_("Notater"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Skriv kort og saklig. Lagres kryptert og vises bare for gruppelederne."),
        error_messages={"max_length": TOO_LONG},
    )
    followup_needed = forms.TypedChoiceField(
        label=_("Trengs det oppfølging?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg om det trengs oppfølging."),
            "invalid_choice": _("Velg om det trengs oppfølging."),
        },
    )
    followup_what = CleanCharField(
        multiline=True,
        label=_("Hva må følges opp? (når det trengs)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lagres kryptert."),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args: Any, checkin: CheckIn, default_via: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checkin = checkin
        if checkin.party == CheckIn.Party.WOMAN:
            self.fields["via"].initial = default_via
            self.fields["via"].help_text = _(
                "Forhåndsvalgt etter det hun har avtalt om kontakt. Endre hvis det var annerledes."
            )
        else:
            del self.fields["via"]
        self.fields["held_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("followup_needed")
            and not (data.get("followup_what") or "").strip()
            and "followup_what" not in self.errors
        ):
            self.add_error("followup_what", _("Skriv hva som må følges opp."))
        return data

    def action_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "mode": data["mode"],
            "via": data.get("via", ""),
            "rating": data["rating"],
            "notes": data.get("notes") or "",
            "followup_needed": bool(data["followup_needed"]),
            "followup_what": data.get("followup_what") or "",
        }


class GroupCheckInForm(forms.Form):
    """Tick the volunteers for whom the guidance meeting counts as their check-in."""

    # Not "matches": a form control of that name would shadow HTMLFormElement.matches().
    selected = forms.TypedMultipleChoiceField(
        label=_("Teller som oppfølgingssamtale for"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bare de du krysser av, får møtet registrert som oppfølgingssamtale."),
        error_messages={
            "required": _("Kryss av for minst én ressursvenn."),
            "invalid_choice": _("En av ressursvennene kan ikke velges her. Last siden på nytt."),
        },
    )

    def __init__(self, *args: Any, candidates: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["selected"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [
            (row["match"].pk, row["volunteer"].full_name)
            for row in candidates
            if not row["counted"]
        ]

    def clean_selected(self) -> list[int]:
        value = self.cleaned_data.get("selected") or []
        if not value:
            raise ValidationError(_("Kryss av for minst én ressursvenn."))
        return list(value)
