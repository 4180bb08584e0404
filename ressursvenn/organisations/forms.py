"""Input for organisation management: the filter of the list, an organisation, a cooperation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.text import CleanCharField
from ressursvenn.organisations.actions import latest_start, validate_organisation
from ressursvenn.organisations.models import District, Municipality, Organisation


class OrganisationFilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Alle typer")), *Organisation.Kind.choices],
    )
    q = CleanCharField(
        label=_("Søk i navn"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def _municipalities() -> Any:
    # Names are unique: SSB adds the county where two municipalities share a name.
    return Municipality.objects.all()


class OrganisationForm(forms.Form):
    """Create an organisation, or (with `instance`) edit one; the kind is fixed after creation."""

    kind = forms.ChoiceField(
        label=_("Type organisasjon"),
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hva slags organisasjon dette er.")},
    )
    name = CleanCharField(
        label=_("Navn"),
        max_length=150,
        error_messages={
            "required": _("Skriv inn navnet."),
            "max_length": _("Navnet kan være høyst %(limit_value)d tegn (det har %(show_value)d)."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Vertskommune"),
        queryset=_municipalities(),
        required=False,
        empty_label=_("Ingen valgt"),
        error_messages={"invalid_choice": _("Velg en kommune fra listen.")},
        help_text=_(
            "Kommunen organisasjonen hører til. Påkrevd for krisesentre. Oppgi aldri en adresse."
        ),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommuner organisasjonen dekker"),
        queryset=_municipalities(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        error_messages={"invalid_choice": _("Velg bare kommuner fra listen.")},
        help_text=_(
            "En lokalforening må dekke minst én kommune eller bydel. "
            "På datamaskin holder du Ctrl (Cmd på Mac) nede for å velge flere."
        ),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Bydeler i Oslo organisasjonen dekker"),
        queryset=District.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": _("Velg bare bydeler fra listen.")},
        help_text=_(
            "Bare for lokalforeninger i Oslo: velg Oslo som vertskommune. "
            "På datamaskin holder du Ctrl (Cmd på Mac) nede for å velge flere."
        ),
    )
    email = forms.EmailField(
        label=_("E-post til organisasjonen (valgfritt)"),
        required=False,
        max_length=254,
        help_text=_("En felles adresse for organisasjonen, ikke en persons egen adresse."),
        error_messages={"invalid": _("Skriv inn en gyldig e-postadresse, som post@eksempel.no.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = CleanCharField(
        label=_("Telefon (valgfritt)"),
        required=False,
        max_length=20,
        help_text=_(
            "For krisesentre: det døgnåpne nummeret. Det vises på siden der ressursvenner og "
            "gruppeledere melder fra om en bekymring."
        ),
        error_messages={
            "max_length": _("Telefonnummeret kan være høyst %(limit_value)d tegn."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    is_active = forms.BooleanField(
        label=_("Aktiv"),
        required=False,
        help_text=_(
            "Fjern haken for å deaktivere organisasjonen. Rollene til de som hører til den, "
            "virker ikke så lenge den er deaktivert."
        ),
    )

    def __init__(self, *args: Any, instance: Organisation | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "municipality": instance.municipality_id,
                    "municipalities": [m.pk for m in instance.municipalities.all()],
                    "districts": [d.pk for d in instance.districts.all()],
                    "email": instance.email,
                    "phone": instance.phone,
                    "is_active": instance.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["is_active"]
        else:
            del self.fields["kind"]

    def clean_phone(self) -> str:
        phone = " ".join(str(self.cleaned_data.get("phone") or "").split())
        digits = [ch for ch in phone if ch.isdigit()]
        if phone and (
            not all(ch.isdigit() or ch == " " for ch in phone.removeprefix("+")) or len(digits) < 3
        ):
            raise ValidationError(
                _("Skriv telefonnummeret med sifre, som 22 11 22 33 eller +47 22 11 22 33.")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = self.instance.kind if self.instance else cleaned.get("kind", "")
        try:
            validate_organisation(
                kind=kind,
                name=cleaned.get("name", ""),
                municipality=cleaned.get("municipality"),
                municipalities=cleaned.get("municipalities", []),
                districts=cleaned.get("districts", []),
                is_active=cleaned.get("is_active", True) if self.instance else True,
                instance=self.instance,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.errors:
                    continue  # the field's own message says it already
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.municipality is None:
            return str(obj.name)
        return f"{obj.name} ({obj.municipality.name})"


class CooperationForm(forms.Form):
    """Choose the other party of a new cooperation and its start date."""

    partner = PartnerChoiceField(queryset=Organisation.objects.none())
    started_on = forms.DateField(
        label=_("Startdato"),
        help_text=_("Datoen avtalen gjelder fra. Kan ikke være mer enn ett år fram i tid."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Skriv inn startdatoen."),
            "invalid": _("Skriv inn en gyldig dato, som 31.12.2025."),
        },
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"started_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        field: Any = self.fields["partner"]
        taken: Any
        if organisation.kind == Organisation.Kind.BRANCH:
            other_kind = Organisation.Kind.CRISIS_CENTRE
            taken = organisation.cooperations_as_branch.values("crisis_centre_id")
            field.label = _("Krisesenter")
            field.empty_label = _("Velg krisesenter")
            field.error_messages["required"] = _("Velg krisesenteret.")
        else:
            other_kind = Organisation.Kind.BRANCH
            taken = organisation.cooperations_as_centre.values("branch_id")
            field.label = _("Lokalforening")
            field.empty_label = _("Velg lokalforening")
            field.error_messages["required"] = _("Velg lokalforeningen.")
        field.help_text = _("Bare aktive organisasjoner uten samarbeidsavtale med denne vises.")
        field.error_messages["invalid_choice"] = _(
            "Velg en av de aktive organisasjonene i listen uten avtale fra før."
        )
        field.queryset = (
            Organisation.objects.active()
            .filter(kind=other_kind)
            .exclude(pk__in=taken)
            .select_related("municipality")
        )

    def clean_started_on(self) -> Any:
        started_on = self.cleaned_data["started_on"]
        if started_on > latest_start():
            raise ValidationError(_("Startdatoen kan ikke være mer enn ett år fram i tid."))
        return started_on

    def parties(self) -> tuple[Organisation, Organisation]:
        """(branch, crisis centre) of the valid form."""
        partner = self.cleaned_data["partner"]
        if self.organisation.kind == Organisation.Kind.BRANCH:
            return self.organisation, partner
        return partner, self.organisation
