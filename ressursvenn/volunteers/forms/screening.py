"""Input of the screening pages: the pipeline filter, checklist facts and status changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.text import CleanCharField
from ressursvenn.organisations.models import Organisation
from ressursvenn.volunteers.actions.screening import (
    REASON_REQUIRED,
    allowed_transitions,
    interviewers,
    validate_certificate_dates,
)
from ressursvenn.volunteers.models import (
    DeclarationText,
    PoliceCertificate,
    SuitabilityInterview,
    Volunteer,
)

DATE_ERRORS = {
    "required": _("Skriv inn datoen."),
    "invalid": _("Skriv inn en gyldig dato, som 31.12.2025."),
}

TRANSITION_LABELS = {
    "reject": _("Avslå søknaden"),
    "withdraw": _("Hun trekker søknaden"),
    "pause": _("Sett på pause"),
    "resume": _("Avslutt pausen"),
    "end": _("Avslutt som ressursvenn"),
}


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE_ERRORS,
        **kwargs,
    )


class PipelineFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=Volunteer.Status.choices)
    branch = forms.TypedChoiceField(
        label=_("Lokalforening"), required=False, coerce=int, empty_value=None
    )
    q = forms.CharField(
        label=_("Søk på navn"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, branches: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["branch"]
        field.choices = [("", _("Alle mine lokalforeninger"))] + [(b.pk, b.name) for b in branches]
        field.error_messages["invalid_choice"] = _("Velg en av dine lokalforeninger.")
        self.fields["status"].error_messages["invalid_choice"] = _("Ukjent status.")


class ExpectedStatusForm(forms.Form):
    """Only the status the page showed (a stale page or a double submit is refused)."""

    expected_status = forms.ChoiceField(
        choices=Volunteer.Status.choices,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Siden var utdatert. Last den inn på nytt og prøv igjen."),
            "invalid_choice": _("Siden var utdatert. Last den inn på nytt og prøv igjen."),
        },
    )


class StatusChangeForm(ExpectedStatusForm):
    transition = forms.ChoiceField(
        label=_("Hva skal skje?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hva som skal skje."),
            "invalid_choice": _("Dette kan ikke gjøres med den statusen hun har nå."),
        },
    )
    reason = CleanCharField(
        label=_("Begrunnelse"),
        required=False,
        multiline=True,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lagres kryptert. Påkrevd, unntatt når en pause avsluttes."),
    )

    def __init__(self, *args: Any, volunteer: Volunteer, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"expected_status": volunteer.status})
        kwargs.setdefault("prefix", "status")
        super().__init__(*args, **kwargs)
        field: Any = self.fields["transition"]
        field.choices = [
            (name, TRANSITION_LABELS[name])
            for name in allowed_transitions(volunteer.status)
            if name in TRANSITION_LABELS
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("transition") in REASON_REQUIRED and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Skriv en begrunnelse."))
        return cleaned


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type politiattest"),
        choices=PoliceCertificate.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg typen politiattest.")},
    )
    issued_on = _date_field(_("Utstedt dato"))
    seen_on = _date_field(_("Dato du så attesten"), help_text=_("Last aldri opp attesten."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "certificate")
        kwargs.setdefault("initial", {"seen_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("issued_on") and cleaned.get("seen_on"):
            try:
                validate_certificate_dates(cleaned["issued_on"], cleaned["seen_on"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return cleaned


class InterviewerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class InterviewForm(forms.Form):
    held_on = _date_field(_("Dato for samtalen"))
    interviewer = InterviewerField(
        label=_("Samtalen ble holdt av"),
        queryset=Volunteer.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Velg hvem som holdt samtalen."),
            "invalid_choice": _("Velg en gruppeleder i lokalforeningen."),
        },
    )
    outcome = forms.ChoiceField(
        label=_("Resultat"),
        choices=SuitabilityInterview.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg resultatet av samtalen.")},
    )
    notes = CleanCharField(
        label=_("Notater"),
        required=False,
        multiline=True,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Lagres kryptert. Skriv bare det som trengs for vurderingen."),
    )

    def __init__(self, *args: Any, volunteer: Volunteer, by: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "interview")
        kwargs.setdefault("initial", {"interviewer": by.pk})
        super().__init__(*args, **kwargs)
        field: Any = self.fields["interviewer"]
        field.queryset = interviewers(volunteer)

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise ValidationError(_("Datoen kan ikke være fram i tid."))
        return held_on


class ReferenceForm(forms.Form):
    name = CleanCharField(
        label=_("Navn på referansen"),
        max_length=150,
        error_messages={"required": _("Skriv inn navnet på referansen.")},
    )
    relation = CleanCharField(
        label=_("Relasjon"),
        required=False,
        max_length=100,
        help_text=_("For eksempel «tidligere leder»."),
    )
    contacted_on = _date_field(_("Kontaktet dato"))
    is_positive = forms.TypedChoiceField(
        label=_("Vurdering"),
        choices=[("yes", _("God referanse")), ("no", _("Ikke god referanse"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg om referansen var god.")},
    )
    notes = CleanCharField(
        label=_("Notater"),
        required=False,
        multiline=True,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lagres kryptert."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "reference")
        super().__init__(*args, **kwargs)

    def clean_contacted_on(self) -> Any:
        contacted_on = self.cleaned_data["contacted_on"]
        if contacted_on > timezone.localdate():
            raise ValidationError(_("Datoen kan ikke være fram i tid."))
        return contacted_on


class TextChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(
            _("Versjon %(version)s (fra %(day)s)")
            % {"version": obj.version, "day": obj.published_on.strftime("%d.%m.%Y")}
        )


class PaperDeclarationForm(forms.Form):
    text = TextChoiceField(
        label=_("Versjon av teksten"),
        queryset=DeclarationText.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Velg versjonen hun signerte."),
            "invalid_choice": _("Velg en av versjonene i listen."),
        },
    )
    signed_on = _date_field(_("Signert dato"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "declaration")
        super().__init__(*args, **kwargs)
        field: Any = self.fields["text"]
        field.queryset = DeclarationText.objects.filter(published_on__lte=timezone.localdate())

    def clean_signed_on(self) -> Any:
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise ValidationError(_("Datoen kan ikke være fram i tid."))
        return signed_on
