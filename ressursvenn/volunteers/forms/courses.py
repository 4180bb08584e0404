"""Input for courses: a course, a session, an enrolment and the attendance of a session."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.access import add_errors
from ressursvenn.lib.text import CleanCharField
from ressursvenn.volunteers.actions.courses import ENROLLABLE, validate_session
from ressursvenn.volunteers.models import Course, Volunteer

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_ERRORS = {
    "required": _("Skriv inn datoen."),
    "invalid": _("Skriv inn en gyldig dato, som 31.12.2026."),
}


def time_errors(what: Any) -> dict[str, Any]:
    return {"required": what, "invalid": _("Skriv inn et gyldig klokkeslett, som 18:00.")}


def aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """A local date and time as an aware datetime in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def branch_field() -> BranchChoiceField:
    """The group leader's choice among her branches (queryset set by the form's __init__)."""
    return BranchChoiceField(
        label=_("Lokalforening"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Velg lokalforeningen."),
            "invalid_choice": _("Velg en av dine lokalforeninger."),
        },
    )


def start_time_field(required: Any) -> forms.TimeField:
    return forms.TimeField(
        label=_("Starter kl."), widget=TIME_WIDGET, error_messages=time_errors(required)
    )


def place_field(help_text: Any) -> forms.CharField:
    return CleanCharField(label=_("Sted"), required=False, max_length=150, help_text=help_text)


class MeetingTimeForm(forms.Form):
    """What a course day and a guidance meeting share: a date and start time, a place and/or a
    link to a digital meeting, checked by the area's action before anything is saved.

    A subclass declares `start_time` and `place` (their texts differ) and any further fields,
    and says how the times are combined (`times`), which rule checks them (`validate`), where
    the rule's errors go (`FIELD_MAP`) and what it hands to the action (`DATA`).
    """

    day = forms.DateField(label=_("Dato"), widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    digital_link = forms.URLField(
        label=_("Lenke til digitalt møte"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Skriv inn en gyldig lenke, som https://meet.jit.si/…")},
    )

    FIELD_MAP: dict[str, str] = {"starts_at": "day"}
    DATA: tuple[str, ...] = ("starts_at", "place", "digital_link")

    def times(self, cleaned: dict[str, Any]) -> dict[str, datetime.datetime] | None:
        """The aware datetimes the action needs, or None while a part of them is missing."""
        day, start = cleaned.get("day"), cleaned.get("start_time")
        return {"starts_at": aware(day, start)} if day and start else None

    def validate(self, cleaned: dict[str, Any]) -> None:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        times = self.times(cleaned)
        if times is not None:
            cleaned.update(times)
            try:
                self.validate(cleaned)
            except ValidationError as error:
                add_errors(self, error, self.FIELD_MAP)
        return cleaned

    def session_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.DATA}


class CourseForm(forms.Form):
    """A new course (with `branches`: the group leader chooses among hers) or an edited one."""

    branch = branch_field()
    title = CleanCharField(
        label=_("Navn på kurset"),
        max_length=150,
        error_messages={
            "required": _("Skriv inn navnet på kurset."),
            "max_length": _("Navnet kan være høyst %(limit_value)d tegn (det har %(show_value)d)."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = CleanCharField(
        label=_("Beskrivelse (valgfritt)"),
        required=False,
        multiline=True,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hva kurset handler om og hva deltakerne bør ha med seg."),
    )
    capacity = forms.IntegerField(
        label=_("Antall plasser"),
        min_value=1,
        max_value=500,
        error_messages={
            "required": _("Skriv inn hvor mange som kan delta."),
            "invalid": _("Skriv inn et helt tall."),
            "min_value": _("Kurset må ha minst én plass."),
            "max_value": _("Høyst %(limit_value)s plasser."),
        },
    )
    is_open_for_signup = forms.BooleanField(
        label=_("Åpent for påmelding"),
        required=False,
        initial=True,
        help_text=_("Ressursvenner i lokalforeningen kan melde seg på selv til kurset begynner."),
    )

    def __init__(
        self, *args: Any, branches: Any = None, instance: Course | None = None, **kwargs: Any
    ) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": instance.title,
                    "description": instance.description,
                    "capacity": instance.capacity,
                    "is_open_for_signup": instance.is_open_for_signup,
                },
            )
        super().__init__(*args, **kwargs)
        field: Any = self.fields["branch"]
        if branches is None:
            del self.fields["branch"]
        else:
            field.queryset = branches


class SessionForm(MeetingTimeForm):
    """One session (kursdag): date, start and end time, place and/or digital link."""

    start_time = start_time_field(_("Skriv inn når kursdagen starter."))
    end_time = forms.TimeField(
        label=_("Slutter kl."),
        widget=TIME_WIDGET,
        error_messages=time_errors(_("Skriv inn når kursdagen slutter.")),
    )
    place = place_field(
        _("For eksempel «Sanitetshuset, sal 2». Oppgi sted, lenke eller begge."),
    )
    is_mandatory = forms.BooleanField(
        label=_("Obligatorisk"),
        required=False,
        initial=True,
        help_text=_("Kurset er fullført når alle obligatoriske kursdager er gjennomført."),
    )

    field_order = ["day", "start_time", "end_time", "place", "digital_link", "is_mandatory"]
    FIELD_MAP = {"starts_at": "day", "ends_at": "end_time"}
    DATA = ("starts_at", "ends_at", "place", "digital_link", "is_mandatory")

    def times(self, cleaned: dict[str, Any]) -> dict[str, datetime.datetime] | None:
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if not (day and start and end):
            return None
        return {"starts_at": aware(day, start), "ends_at": aware(day, end)}

    def validate(self, cleaned: dict[str, Any]) -> None:
        validate_session(
            starts_at=cleaned["starts_at"],
            ends_at=cleaned["ends_at"],
            place=cleaned.get("place", ""),
            digital_link=cleaned.get("digital_link", ""),
        )


class VolunteerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.get_status_display().lower()})"


