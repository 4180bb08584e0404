"""Input for referrals: the referral form, reasons, consent withdrawal, filters, exclusions."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.models import Role, User
from ressursvenn.lib.access import add_errors
from ressursvenn.lib.text import CleanCharField
from ressursvenn.lib.vocabulary import Availability, Interest, Language, Mode, Need
from ressursvenn.lib.widgets import CommonFirstCheckboxes, LongSelect, LongSelectMultiple
from ressursvenn.organisations.models import District, Municipality, Organisation
from ressursvenn.organisations.reference import OSLO
from ressursvenn.participants.actions import PROFILE_FIELDS, validate_referral
from ressursvenn.participants.choices import ConsentScope
from ressursvenn.participants.models import ConsentText, Referral
from ressursvenn.volunteers.models import Volunteer

MIN_AGE = 18
MAX_AGE = 110
VOLUNTEER_AGE_RANGE = (25, 90)
PHONE = re.compile(r"^\+?[0-9]{8,15}$")
MULTI_HELP = _("På datamaskin holder du Ctrl (Cmd på Mac) nede for å velge flere.")
# Shown first in the language lists; the others are behind "Flere språk".
COMMON_LANGUAGES = (
    Language.NORWEGIAN,
    Language.ENGLISH,
    Language.ARABIC,
    Language.SOMALI,
    Language.POLISH,
    Language.TIGRINYA,
    Language.UKRAINIAN,
)
# Shown first in the interests; the others are behind "Flere interesser".
COMMON_INTERESTS = (
    Interest.HIKING,
    Interest.CAFES,
    Interest.COOKING,
    Interest.BAKING,
    Interest.KNITTING,
    Interest.READING,
    Interest.EXERCISE,
    Interest.MUSIC,
    Interest.NATURE,
    Interest.FILMS,
)
FULL_NAME_MESSAGE = _(
    "Det ser ut som et fullt navn. Skriv bare fornavnet hun vil kalles, eller kryss av "
    "nedenfor om dette er bare fornavnet."
)


def _checkboxes(label: Any, choices: Any, **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=kwargs.pop("required", False),
        widget=kwargs.pop("widget", forms.CheckboxSelectMultiple),
        error_messages={
            "invalid_choice": _("Velg bare blant valgene i listen."),
            **kwargs.pop("error_messages", {}),
        },
        **kwargs,
    )


def _languages(label: Any, **kwargs: Any) -> forms.MultipleChoiceField:
    """A language list: the common languages shown, the rest behind "Flere språk"."""
    widget = CommonFirstCheckboxes(common=COMMON_LANGUAGES, more_label=_("Flere språk"))
    return _checkboxes(label, Language.choices, widget=widget, **kwargs)


def area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Municipalities and Oslo districts, grouped, for the areas to avoid."""
    municipalities = [(m.code, m.name) for m in Municipality.objects.order_by("name")]
    districts = [(d.code, f"{d.name} (Oslo)") for d in District.objects.order_by("name")]
    return [(str(_("Kommuner")), municipalities), (str(_("Bydeler i Oslo")), districts)]


class NameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "full_name", None) or obj.name)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _date_field(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        widget=DateInput(),
        error_messages={"invalid": _("Skriv inn en gyldig dato, som 31.12.2025.")},
    )


