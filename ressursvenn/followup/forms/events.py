"""Input for social events: the event itself, a volunteer's answer, and who came."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.followup.actions.events import check_start
from ressursvenn.followup.models import EventSignup, SocialEvent
from ressursvenn.lib.forms import date_field, time_field
from ressursvenn.lib.text import CleanCharField
from ressursvenn.matching.forms.meetings import ADDRESS_HINT

MAX_LENGTH = _("Skriv høyst %(limit_value)d tegn (det er %(show_value)d).")
DURATIONS = [
    (30, _("30 minutter")),
    (60, _("1 time")),
    (90, _("1 ½ time")),
    (120, _("2 timer")),
    (180, _("3 timer")),
    (240, _("4 timer")),
]
IN_PERSON, DIGITAL = "in_person", "digital"


class EventForm(forms.Form):
    """Create or change a social event. Times are Norwegian local time."""

    branch: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Lokalforening"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Velg lokalforening."),
            "invalid_choice": _("Velg en lokalforening fra listen."),
        },
    )
    title = CleanCharField(
        label=_("Tittel"),
        max_length=120,
        help_text=_("For eksempel «Digital kaffe» eller «Tur rundt Sognsvann»."),
        error_messages={"required": _("Skriv en tittel."), "max_length": MAX_LENGTH},
    )
    description = CleanCharField(
        multiline=True,
        label=_("Om treffet (valgfritt)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Alle som er invitert, ser teksten. Skriv aldri navn eller adresser."),
        error_messages={"max_length": MAX_LENGTH},
    )
    date = date_field()
    time = time_field()
    duration_minutes = forms.TypedChoiceField(
        label=_("Varighet"),
        choices=DURATIONS,
        coerce=int,
        initial=90,
        error_messages={
            "required": _("Velg en varighet."),
            "invalid_choice": _("Velg en varighet fra listen."),
        },
    )
    mode = forms.ChoiceField(
        label=_("Hvor"),
        choices=[(IN_PERSON, _("Et offentlig sted")), (DIGITAL, _("Digitalt (video)"))],
        widget=forms.RadioSelect,
        initial=IN_PERSON,
        error_messages={
            "required": _("Velg om treffet er på et sted eller digitalt."),
            "invalid_choice": _("Velg om treffet er på et sted eller digitalt."),
        },
    )
    place = CleanCharField(
        label=_("Sted (når dere møtes)"),
        required=False,
        max_length=150,
        help_text=_(
            "Et offentlig sted, kort og nøytralt, for eksempel «Biblioteket på Tøyen». "
            "Aldri en adresse."
        ),
        error_messages={"max_length": MAX_LENGTH},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    video_url = forms.URLField(
        label=_("Lenke til digitalt treff (valgfritt)"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("La feltet stå tomt, så lages et videorom med et tilfeldig navn."),
        error_messages={
            "invalid": _("Skriv en hel lenke som begynner med https://."),
            "max_length": MAX_LENGTH,
        },
    )
    capacity = forms.IntegerField(
        label=_("Antall plasser"),
        min_value=1,
        max_value=500,
        help_text=_("Hver ressursvenn tar én plass, et par tar to."),
        error_messages={
            "required": _("Skriv hvor mange som kan komme."),
            "invalid": _("Skriv et helt tall."),
            "min_value": _("Det må være minst én plass."),
            "max_value": _("Høyst %(limit_value)d plasser."),
        },
    )
    audience = forms.ChoiceField(
        label=_("For hvem"),
        choices=SocialEvent.Audience.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvem treffet er for."),
            "invalid_choice": _("Velg hvem treffet er for."),
        },
        help_text=_(
            "Aktive par: ressursvenner med en aktiv kobling inviteres og kan ta med kvinnen. "
            "Bare ressursvenner: alle godkjente ressursvenner i lokalforeningen."
        ),
    )

    def __init__(
        self,
        *args: Any,
        branches: Any = None,
        event: SocialEvent | None = None,
        **kwargs: Any,
    ) -> None:
        self.event = event
        self.single_branch: Any = None
        if event is not None and "initial" not in kwargs:
            local = timezone.localtime(event.starts_at)
            kwargs["initial"] = {
                "title": event.title,
                "description": event.description,
                "date": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
                "duration_minutes": event.duration_minutes,
                "mode": DIGITAL if event.video_url else IN_PERSON,
                "place": event.place,
                "video_url": event.video_url,
                "capacity": event.capacity,
                "audience": event.audience,
            }
        super().__init__(*args, **kwargs)
        if event is not None or branches is None:
            del self.fields["branch"]
        else:
            field = self.fields["branch"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = branches
            rows = list(branches)
            if len(rows) == 1:
                self.single_branch = rows[0]
                field.widget = forms.HiddenInput()
                field.initial = rows[0].pk
                field.required = False

    @property
    def several_branches(self) -> bool:
        field = self.fields.get("branch")
        return field is not None and not isinstance(field.widget, forms.HiddenInput)

    def clean_branch(self) -> Any:
        return self.cleaned_data.get("branch") or self.single_branch

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

    def clean_video_url(self) -> str:
        url = str(self.cleaned_data.get("video_url") or "").strip()
        if url and not url.lower().startswith("https://"):
            raise ValidationError(_("Skriv en hel lenke som begynner med https://."))
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == IN_PERSON and not data.get("place") and "place" not in self.errors:
            self.add_error("place", _("Skriv hvor dere møtes, for eksempel «biblioteket»."))
        day, time = data.get("date"), data.get("time")
        if day is not None and time is not None:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, time))
            unchanged = self.event is not None and starts_at == self.event.starts_at
            try:
                if not unchanged:
                    check_start(starts_at)
            except ValidationError as error:
                for message in error.message_dict.get("date", []):
                    self.add_error("date", message)
            else:
                data["starts_at"] = starts_at
        return data

    def action_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        digital = data["mode"] == DIGITAL
        return {
            "title": data["title"],
            "description": data["description"],
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "capacity": data["capacity"],
            "audience": data["audience"],
            "digital": digital,
            "place": "" if digital else data["place"],
            "video_url": data["video_url"] if digital else "",
        }


class AnswerForm(forms.Form):
    """The volunteer's answer to an invitation. "Vi kommer begge" only for an event for
    active pairs when she has an active match (with a choice of match if she has several)."""

    answer = forms.ChoiceField(
        label=_("Ditt svar"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg et svar."),
            "invalid_choice": _("Velg et av svarene."),
        },
    )
    match = forms.TypedChoiceField(
        label=_("Hvem kommer du sammen med?"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Velg en av koblingene dine.")},
    )

    def __init__(self, *args: Any, event: SocialEvent, matches: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matches = {match.pk: match for match in matches}
        choices = [(EventSignup.Answer.SELF, EventSignup.Answer.SELF.label)]
        if event.audience == SocialEvent.Audience.PAIRS and matches:
            choices.append((EventSignup.Answer.PAIR, EventSignup.Answer.PAIR.label))
        choices.append((EventSignup.Answer.NO, EventSignup.Answer.NO.label))
        answer = self.fields["answer"]
        assert isinstance(answer, forms.ChoiceField)
        answer.choices = choices
        field = self.fields["match"]
        assert isinstance(field, forms.TypedChoiceField)
        if len(matches) > 1:
            field.choices = [(m.pk, m.referral.first_name) for m in matches]
        else:
            del self.fields["match"]

    def chosen_match(self) -> Any:
        if self.cleaned_data.get("answer") != EventSignup.Answer.PAIR:
            return None
        if "match" in self.fields:
            return self.matches.get(self.cleaned_data.get("match") or 0)
        return next(iter(self.matches.values()), None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("answer") == EventSignup.Answer.PAIR
            and "match" in self.fields
            and not data.get("match")
            and "match" not in self.errors
        ):
            self.add_error("match", _("Velg hvem du kommer sammen med."))
        return data


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("Hvem kom?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kryss av for dem som kom. Et par som kom, teller som en aktivitet."),
        error_messages={"invalid_choice": _("Velg blant dem som har meldt seg på.")},
    )

    def __init__(self, *args: Any, signups: list[EventSignup], **kwargs: Any) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = {"attended": [s.pk for s in signups if s.attended]}
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(signup.pk, _label(signup)) for signup in signups]


def _label(signup: EventSignup) -> str:
    name = signup.volunteer.full_name
    if signup.answer == EventSignup.Answer.PAIR:
        return str(_("%(name)s og kvinnen hun følger (2 plasser)") % {"name": name})
    return name