class EnrolForm(forms.Form):
    """Choose a volunteer of the course's branch who is not enrolled yet."""

    volunteer = VolunteerChoiceField(
        label=_("Ressursvenn"),
        queryset=Volunteer.objects.none(),
        empty_label=_("Velg ressursvenn"),
        error_messages={
            "required": _("Velg hvem som skal meldes på."),
            "invalid_choice": _(
                "Velg en søker, en ressursvenn under vurdering eller en godkjent ressursvenn "
                "fra listen."
            ),
        },
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["volunteer"]
        field.queryset = (
            Volunteer.objects.filter(branch_id=course.branch_id, status__in=ENROLLABLE)
            .exclude(enrolments__course=course)
            .order_by("full_name", "pk")
        )


class AttendanceForm(forms.Form):
    """A checkbox per person ("attended"), plus the ids shown, to notice a stale page."""

    shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, people: Iterable[Volunteer], present: set[int], **kwargs: Any):
        self.people = list(people)
        super().__init__(*args, **kwargs)
        self.fields["shown"].initial = self._ids()
        for person in self.people:
            self.fields[f"v{person.pk}"] = forms.BooleanField(
                label=person.full_name, required=False, initial=person.pk in present
            )

    def _ids(self) -> str:
        return ",".join(str(person.pk) for person in self.people)

    def person_fields(self) -> list[forms.BoundField]:
        return [self[f"v{person.pk}"] for person in self.people]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("shown", "") != self._ids():
            raise ValidationError(
                _("Listen over deltakere er endret siden du åpnet siden. Se over og lagre igjen.")
            )
        return cleaned

    def attended(self) -> dict[int, bool]:
        return {person.pk: bool(self.cleaned_data[f"v{person.pk}"]) for person in self.people}
