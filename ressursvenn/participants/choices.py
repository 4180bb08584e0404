"""Choices of the referral form that are not shared with volunteers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentScope(models.TextChoices):
    """What the woman's consent covers. Matching is required for a referral to be sent."""

    MATCHING = "matching", _("Matching med en ressursvenn")
    VOLUNTEER_CONTACT = "volunteer_contact", _("At ressursvennen kontakter henne")
    QUESTIONNAIRES = "questionnaires", _("Korte spørreskjemaer om hvordan hun har det")


# Reason stored when the woman withdraws her consent (DESIGN.md §4, issue 4).
CONSENT_WITHDRAWN_REASON = "samtykke trukket"
