"""Render form fields with Designsystemet classes and the right ARIA wiring."""

from __future__ import annotations

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
