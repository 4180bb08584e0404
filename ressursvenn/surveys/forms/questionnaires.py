"""The pages of a questionnaire: the language choice and one instrument per step.

Every item is a group of radio buttons with the extra answer «Hopp over»; leaving an item
unanswered skips it too. A value that is not one of the item's answers (a tampered page) is
refused with a message and nothing of the step is stored.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ressursvenn.surveys import scales

SKIP = "skip"
NEXT = "next"
BACK = "back"
SEND = "send"
LANGUAGE = "language"  # page 0: show the page in the chosen language
ACTIONS = (NEXT, BACK, SEND, LANGUAGE)


def choice_label(item: scales.Item, choice: scales.Choice) -> str:
    """«3 – Ofte»-style only where a number is the answer (0–10 scales); else the label."""
    if choice.label is None:
        return str(choice.value)
    if item.maximum >= 10:
        return f"{choice.value} – {choice.label}"
    return str(choice.label)


class StepForm(forms.Form):
    """One instrument: a radio group per item (its answers and «Hopp over»)."""

    def __init__(self, *args: Any, instrument: scales.Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            choices = [(str(c.value), choice_label(item, c)) for c in item.choices]
            choices.append((SKIP, _("Hopp over")))
            self.fields[item.code] = forms.ChoiceField(
                label=str(item.text),
                choices=choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "ds-input"}),
                error_messages={
                    "invalid_choice": gettext_lazy("Velg et av svarene, eller «Hopp over».")
                },
            )

    @classmethod
    def initial_from(cls, values: dict[str, int | None]) -> dict[str, str]:
        return {code: SKIP if value is None else str(value) for code, value in values.items()}

    def values(self) -> dict[str, int | None]:
        """The checked answers (None: skipped or unanswered)."""
        result: dict[str, int | None] = {}
        for item in self.instrument.items:
            raw = self.cleaned_data.get(item.code) or ""
            result[item.code] = None if raw in ("", SKIP) else int(raw)
        return result

    def item_fields(self) -> list[dict[str, Any]]:
        """Per item: the bound field, whether it is a 0–10 scale (numbers side by side), and
        its radio buttons with a class each (labelled ends and «Hopp over» take a whole row)."""
        result = []
        for item in self.instrument.items:
            field = self[item.code]
            labelled = {str(c.value) for c in item.choices if c.label is not None}
            radios = []
            for radio in field:
                value = str(radio.data["value"])
                if value == SKIP:
                    kind = "survey-choice--skip"
                elif value in labelled:
                    kind = "survey-choice--labelled"
                else:
                    kind = ""
                radios.append({"radio": radio, "kind": kind})
            result.append(
                {"item": item, "field": field, "scale": item.maximum >= 10, "radios": radios}
            )
        return result


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Språk"),
        choices=settings.LANGUAGES,
        error_messages={
            "invalid_choice": gettext_lazy("Velg et språk."),
            "required": gettext_lazy("Velg et språk."),
        },
    )


class StepPost(forms.Form):
    """The page's own fields: which step it showed and which button was pressed."""

    step = forms.IntegerField(min_value=0, max_value=20)
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], required=False)

    def move(self) -> int:
        return -1 if self.cleaned_data.get("action") == BACK else 1
