"""The figures a reporting period can set a target for (codes stored in ``Target.metric``).

The figures themselves are defined and counted in ``reports/definitions.py`` under the same
codes; this list sits here, below reports, because the target form and model need it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

METRICS = {
    "women_matched": _("Kvinner som har fått en ressursvenn"),
    "volunteers_approved": _("Nye godkjente ressursvenner"),
    "referrals_received": _("Nye henvisninger"),
    "matches_nine_months": _("Koblinger som varte minst ni måneder"),
    "social_events": _("Sosiale treff"),
}