class ReferralForm(forms.Form):
    """A new referral or (with `instance`) a change to a draft.

    `user` is the crisis-centre staff member: she picks one of her centres and a branch that
    cooperates with it. Clearance and consent may be left open in a draft; sending checks them.
    """

    centre = NameChoiceField(
        label=_("Krisesenter"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Velg krisesenteret."),
            "invalid_choice": _("Velg et av krisesentrene du arbeider ved."),
        },
    )
    branch = NameChoiceField(
        label=_("Lokalforening"),
        queryset=Organisation.objects.none(),
        empty_label=_("Velg lokalforening"),
        help_text=_("Bare lokalforeninger med samarbeidsavtale med krisesenteret vises."),
        error_messages={
            "required": _("Velg lokalforeningen."),
            "invalid_choice": _("Velg en lokalforening med samarbeidsavtale fra listen."),
        },
    )
    first_name = CleanCharField(
        label=_("Fornavn eller navnet hun vil kalles"),
        max_length=100,
        help_text=_("Bare fornavn. Ikke etternavn."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Skriv inn navnet hun vil kalles.")},
    )
    first_name_confirmed = forms.BooleanField(
        label=_("Ja, dette er bare fornavnet"),
        required=False,
    )
    birth_year = forms.IntegerField(
        label=_("Fødselsår"),
        help_text=_("Hun må være minst 18 år."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Skriv inn fødselsåret."),
            "invalid": _("Skriv fødselsåret med fire sifre, som 1985."),
        },
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune hun bor i"),
        queryset=Municipality.objects.all(),
        empty_label=_("Velg kommune"),
        widget=LongSelect,  # 357 municipalities: see lib/widgets.py
        error_messages={
            "required": _("Velg kommunen hun bor i."),
            "invalid_choice": _("Velg en kommune fra listen."),
        },
    )
    district = forms.ModelChoiceField(
        label=_("Bydel (bare i Oslo)"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("Ingen valgt"),
        error_messages={"invalid_choice": _("Velg en bydel fra listen.")},
    )
    children_count = forms.IntegerField(
        label=_("Antall barn"),
        min_value=0,
        max_value=20,
        initial=0,
        error_messages={
            "required": _("Skriv inn antall barn (0 om hun ikke har barn med seg)."),
            "invalid": _("Skriv et helt tall."),
            "min_value": _("Antallet kan ikke være negativt."),
            "max_value": _("Antallet kan være høyst %(limit_value)s."),
        },
    )
    languages = _languages(_("Språk hun snakker"))
    required_languages = _languages(
        _("Språk ressursvennen må snakke (valgfritt)"),
        help_text=_("Bare om hun trenger en ressursvenn som snakker et bestemt språk."),
    )
    interpreter_needed = forms.BooleanField(label=_("Hun trenger tolk"), required=False)
    interests = _checkboxes(
        _("Interesser"),
        Interest.choices,
        widget=CommonFirstCheckboxes(common=COMMON_INTERESTS, more_label=_("Flere interesser")),
    )
    needs = _checkboxes(_("Hun ønsker hjelp med"), Need.choices)
    availability = _checkboxes(_("Når hun kan møtes"), Availability.choices)
    modes = _checkboxes(
        _("Møteform"),
        Mode.choices,
        required=True,
        error_messages={"required": _("Velg minst én møteform.")},
    )
    preferred_age_min = forms.IntegerField(
        label=_("Ønsket alder på ressursvennen, fra (valgfritt)"),
        required=False,
        min_value=VOLUNTEER_AGE_RANGE[0],
        max_value=VOLUNTEER_AGE_RANGE[1],
        error_messages={
            "invalid": _("Skriv et helt tall."),
            "min_value": _("Alderen må være mellom 25 og 90."),
            "max_value": _("Alderen må være mellom 25 og 90."),
        },
    )
    preferred_age_max = forms.IntegerField(
        label=_("Ønsket alder på ressursvennen, til (valgfritt)"),
        required=False,
        min_value=VOLUNTEER_AGE_RANGE[0],
        max_value=VOLUNTEER_AGE_RANGE[1],
        error_messages={
            "invalid": _("Skriv et helt tall."),
            "min_value": _("Alderen må være mellom 25 og 90."),
            "max_value": _("Alderen må være mellom 25 og 90."),
        },
    )
    contact_channel = forms.ChoiceField(
        label=_("Trygg måte å kontakte henne på"),
        choices=Referral.Channel.choices,
        initial=Referral.Channel.VIA_CENTRE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvordan hun trygt kan kontaktes.")},
    )
    contact_value = CleanCharField(
        label=_("Telefonnummer eller e-post"),
        required=False,
        max_length=254,
        help_text=_("Påkrevd for telefon, SMS og e-post. Tomt når kontakt går gjennom senteret."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    contact_times = _checkboxes(_("Trygge tider å kontakte henne"), Referral.ContactTime.choices)
    may_leave_message = forms.BooleanField(
        label=_("Det er trygt å legge igjen beskjed"), required=False
    )
    excluded_areas = forms.MultipleChoiceField(
        label=_("Områder å unngå for hennes sikkerhet (valgfritt)"),
        choices=area_choices,
        required=False,
        widget=LongSelectMultiple(attrs={"size": 6}),
        help_text=_(
            "Kommuner og bydeler ressursvennen ikke skal bo i eller møte henne i. "
            "Skriv aldri en adresse eller noe om voldsutøveren."
        ),
        error_messages={"invalid_choice": _("Velg bare kommuner og bydeler fra listen.")},
    )
    notes = CleanCharField(
        label=_("Merknader til gruppelederen (valgfritt)"),
        required=False,
        max_length=2000,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Det gruppelederen trenger for å finne en god ressursvenn. "
            "Aldri adresse, aldri opplysninger om voldsutøveren."
        ),
        error_messages={"max_length": _("Skriv høyst %(limit_value)d tegn.")},
    )
    safety_assessed_on = _date_field(
        _("Dato for sikkerhetsvurderingen"),
        _("Selve vurderingen blir på krisesenteret. Påkrevd før henvisningen sendes."),
    )
    safety_assessed_by = NameChoiceField(
        label=_("Sikkerhetsvurderingen ble gjort av"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Ingen valgt"),
        error_messages={"invalid_choice": _("Velg en ansatt ved krisesenteret.")},
    )
    consent_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    consent_scope = _checkboxes(
        _("Samtykket gjelder"),
        ConsentScope.choices,
        help_text=_("Matching er påkrevd for at henvisningen kan sendes."),
    )
    consent_given_on = _date_field(_("Dato hun ga samtykke"), _("Påkrevd før henvisningen sendes."))

    def __init__(
        self, *args: Any, user: Any, instance: Referral | None = None, **kwargs: Any
    ) -> None:
        self.user = user
        self.instance = instance
        self.consent_text = ConsentText.current()
        initial: dict[str, Any] = {"safety_assessed_by": user.pk}
        if instance is not None:
            initial = {
                name: getattr(instance, f"{name}_id", None)
                if name in ("centre", "branch", "municipality", "district", "safety_assessed_by")
                else getattr(instance, name)
                for name in PROFILE_FIELDS
                if name != "consent_text"
            }
        if self.consent_text is not None:
            initial["consent_version"] = self.consent_text.version
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        centre_ids = user.organisation_ids(Role.CRISIS_STAFF)
        centres = Organisation.objects.active().crisis_centres().filter(pk__in=centre_ids)
        fields: Any = self.fields
        fields["centre"].queryset = centres
        fields["branch"].queryset = (
            Organisation.objects.active()
            .branches()
            .filter(
                cooperations_as_branch__crisis_centre__in=centres,
            )
            .distinct()
            .order_by("name")
        )
        if instance is None and "branch" not in self.initial:
            only = list(fields["branch"].queryset.values_list("pk", flat=True)[:2])
            if len(only) == 1:  # the centre cooperates with one branch: nothing to choose
                self.initial["branch"] = only[0]
        fields["safety_assessed_by"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__organisation__in=centres,
                memberships__role=Role.CRISIS_STAFF,
                memberships__is_active=True,
            )
            .distinct()
            .order_by("full_name", "pk")
        )
        this_year = timezone.localdate().year
        fields["birth_year"].widget.attrs.update(
            {"min": this_year - MAX_AGE, "max": this_year - MIN_AGE}
        )

    def clean_birth_year(self) -> int:
        year: int = self.cleaned_data["birth_year"]
        this_year = timezone.localdate().year
        if year > this_year - MIN_AGE:
            raise ValidationError(_("Hun må være minst 18 år for å få en ressursvenn."))
        if year < this_year - MAX_AGE:
            raise ValidationError(_("Sjekk fødselsåret: det er for langt tilbake."))
        return year

    def clean_first_name(self) -> str:
        name = " ".join(self.cleaned_data["first_name"].split())
        if not name:
            raise ValidationError(_("Skriv inn navnet hun vil kalles."))
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_full_name(cleaned)
        self._clean_area(cleaned)
        self._clean_age_wish(cleaned)
        self._clean_contact(cleaned)
        self._clean_consent(cleaned)
        if not cleaned.get("safety_assessed_on"):
            cleaned["safety_assessed_by"] = None
        elif not cleaned.get("safety_assessed_by") and "safety_assessed_by" not in self.errors:
            self.add_error("safety_assessed_by", _("Velg hvem som gjorde vurderingen."))
        if not self.errors:
            try:
                validate_referral(by=self.user, fields=self.referral_fields())
            except ValidationError as error:
                add_errors(self, error)
        return cleaned

    def _clean_full_name(self, cleaned: dict[str, Any]) -> None:
        """ "Bare fornavn": a name with a space looks like a full name; it passes once the
        user confirms (or when it is the draft's name already)."""
        name = cleaned.get("first_name")
        if not name or " " not in name or cleaned.get("first_name_confirmed"):
            return
        if self.instance is not None and self.instance.first_name == name:
            return
        self.add_error("first_name", ValidationError(FULL_NAME_MESSAGE, code="full_name"))

    @property
    def asks_name_confirmation(self) -> bool:
        """Show the "Ja, dette er bare fornavnet" box: the name needs it, or it was ticked."""
        if not self.is_bound:
            return False
        return self.has_error("first_name", "full_name") or bool(
            self.data.get(self.add_prefix("first_name_confirmed"))
        )

    def _clean_area(self, cleaned: dict[str, Any]) -> None:
        municipality, district = cleaned.get("municipality"), cleaned.get("district")
        if municipality is None:
            return
        if municipality.pk == OSLO and district is None:
            self.add_error("district", _("Velg bydelen hun bor i."))
        elif municipality.pk != OSLO and district is not None:
            self.add_error("district", _("Bydel gjelder bare Oslo. Velg «Ingen valgt»."))

    def _clean_age_wish(self, cleaned: dict[str, Any]) -> None:
        low, high = cleaned.get("preferred_age_min"), cleaned.get("preferred_age_max")
        if low is not None and high is not None and low > high:
            self.add_error("preferred_age_max", _("«Til»-alderen kan ikke være lavere enn «fra»."))

    def _clean_contact(self, cleaned: dict[str, Any]) -> None:
        channel = cleaned.get("contact_channel")
        value = "".join((cleaned.get("contact_value") or "").split())
        cleaned["contact_value"] = value
        if channel == Referral.Channel.VIA_CENTRE:
            if value:
                self.add_error(
                    "contact_value",
                    _("La feltet stå tomt når hun bare skal kontaktes gjennom krisesenteret."),
                )
        elif channel in (Referral.Channel.PHONE, Referral.Channel.SMS):
            if not value:
                self.add_error("contact_value", _("Skriv inn telefonnummeret."))
            elif not PHONE.match(value):
                self.add_error(
                    "contact_value",
                    _("Skriv et gyldig telefonnummer, som 912 34 567 eller +46 701234567."),
                )
        elif channel == Referral.Channel.EMAIL:
            try:
                validate_email(value)
            except ValidationError:
                self.add_error(
                    "contact_value",
                    _("Skriv inn en gyldig e-postadresse, som navn@eksempel.no."),
                )

    def _clean_consent(self, cleaned: dict[str, Any]) -> None:
        given_on, scope = cleaned.get("consent_given_on"), cleaned.get("consent_scope") or []
        cleaned["consent_text"] = None
        if given_on is None:
            if scope and "consent_given_on" not in self.errors:
                self.add_error("consent_given_on", _("Skriv inn datoen hun ga samtykke."))
            return
        if ConsentScope.MATCHING not in scope:
            self.add_error("consent_scope", _("Samtykket må i det minste gjelde matching."))
        kept = self.instance is not None and self.instance.consent_given_on == given_on
        if kept and self.instance is not None and self.instance.consent_text_id is not None:
            cleaned["consent_text"] = self.instance.consent_text
            return
        if self.consent_text is None:
            self.add_error(None, _("Det finnes ingen gjeldende samtykketekst. Kontakt N.K.S."))
        elif cleaned.get("consent_version") != self.consent_text.version:
            self.add_error(
                "consent_given_on",
                _(
                    "Samtykketeksten er endret etter at siden ble åpnet. Les den nye teksten "
                    "for henne og registrer samtykket på nytt."
                ),
            )
        else:
            cleaned["consent_text"] = self.consent_text

    def referral_fields(self) -> dict[str, Any]:
        """The valid form's values as the action's keyword arguments."""
        return {name: self.cleaned_data.get(name) for name in PROFILE_FIELDS} | {
            "contact_value": self.cleaned_data.get("contact_value") or "",
            "notes": self.cleaned_data.get("notes") or "",
        }


class ReasonForm(forms.Form):
    reason = CleanCharField(
        label=_("Begrunnelse"),
        max_length=1000,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kort og saklig. Aldri adresse eller opplysninger om voldsutøveren."),
        error_messages={
            "required": _("Skriv en begrunnelse."),
            "max_length": _("Skriv høyst %(limit_value)d tegn."),
        },
    )


class ConsentWithdrawalForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Jeg bekrefter at hun har trukket samtykket sitt"),
        error_messages={"required": _("Kryss av for å bekrefte.")},
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle statuser")), *Referral.Status.choices],
    )


SELECTABLE_VOLUNTEERS = (
    Volunteer.Status.SCREENING,
    Volunteer.Status.APPROVED,
    Volunteer.Status.PAUSED,
)


class VolunteerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.get_status_display().lower()})"


class ExclusionForm(forms.Form):
    volunteers = VolunteerChoiceField(
        label=_("Ressursvenner som ikke skal brukes for henne"),
        queryset=Volunteer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For eksempel ved interessekonflikt, eller om hun kjenner familien."),
        error_messages={"invalid_choice": _("Velg bare ressursvenner fra listen.")},
    )

    def __init__(self, *args: Any, user: Any, referral: Referral, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"volunteers": list(referral.excluded_volunteers.values_list("pk", flat=True))},
        )
        super().__init__(*args, **kwargs)
        excluded = referral.excluded_volunteers.values("pk")
        field: Any = self.fields["volunteers"]
        field.queryset = (
            Volunteer.objects.visible_to(user)
            .filter(branch_id=referral.branch_id)
            .filter(Q(status__in=SELECTABLE_VOLUNTEERS) | Q(pk__in=excluded))
            .order_by("full_name", "pk")
        )
