"""Making a one-time link: how it reaches her (the choices her contact way allows)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ressursvenn.surveys.models import SurveyLink

DELIVERY_LABELS = {
    SurveyLink.Delivery.QR: _("Vis QR-kode og lenke her, så hun kan åpne den på sin telefon"),
    SurveyLink.Delivery.SMS: _("Vis en tekst med lenken som du kan sende henne på SMS"),
    SurveyLink.Delivery.EMAIL: _("Send lenken til e-postadressen hennes"),
}


class LinkForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("Hvordan vil du gi henne lenken?"),
        widget=forms.RadioSelect(attrs={"class": "ds-input"}),
        error_messages={
            "required": _("Velg en måte å gi henne lenken på."),
            "invalid_choice": _("Velg en måte å gi henne lenken på."),
        },
    )

    def __init__(self, *args: Any, deliveries: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["delivery"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (value, DELIVERY_LABELS[SurveyLink.Delivery(value)]) for value in deliveries
        ]
        if len(deliveries) == 1:
            self.initial.setdefault("delivery", deliveries[0])
