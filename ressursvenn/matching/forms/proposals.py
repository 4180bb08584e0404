"""Input for proposing a volunteer, confirming a batch pair and the volunteer's answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.text import CleanCharField
from ressursvenn.organisations.models import Organisation
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers.models import Volunteer

CHOOSE_VOLUNTEER = _("Velg en ressursvenn fra listen. Last inn siden på nytt og prøv igjen.")
CHOOSE_REFERRAL = _("Velg en kvinne fra ventelisten. Last inn siden på nytt og prøv igjen.")


class ProposeForm(forms.Form):
    """The volunteer chosen on the candidate page (a hidden field; ids outside the scope fail)."""

    volunteer = forms.ModelChoiceField(
        label=_("Ressursvenn"),
        queryset=Volunteer.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"required": CHOOSE_VOLUNTEER, "invalid_choice": CHOOSE_VOLUNTEER},
    )

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["volunteer"]
        field.queryset = volunteers


class BatchConfirmForm(ProposeForm):
    """One pair of the batch proposal."""

    referral = forms.ModelChoiceField(
        label=_("Kvinne"),
        queryset=Referral.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"required": CHOOSE_REFERRAL, "invalid_choice": CHOOSE_REFERRAL},
    )

    def __init__(
        self,
        *args: Any,
        referrals: QuerySet[Referral],
        volunteers: QuerySet[Volunteer],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, volunteers=volunteers, **kwargs)
        field: Any = self.fields["referral"]
        field.queryset = referrals


class BranchForm(forms.Form):
    """Which of the group leader's branches a page is about."""

    branch = forms.ModelChoiceField(
        label=_("Lokalforening"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Velg en av dine lokalforeninger.")},
    )

    def __init__(self, *args: Any, branches: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["branch"]
        field.queryset = branches


class ScopeForm(forms.Form):
    """Whether the candidate list also covers the region (digital meetings only)."""

    region = forms.BooleanField(
        label=_("Ta med ressursvenner fra hele fylket (bare digitale møter)"),
        required=False,
    )


class AnswerForm(forms.Form):
    """The volunteer's yes or no to a proposal."""

    YES = "yes"
    NO = "no"

    answer = forms.ChoiceField(
        label=_("Vil du bli ressursvenn for henne?"),
        choices=[(YES, _("Ja, det vil jeg")), (NO, _("Nei, ikke denne gangen"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Svar ja eller nei."),
            "invalid_choice": _("Svar ja eller nei."),
        },
    )
    reason = CleanCharField(
        multiline=True,
        label=_("Hvorfor ikke? (valgfritt)"),
        help_text=_(
            "Bare gruppelederen ser dette. Skriv ikke noe om kvinnen du ikke trenger å skrive."
        ),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Skriv høyst %(limit_value)d tegn (du skrev %(show_value)d).")
        },
    )

    @property
    def accepts(self) -> bool:
        return bool(self.cleaned_data["answer"] == self.YES)
