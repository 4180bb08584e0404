"""Input for the koblingsmøte and the match pages: plan/move, outcome, cancel, list filter."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.forms import date_field, time_field
from ressursvenn.lib.text import CleanCharField
from ressursvenn.matching.actions.meetings import check_time, month_range
from ressursvenn.matching.models import Match, MatchingMeeting

DURATIONS = [
    (30, _("30 minutter")),
    (45, _("45 minutter")),
    (60, _("1 time")),
    (90, _("1 ½ time")),
    (120, _("2 timer")),
]
# A house number, postcode or street word: the place must never be an address.
ADDRESS_HINT = re.compile(r"\d|\b(gate|gata|gaten|veg|vei|veien|vegen|plass)\b", re.IGNORECASE)


class MeetingForm(forms.Form):
    """Plan or move the koblingsmøte. Times are Norwegian local time."""

    date = date_field()
    time = time_field()
    duration_minutes = forms.TypedChoiceField(
        label=_("Varighet"),
        choices=DURATIONS,
        coerce=int,
        initial=60,
        error_messages={"invalid_choice": _("Velg en varighet fra listen.")},
    )
    mode = forms.ChoiceField(
        label=_("Møteform"),
        choices=MatchingMeeting.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvordan dere møtes."),
            "invalid_choice": _("Velg en møteform fra listen."),
        },
        help_text=_(
            "På krisesenteret: adressen lagres og vises aldri, krisesenteret gir beskjed om "
            "hvor. Video: en lenke med et tilfeldig romnavn lages og vises på koblingssiden."
        ),
    )
    place = CleanCharField(
        label=_("Sted (bare for offentlig sted)"),
        required=False,
        max_length=80,
        help_text=_(
            "En kort, nøytral beskrivelse, for eksempel «kafeen på biblioteket». Aldri en adresse."
        ),
        error_messages={
            "max_length": _("Skriv høyst %(limit_value)d tegn (det er %(show_value)d)."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    includes_centre_contact = forms.BooleanField(
        label=_("Kontaktpersonen fra krisesenteret deltar"), required=False, initial=True
    )
    includes_group_leader = forms.BooleanField(
        label=_("Gruppelederen deltar"), required=False, initial=True
    )
    sequence = forms.IntegerField(
        label=_("Versjon"),
        widget=forms.HiddenInput,
        min_value=-1,
        error_messages={
            "required": _("Skjemaet er utdatert. Last siden på nytt."),
            "invalid": _("Skjemaet er utdatert. Last siden på nytt."),
            "min_value": _("Skjemaet er utdatert. Last siden på nytt."),
        },
    )

    def __init__(self, *args: Any, meeting: MatchingMeeting | None = None, **kwargs: Any) -> None:
        if meeting is not None and "initial" not in kwargs:
            local = timezone.localtime(meeting.starts_at)
            kwargs["initial"] = {
                "date": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
                "duration_minutes": meeting.duration_minutes,
                "mode": meeting.mode,
                "place": meeting.place,
                "includes_centre_contact": meeting.includes_centre_contact,
                "includes_group_leader": meeting.includes_group_leader,
            }
        super().__init__(*args, **kwargs)
        self.fields["sequence"].initial = meeting.sequence if meeting is not None else -1

    def clean_place(self) -> str:
        place = " ".join(str(self.cleaned_data.get("place") or "").split())
        if place and ADDRESS_HINT.search(place):
            raise ValidationError(
                _(
                    "Skriv en kort beskrivelse uten adresse: ingen gatenavn, husnummer "
                    "eller postnummer."
                )
            )
        return place

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("mode") == MatchingMeeting.Mode.PUBLIC_PLACE
            and not data.get("place")
            and "place" not in self.errors
        ):
            self.add_error("place", _("Beskriv kort hvor dere møtes."))
        day, time = data.get("date"), data.get("time")
        if day is not None and time is not None:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, time))
            try:
                check_time(starts_at)
            except ValidationError as error:
                for message in error.message_dict.get("date", []):
                    self.add_error("date", message)
            else:
                data["starts_at"] = starts_at
        return data

    def action_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "mode": data["mode"],
            "place": data["place"],
            "includes_centre_contact": data["includes_centre_contact"],
            "includes_group_leader": data["includes_group_leader"],
            "expected_sequence": data["sequence"],
        }


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Hvordan gikk koblingsmøtet?"),
        choices=[
            (MatchingMeeting.Outcome.CONTINUE, _("Begge vil fortsette: koblingen starter")),
            (
                MatchingMeeting.Outcome.STOP,
                _("Det blir ikke noe av: hun får plassen sin i køen tilbake"),
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvordan møtet gikk."),
            "invalid_choice": _("Velg hvordan møtet gikk."),
        },
    )
    months = forms.TypedChoiceField(
        label=_("Planlagt varighet"),
        coerce=int,
        required=False,
        help_text=_("Fra datoen for koblingsmøtet."),
        error_messages={"invalid_choice": _("Velg en varighet fra listen.")},
    )
    reason = CleanCharField(
        multiline=True,
        label=_("Begrunnelse (når det ikke blir noe av)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skriv kort og saklig. Lagres kryptert."),
        error_messages={
            "max_length": _("Skriv høyst %(limit_value)d tegn (det er %(show_value)d)."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = month_range()
        field = self.fields["months"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(n, _("%(n)d måneder") % {"n": n}) for n in range(low, high + 1)]
        field.initial = min(max(12, low), high)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == MatchingMeeting.Outcome.CONTINUE and not data.get("months"):
            self.add_error("months", _("Velg hvor lenge koblingen skal vare."))
        if (
            data.get("outcome") == MatchingMeeting.Outcome.STOP
            and not data.get("reason", "").strip()
            and "reason" not in self.errors
        ):
            self.add_error("reason", _("Skriv hvorfor det ikke blir noe av."))
        return data


class CancelForm(forms.Form):
    reason = CleanCharField(
        multiline=True,
        label=_("Hvorfor avbrytes koblingen?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kvinnen får plassen sin i køen tilbake. Lagres kryptert."),
        error_messages={
            "required": _("Skriv en begrunnelse."),
            "max_length": _("Skriv høyst %(limit_value)d tegn (det er %(show_value)d)."),
        },
    )


class MatchFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle")), *list(Match.Status.choices)],
    )
