"""What the follow-up views share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def stale_to_match(
    request: HttpRequest, error: ValidationError, match_id: int
) -> HttpResponse | None:
    """A refusal because of the match's state or a double submit (code "stale"): its message
    on the match page, nothing changed. None for any other error (it goes next to its field)."""
    if getattr(error, "code", None) != "stale":
        return None
    messages.error(request, error.messages[0])
    return redirect("matching:match_detail", match_id)
