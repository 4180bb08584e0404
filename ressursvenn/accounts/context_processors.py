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
    ("volunteers:mine", _("Min side"), {Role.VOLUNTEER}),
    ("volunteers:pipeline", _("Ressursvenner"), {Role.GROUP_LEADER}),
    ("participants:list", _("Henvisninger"), {Role.GROUP_LEADER, Role.CRISIS_STAFF}),
    ("matching:waiting_list", _("Venteliste"), {Role.GROUP_LEADER}),
    ("matching:matches", _("Koblinger"), {Role.GROUP_LEADER, Role.CRISIS_STAFF, Role.VOLUNTEER}),
    ("volunteers:courses", _("Kurs"), {Role.GROUP_LEADER, Role.VOLUNTEER}),
    ("volunteers:guidance_groups", _("Veiledning"), {Role.GROUP_LEADER}),
    ("accounts:profile", _("Min konto"), None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"nav_items": [], "membership": None}
    membership = getattr(request, "membership", None)
    role = membership.role if membership else None
    items = [(name, label) for name, label, roles in NAVIGATION if roles is None or role in roles]
    return {"nav_items": items, "membership": membership}
