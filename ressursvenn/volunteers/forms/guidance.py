"""Input for guidance groups: a group, its members and a meeting (attendance: AttendanceForm)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ressursvenn.volunteers.actions.guidance import MEMBER_STATUSES, validate_guidance_session
from ressursvenn.volunteers.forms.courses import (
    DATE_ERRORS,
    DATE_WIDGET,
    TIME_WIDGET,
    AttendanceForm,
    BranchChoiceField,
    add_errors,
    aware,
    time_errors,
)
from ressursvenn.volunteers.models import GuidanceGroup, Volunteer

__all__ = [
    "AttendanceForm",
    "GroupForm",
    "GuidanceFilterForm",
    "GuidanceSessionForm",
    "MembersForm",
]


class GuidanceFilterForm(forms.Form):
    """Which volunteers the guidance overview lists."""

    ALL, WITHOUT, WITH = "", "uten", "med"
    show = forms.ChoiceField(
        label=_("Vis"),
        required=False,
        choices=[
            (ALL, _("Alle godkjente")),
            (WITHOUT, _("Uten veiledning i år")),
            (WITH, _("Med veiledning i år")),
        ],
    )


class GroupForm(forms.Form):
    branch = BranchChoiceField(
        label=_("Lokalforening"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Velg lokalforeningen."),
            "invalid_choice": _("Velg en av dine lokalforeninger."),
        },
    )
    name = forms.CharField(
        label=_("Navn på gruppen"),
        max_length=150,
        error_messages={
            "required": _("Skriv inn et navn på gruppen."),
            "max_length": _("Navnet kan være høyst %(limit_value)d tegn (det har %(show_value)d)."),
        },
        help_text=_("Et nøytralt navn, for eksempel «Veiledning høst»."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["branch"]
        field.queryset = branches


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class MembersForm(forms.Form):
    """Tick the approved volunteers of the branch who belong to the group."""

    members = MemberChoiceField(
        label=_("Deltakere"),
        queryset=Volunteer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Velg bare godkjente ressursvenner fra listen.")},
        help_text=_("Godkjente ressursvenner i lokalforeningen."),
    )

    def __init__(self, *args: Any, group: GuidanceGroup, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"members": list(group.members.values_list("pk", flat=True))})
        super().__init__(*args, **kwargs)
        field: Any = self.fields["members"]
        field.queryset = (
            Volunteer.objects.filter(branch_id=group.branch_id)
            .filter(Q(status__in=MEMBER_STATUSES) | Q(guidance_groups=group))
            .distinct()
            .order_by("full_name", "pk")
        )


class GuidanceSessionForm(forms.Form):
    day = forms.DateField(label=_("Dato"), widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    start_time = forms.TimeField(
        label=_("Starter kl."),
        widget=TIME_WIDGET,
        error_messages=time_errors(_("Skriv inn når møtet starter.")),
    )
    place = forms.CharField(
        label=_("Sted"),
        required=False,
        max_length=150,
        help_text=_("Oppgi sted, lenke til digitalt møte eller begge."),
    )
    digital_link = forms.URLField(
        label=_("Lenke til digitalt møte"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Skriv inn en gyldig lenke, som https://meet.jit.si/…")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, start = cleaned.get("day"), cleaned.get("start_time")
        if day and start:
            cleaned["starts_at"] = aware(day, start)
            try:
                validate_guidance_session(
                    starts_at=cleaned["starts_at"],
                    place=cleaned.get("place", ""),
                    digital_link=cleaned.get("digital_link", ""),
                )
            except ValidationError as error:
                add_errors(self, error, {"starts_at": "day"})
        return cleaned

    def session_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "place": data["place"],
            "digital_link": data["digital_link"],
        }
