"""Forms of the reports: the filters of the audit review."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.models import User
from ressursvenn.lib.text import CleanCharField
from ressursvenn.lib.widgets import LongSelect
from ressursvenn.reports import audit

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
# How many of the organisations a name search matched the page names.
NAMED_ORGANISATIONS = 10


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

    # Typed, not chosen from a list: thousands of users and hundreds of organisations as
    # <option>s made the page slow and long to scroll (and a screen reader's list endless).
    email = forms.EmailField(
        label=_("Brukerens e-postadresse"),
        required=False,
        max_length=254,
        help_text=_(
            "Hele adressen, for eksempel kari@eksempel.no. Store og små bokstaver spiller "
            "ingen rolle."
        ),
        error_messages={
            "invalid": _("Skriv en gyldig e-postadresse, for eksempel kari@eksempel.no."),
            "max_length": _("E-postadressen kan være høyst 254 tegn."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    organisation = CleanCharField(
        label=_("Organisasjon"),
        required=False,
        max_length=150,
        help_text=_(
            "Navnet eller en del av det, for eksempel «Narvik». Hendelser i alle "
            "organisasjoner med et navn som passer, vises."
        ),
        error_messages={"max_length": _("Skriv høyst 150 tegn.")},
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
        self.user: User | None = None
        # (id, name) of the organisations the name search matched; None: no search.
        self.organisations: list[tuple[int, str]] | None = None
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

    def clean_email(self) -> str:
        email: str = (self.cleaned_data.get("email") or "").strip()
        if email:
            self.user = audit.user_with_email(email)
            if self.user is None:
                raise forms.ValidationError(
                    _("Ingen bruker har e-postadressen %(email)s. Sjekk at den er skrevet riktig."),
                    params={"email": email},
                )
        return email

    def clean_organisation(self) -> str:
        text: str = (self.cleaned_data.get("organisation") or "").strip()
        if text:
            self.organisations = audit.organisations_named(text)
            if not self.organisations:
                raise forms.ValidationError(
                    _("Ingen organisasjon har et navn som inneholder «%(text)s»."),
                    params={"text": text},
                )
        return text

    def named_organisations(self) -> list[str]:
        """The first names the organisation search matched (for the note on the page)."""
        return [name for _pk, name in (self.organisations or [])[:NAMED_ORGANISATIONS]]

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
            user=self.user,
            organisations=(
                tuple(pk for pk, _name in self.organisations)
                if self.organisations is not None
                else None
            ),
            object_type=data.get("object_type") or "",
            object_id=(data.get("object_id") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
