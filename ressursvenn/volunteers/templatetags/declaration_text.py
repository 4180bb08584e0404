"""`{{ text|as_paragraphs }}`: a versioned text (the taushetserklæring) as paragraphs and lists.

The stored text is hard-wrapped at about 100 characters, so `linebreaks` broke lines in the
middle of sentences on a phone. The stored, signed text stays exactly as it is (its version is
what a volunteer signed); only the display changes: blocks are separated by blank lines, the
lines of a block are joined with a space, and a block of numbered lines ("1. …", with indented
continuation lines) becomes an ordered list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(.*)$")
BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass
class Block:
    """A paragraph (`items` is one text) or a numbered list starting at `start`."""

    numbered: bool
    items: list[str] = field(default_factory=list)
    start: int = 1


def blocks(text: str) -> list[Block]:
    """The text's paragraphs and numbered lists, every hard line break joined."""
    result: list[Block] = []
    for chunk in BLANK_LINES.split(text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        first = NUMBERED.match(lines[0])
        if first is None:
            result.append(Block(numbered=False, items=[" ".join(lines)]))
            continue
        block = Block(numbered=True, start=int(first.group(1)))
        for line in lines:
            item = NUMBERED.match(line)
            if item is not None:
                block.items.append(item.group(2))
            else:
                block.items[-1] = f"{block.items[-1]} {line}"
        result.append(block)
    return result


@register.filter
def as_paragraphs(text: str) -> SafeString:
    parts = []
    for block in blocks(text or ""):
        if block.numbered:
            items = format_html_join("", "<li>{}</li>", ((item,) for item in block.items))
            if block.start == 1:
                parts.append(format_html('<ol class="ds-list">{}</ol>', items))
            else:
                parts.append(
                    format_html('<ol class="ds-list" start="{}">{}</ol>', block.start, items)
                )
        else:
            parts.append(format_html('<p class="ds-paragraph">{}</p>', block.items[0]))
    return mark_safe("".join(parts))  # noqa: S308 (every part built with format_html)
