"""Input for guidance groups: a group, its members and a meeting (attendance: AttendanceForm)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.text import CleanCharField
from ressursvenn.volunteers.actions.guidance import MEMBER_STATUSES, validate_guidance_session
from ressursvenn.volunteers.forms.courses import (
    AttendanceForm,
    MeetingTimeForm,
    branch_field,
    place_field,
    start_time_field,
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
    branch = branch_field()
    name = CleanCharField(
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


class GuidanceSessionForm(MeetingTimeForm):
    start_time = start_time_field(_("Skriv inn når møtet starter."))
    place = place_field(_("Oppgi sted, lenke til digitalt møte eller begge."))

    field_order = ["day", "start_time", "place", "digital_link"]

    def validate(self, cleaned: dict[str, Any]) -> None:
        validate_guidance_session(
            starts_at=cleaned["starts_at"],
            place=cleaned.get("place", ""),
            digital_link=cleaned.get("digital_link", ""),
        )
