"""Reporting periods and their targets (the national coordinator)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.forms import date_field
from ressursvenn.lib.text import CleanCharField
from ressursvenn.lib.widgets import LongSelect
from ressursvenn.organisations.models import Organisation
from ressursvenn.surveys.actions.targets import MAX_TARGET
from ressursvenn.surveys.targets import METRICS

NATIONAL = ""


class PeriodForm(forms.Form):
    name = CleanCharField(
        label=_("Navn"),
        max_length=120,
        help_text=_("For eksempel «Stiftelsen Dam 2027» eller «2027»."),
        error_messages={
            "required": _("Skriv et navn på perioden."),
            "max_length": _("Navnet kan være høyst 120 tegn."),
        },
    )
    funder = CleanCharField(
        label=_("Tilskuddsgiver"),
        max_length=120,
        required=False,
        help_text=_("Den som gir tilskuddet, hvis perioden er et tilskudd. Kan stå tomt."),
        error_messages={"max_length": _("Navnet kan være høyst 120 tegn.")},
    )
    starts_on = date_field(_("Fra og med"))
    ends_on = date_field(_("Til og med"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Til-datoen kan ikke være før fra-datoen."))
        return cleaned


def _value_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Mål"),
        min_value=1,
        max_value=MAX_TARGET,
        help_text=_("Et helt tall, for eksempel 50."),
        error_messages={
            "required": _("Skriv målet som et helt tall."),
            "invalid": _("Skriv målet som et helt tall, for eksempel 50."),
            "min_value": _("Målet må være minst 1."),
            "max_value": _("Målet kan være høyst 1 000 000."),
        },
    )


class TargetForm(forms.Form):
    """A new target: the figure, the scope (the whole country or a branch) and the value."""

    metric = forms.ChoiceField(
        label=_("Mål for"),
        choices=[("", _("Velg")), *METRICS.items()],
        error_messages={
            "required": _("Velg hva målet gjelder."),
            "invalid_choice": _("Velg hva målet gjelder, fra listen."),
        },
    )
    organisation = forms.ChoiceField(
        label=_("Gjelder"),
        required=False,
        widget=LongSelect,
        error_messages={"invalid_choice": _("Velg hele landet eller en lokalforening fra listen.")},
    )
    value = _value_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branches = Organisation.objects.branches().order_by("name").values_list("pk", "name")
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            (NATIONAL, _("Hele landet")),
            (_("Lokalforeninger"), [(str(pk), name) for pk, name in branches]),
        ]

    def branch(self) -> Organisation | None:
        """The chosen branch (None: the whole country) of a valid form."""
        chosen = self.cleaned_data.get("organisation") or NATIONAL
        if chosen == NATIONAL:
            return None
        branch = Organisation.objects.branches().filter(pk=int(chosen)).first()
        if branch is None:  # gone since the form was shown
            raise ValidationError(
                {"organisation": _("Velg hele landet eller en lokalforening fra listen.")}
            )
        return branch


class TargetValueForm(forms.Form):
    value = _value_field()
