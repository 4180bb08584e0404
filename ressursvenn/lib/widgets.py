"""Form widgets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class LongSelect(forms.Select):
    """A single select rendered in Python instead of one template per option.

    Django renders every `<option>` through a template; with a couple of thousand options
    (the audit review's user filter) that alone takes about 100 ms. The markup is the same
    as `forms.Select` for flat choices (no option groups).
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> Any:
        final = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, " selected" if str(option_value) in selected else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(final), options)


class CommonFirstCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes with the common choices first and the rest behind a native disclosure.

    A list of twenty languages on a phone is a screen and a half; most women need one of a
    handful. The choices in `common` are shown (in that order), the others follow in a
    `<details>` element labelled `more_label`, open when one of them is selected so that a
    choice is never hidden. No script or style: the disclosure is the browser's own (CSP).
    Each option has the markup of `includes/field.html` (`ds-field` with input and label);
    the field's template puts it in the `<fieldset>` with the legend and the errors.
    """

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        choices: Any = (),
        *,
        common: Sequence[str],
        more_label: Any,
    ) -> None:
        super().__init__(attrs, choices)
        self.common = tuple(str(code) for code in common)
        self.more_label = more_label

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> Any:
        final = self.build_attrs(self.attrs, attrs)
        options = [
            option
            for _group, group_options, _index in self.optgroups(
                name, self.format_value(value), final
            )
            for option in group_options
        ]
        by_value = {str(option["value"]): option for option in options}
        first = [by_value[code] for code in self.common if code in by_value]
        shown = {str(option["value"]) for option in first}
        rest = [option for option in options if str(option["value"]) not in shown]
        html = self._options(first)
        if rest:
            is_open = " open" if any(option["selected"] for option in rest) else ""
            html = format_html(
                '{}\n<details class="ds-details choice-more"{}>\n<summary>{}</summary>\n'
                "<div>\n{}\n</div>\n</details>",
                html,
                is_open,
                self.more_label,
                self._options(rest),
            )
        return html

    @staticmethod
    def _options(options: list[dict[str, Any]]) -> Any:
        return format_html_join(
            "\n",
            '<div class="ds-field"><input type="checkbox" name="{}" value="{}"{}>'
            '<label class="ds-label" data-weight="regular" for="{}">{}</label></div>',
            (
                (
                    option["name"],
                    option["value"],
                    flatatt(option["attrs"]),  # id, and checked when selected
                    option["attrs"].get("id", ""),
                    option["label"],
                )
                for option in options
            ),
        )
