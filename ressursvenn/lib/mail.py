"""Discreet e-mail: neutral subjects, no personal data, only a link into the system."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_discreet(
    to: str, template: str, context: dict[str, object], *, language: str = "nb"
) -> None:
    """Render `emails/<template>.txt` (first line is the subject) and send it to one address."""
    with translation.override(language):
        text = render_to_string(
            f"emails/{template}.txt", {"site_url": settings.SITE_URL, **context}
        )
    subject, _, body = text.strip().partition("\n")
    send_mail(subject.strip(), body.strip() + "\n", None, [to])
