"""Form widgets."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A select rendered in Python instead of one template per option.

    Django renders every `<option>` through a template; with a couple of thousand options
    (the audit review's user filter) that alone takes about 100 ms. The markup is the same
    as `forms.Select` (option groups included); `LongSelectMultiple` is the multiple one.
    """

    def _options(self, choices: Any, selected: set[str]) -> str:
        # Plain string building with the standard library's escape: format_html per option
        # was most of the cost.
        parts = []
        for value, label in choices:
            if isinstance(label, (list, tuple)):
                inner = self._options(label, selected)
                parts.append(f'<optgroup label="{escape(str(value))}">\n{inner}\n</optgroup>')
            else:
                mark = " selected" if str(value) in selected else ""
                parts.append(
                    f'<option value="{escape(str(value))}"{mark}>{escape(str(label))}</option>'
                )
        return "\n".join(parts)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> Any:
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        selected = {str(v) for v in self.format_value(value)}
        options = mark_safe(self._options(self.choices, selected))  # noqa: S308 - escaped above
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(final), options)


class LongSelectMultiple(LongSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return forms.SelectMultiple().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # an empty multiple select submits nothing, like Django's


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
