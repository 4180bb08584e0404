"""Navigation by role for the base layout."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.models import Role

# (url name, label, roles that see it)
NAVIGATION = [
    ("home", _("Start"), None),
    ("organisations:list", _("Organisasjoner"), {Role.NATIONAL_COORDINATOR}),
    ("accounts:staff_list", _("Brukere"), {Role.NATIONAL_COORDINATOR}),
    ("reports:audit", _("Revisjonslogg"), {Role.NATIONAL_COORDINATOR}),
    ("reports:access_review", _("Tilgangslogg"), {Role.NATIONAL_COORDINATOR}),
    ("reports:dashboard", _("Tall og mål"), {Role.NATIONAL_COORDINATOR, Role.GROUP_LEADER}),
    ("surveys:targets", _("Mål"), {Role.NATIONAL_COORDINATOR}),
    ("volunteers:mine", _("Min side"), {Role.VOLUNTEER}),
    ("volunteers:pipeline", _("Ressursvenner"), {Role.GROUP_LEADER}),
    ("participants:list", _("Henvisninger"), {Role.GROUP_LEADER, Role.CRISIS_STAFF}),
    ("matching:waiting_list", _("Venteliste"), {Role.GROUP_LEADER}),
    ("matching:matches", _("Koblinger"), {Role.GROUP_LEADER, Role.CRISIS_STAFF, Role.VOLUNTEER}),
    ("volunteers:courses", _("Kurs"), {Role.GROUP_LEADER, Role.VOLUNTEER}),
    ("volunteers:guidance_groups", _("Veiledning"), {Role.GROUP_LEADER}),
    ("followup:events", _("Treff"), {Role.GROUP_LEADER, Role.VOLUNTEER}),
    ("followup:tasks", _("Oppgaver"), {Role.GROUP_LEADER, Role.CRISIS_STAFF, Role.VOLUNTEER}),
    ("accounts:profile", _("Min konto"), None),
]


# What an applicant (a volunteer user whose row was never approved) does not see.
HIDDEN_FROM_APPLICANTS = {"matching:matches", "followup:events"}


def _is_applicant(user: Any) -> bool:
    """Her volunteer row (reached through the reverse relation: this app sits below the
    volunteers app) says she has not been approved."""
    volunteer = getattr(user, "volunteer", None)
    return bool(getattr(volunteer, "is_applicant", False))


def navigation(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"nav_items": [], "membership": None, "role_label": None}
    membership = getattr(request, "membership", None)
    role = membership.role if membership else None
    items = [(name, label) for name, label, roles in NAVIGATION if roles is None or role in roles]
    role_label = membership.get_role_display() if membership else None
    if role == Role.VOLUNTEER and _is_applicant(user):
        role_label = _("Søker")
        items = [(name, label) for name, label in items if name not in HIDDEN_FROM_APPLICANTS]
    return {"nav_items": items, "membership": membership, "role_label": role_label}
