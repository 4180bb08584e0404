"""Input for the pair's own meetings: plan or move one. Times are Norwegian local time."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.followup.actions.meetings import check_time
from ressursvenn.followup.forms.activities import DURATIONS
from ressursvenn.followup.models import PlannedMeeting
from ressursvenn.lib.forms import date_field, time_field

STALE = _("Skjemaet er utdatert. Last siden på nytt.")


class PairMeetingForm(forms.Form):
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
        label=_("Hvordan møtes dere?"),
        choices=PlannedMeeting.Mode.choices,
        widget=forms.RadioSelect,
        initial=PlannedMeeting.Mode.IN_PERSON,
        help_text=_("Digitalt: dere bruker videorommet deres, som du finner på koblingssiden."),
        error_messages={
            "required": _("Velg om dere møtes eller har et videomøte."),
            "invalid_choice": _("Velg om dere møtes eller har et videomøte."),
        },
    )
    sequence = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": STALE},
    )

    def __init__(self, *args: Any, meeting: PlannedMeeting | None = None, **kwargs: Any) -> None:
        if meeting is not None and "initial" not in kwargs:
            local = timezone.localtime(meeting.starts_at)
            kwargs["initial"] = {
                "date": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
                "duration_minutes": meeting.duration_minutes,
                "mode": meeting.mode,
            }
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        if meeting is not None:
            self.fields["sequence"].initial = meeting.sequence
            self.fields["sequence"].required = True
            self.fields["sequence"].error_messages["required"] = STALE

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
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
        arguments = {
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "mode": data["mode"],
        }
        if self.meeting is not None:
            arguments["expected_sequence"] = data["sequence"]
        return arguments


class CancelPairMeetingForm(forms.Form):
    sequence = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": STALE, "invalid": STALE}
    )
