"""Input of the volunteer import: the file, and the confirmation of a previewed import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ressursvenn.organisations.models import Organisation
from ressursvenn.volunteers.importing import MAX_BYTES


class ImportUploadForm(forms.Form):
    branch = forms.TypedChoiceField(
        label=_("Lokalforening"),
        coerce=int,
        error_messages={
            "required": _("Velg lokalforeningen listen gjelder."),
            "invalid_choice": _("Velg en av dine lokalforeninger."),
        },
    )
    file = forms.FileField(
        label=_("Fil (XLSX eller CSV)"),
        help_text=_("Største størrelse 2 MB og 5 000 rader."),
        error_messages={
            "required": _("Velg en fil."),
            "empty": _("Filen er tom."),
            "invalid": _("Velg en fil."),
        },
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet,text/csv"
            }
        ),
    )
    all_women = forms.BooleanField(
        label=_("Alle på listen har selv sagt at de er kvinner"),
        help_text=_("Kravet om egenerklæring gjelder også for importerte ressursvenner."),
        error_messages={"required": _("Bekreft at alle på listen har sagt at de er kvinner.")},
    )

    def __init__(self, *args: Any, branches: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["branch"]
        field.choices = [(b.pk, b.name) for b in branches]
        self.only_branch = branches[0].pk if len(branches) == 1 else None
        if self.only_branch is not None:
            # One branch: nothing to choose (the field is left out of the page).
            field.required = False
            field.empty_value = None

    def clean_branch(self) -> Any:
        return self.cleaned_data["branch"] or self.only_branch

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("Filen er for stor. Største tillatte størrelse er %(mb)s MB.")
                % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
