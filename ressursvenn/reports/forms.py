"""Forms of the reports: the filters of the audit review."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.models import User
from ressursvenn.lib.widgets import LongSelect
from ressursvenn.organisations.models import Organisation
from ressursvenn.reports import audit

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv en gyldig dato, for eksempel 31.12.2025.")},
    )


class AuditFilterForm(forms.Form):
    """Filters of the audit review; every field is optional."""

    user = UserChoiceField(
        label=_("Bruker"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Alle brukere"),
        error_messages={"invalid_choice": _("Velg en bruker fra listen.")},
        widget=LongSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisasjon"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Alle organisasjoner"),
        error_messages={"invalid_choice": _("Velg en organisasjon fra listen.")},
        widget=LongSelect,
    )
    object_type = forms.ChoiceField(
        label=_("Type oppføring"),
        required=False,
        widget=LongSelect,
        error_messages={"invalid_choice": _("Velg en type fra listen.")},
    )
    object_id = forms.CharField(
        label=_("Oppføringens id"),
        required=False,
        max_length=64,
        help_text=_("Nummeret på oppføringen, for eksempel 12."),
        error_messages={"max_length": _("Id-en kan være høyst 64 tegn.")},
    )
    date_from = _date_field(_("Fra dato"))
    date_to = _date_field(_("Til dato"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = audit.users_in_logs()  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = audit.organisations()  # type: ignore[attr-defined]
        self.fields["object_type"].choices = [  # type: ignore[attr-defined]
            ("", _("Alle typer")),
            *audit.record_type_choices(),
        ]

    def _in_range(self, name: str) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                _("Velg en dato mellom %(first)s og %(last)s."),
                params={
                    "first": EARLIEST.strftime("%d.%m.%Y"),
                    "last": LATEST.strftime("%d.%m.%Y"),
                },
            )
        return day

    def clean_date_from(self) -> datetime.date | None:
        return self._in_range("date_from")

    def clean_date_to(self) -> datetime.date | None:
        return self._in_range("date_to")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("Til-datoen kan ikke være før fra-datoen."))
        return cleaned

    def filters(self) -> audit.Filters:
        """The filters of a valid form."""
        data = self.cleaned_data
        return audit.Filters(
            user=data.get("user"),
            organisation=data.get("organisation"),
            object_type=data.get("object_type") or "",
            object_id=(data.get("object_id") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
