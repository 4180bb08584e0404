"""Render form fields with Designsystemet classes and the right ARIA wiring; show phone
numbers grouped (`phone`) and as `tel:` links (`tel_href`)."""

from __future__ import annotations

import re

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


def _described_by(field: forms.BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def ds_widget(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    attrs: dict[str, str | bool] = {}
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        attrs["class"] = "ds-input"
    else:
        attrs["class"] = "ds-input"
    described = _described_by(field)
    if described:
        attrs["aria-describedby"] = described
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multiple_choice(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect)


_NORWEGIAN = re.compile(r"(?:\+47|0047)?(\d{8})")


def _group(digits: str) -> str:
    """Eight digits the Norwegian way: mobile numbers (4…, 9…) 3-2-3, others 2-2-2-2."""
    if digits[0] in "49":
        return f"{digits[:3]} {digits[3:5]} {digits[5:]}"
    return " ".join(digits[i : i + 2] for i in range(0, 8, 2))


@register.filter
def phone(value: object) -> str:
    """A phone number grouped for reading: "91234567" → "912 34 567", "+4791234567" →
    "+47 912 34 567". Anything that is not a Norwegian 8-digit number is shown unchanged."""
    text = "" if value is None else str(value)
    compact = re.sub(r"[\s.\-]", "", text)
    found = _NORWEGIAN.fullmatch(compact)
    if found is None:
        return text
    grouped = _group(found.group(1))
    return f"+47 {grouped}" if compact[0] in "+0" else grouped


@register.filter
def tel_href(value: object) -> str:
    """The `tel:` link target of a phone number ("" when it does not look like one)."""
    text = "" if value is None else str(value)
    compact = re.sub(r"[\s.\-()]", "", text)
    if not re.fullmatch(r"\+?\d{3,15}", compact):
        return ""
    if re.fullmatch(r"\d{8}", compact):
        compact = f"+47{compact}"
    return f"tel:{compact}"
