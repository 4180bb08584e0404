"""Form fields every app uses the same way: a date and a clock time, with the browser's own
pickers and one set of bokmål messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def date_field(label: Any = None, *, required_message: Any = None, **kwargs: Any) -> Any:
    """A date (`<input type="date">`, ISO value); "Velg en dato." when empty unless
    `required_message` says it better, "Skriv datoen som dd.mm.åååå." when malformed."""
    return forms.DateField(
        label=label or _("Dato"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": required_message or _("Velg en dato."),
            "invalid": _("Skriv datoen som dd.mm.åååå."),
        },
        **kwargs,
    )


def time_field(label: Any = None, **kwargs: Any) -> Any:
    """A clock time (`<input type="time">`, HH:MM) with the messages of every form."""
    return forms.TimeField(
        label=label or _("Klokkeslett"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Velg et klokkeslett."),
            "invalid": _("Skriv klokkeslettet som tt:mm."),
        },
        **kwargs,
    )
