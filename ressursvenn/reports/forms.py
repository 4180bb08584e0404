"""Forms of the reports: the filters of the audit review, and the period and scope of the
programme dashboard (used by its exports and the funder report too)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.models import User
from ressursvenn.lib.forms import date_field
from ressursvenn.lib.text import CleanCharField
from ressursvenn.lib.widgets import LongSelect
from ressursvenn.reports import audit, dashboard
from ressursvenn.surveys.models import ReportingPeriod

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


# --- the programme dashboard ------------------------------------------------------------------

LONGEST_SPAN_DAYS = 5 * 366  # five years: longer makes the monthly chart unreadable
REFUSED_AREA = _("Du kan bare se tall for områdene i listen.")


class ReportForm(forms.Form):
    """The period and the scope of the dashboard (a GET form; every field optional).

    The period is a reporting period (its dates win) or the dates from/to; with neither, this
    calendar year; one date alone, the rest of its calendar year. The scope is one of
    ``dashboard.area_choices(user)`` (default: ``dashboard.default_area``). A county or a
    branch the user may not see is an error and sets ``refused`` (the page answers 403).
    After ``is_valid()``, ``report_arguments()`` gives the arguments of ``dashboard.build``."""

    period = forms.ModelChoiceField(
        label=_("Rapporteringsperiode"),
        queryset=ReportingPeriod.objects.order_by("-starts_on", "name"),
        required=False,
        empty_label=_("Ingen: velg datoer selv"),
        error_messages={"invalid_choice": _("Velg en periode fra listen.")},
    )
    starts_on = date_field(_("Fra og med"), required=False)
    ends_on = date_field(_("Til og med"), required=False)
    area = forms.ChoiceField(
        label=_("Område"),
        required=False,
        widget=LongSelect,
        error_messages={"invalid_choice": _("Velg et område fra listen.")},
    )

    def __init__(self, *args: Any, user: Any, today: datetime.date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        self.scope: dashboard.Scope | None = None
        self.refused = False
        self.fields["area"].choices = dashboard.area_choices(user)  # type: ignore[attr-defined]
        self.initial.setdefault("area", dashboard.default_area(user))

    def full_clean(self) -> None:
        super().full_clean()
        area = str(self.data.get("area", "") or "") if self.is_bound else ""
        if self.errors.get("area") and area.startswith(dashboard.AREA_PREFIXES):
            self.refused = True
            self.errors["area"] = self.error_class([str(REFUSED_AREA)])

    def _dates(self, cleaned: dict[str, Any]) -> tuple[datetime.date, datetime.date] | None:
        for name in ("starts_on", "ends_on"):
            day = cleaned.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                first, last = EARLIEST.strftime("%d.%m.%Y"), LATEST.strftime("%d.%m.%Y")
                self.add_error(
                    name,
                    _("Velg en dato mellom %(first)s og %(last)s.")
                    % {"first": first, "last": last},
                )
                return None
        period = cleaned.get("period")
        if period is not None:
            return period.starts_on, period.ends_on
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on is None and ends_on is None:
            if self.errors.get("starts_on") or self.errors.get("ends_on"):
                return None
            year = self.today.year
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if starts_on is None:
            if self.errors.get("starts_on") or ends_on is None:
                return None
            return datetime.date(ends_on.year, 1, 1), ends_on
        if ends_on is None:
            if self.errors.get("ends_on"):
                return None
            return starts_on, datetime.date(starts_on.year, 12, 31)
        if ends_on < starts_on:
            self.add_error("ends_on", _("Til-datoen kan ikke være før fra-datoen."))
            return None
        if (ends_on - starts_on).days > LONGEST_SPAN_DAYS:
            self.add_error("ends_on", _("Velg en periode på høyst fem år."))
            return None
        return starts_on, ends_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        dates = self._dates(cleaned)
        if dates is not None:
            cleaned["starts_on"], cleaned["ends_on"] = dates
        if "area" in cleaned:
            area = cleaned["area"] if self.data.get("area") else dashboard.default_area(self.user)
            try:
                self.scope = dashboard.scope_for(self.user, area)
            except dashboard.ScopeRefusedError:
                self.refused = True
                self.add_error("area", REFUSED_AREA)
        return cleaned

    def report_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``dashboard.build`` for a valid form."""
        return {
            "starts_on": self.cleaned_data["starts_on"],
            "ends_on": self.cleaned_data["ends_on"],
            "scope": self.scope,
            "period": self.cleaned_data.get("period"),
        }
