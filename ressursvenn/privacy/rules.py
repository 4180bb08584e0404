"""Who may handle a person's request for access (innsyn) or erasure.

A woman's request reaches the crisis centre that referred her or the branch's group leader:
both already see her record (`Referral.objects.visible_to` decides which rows). A volunteer's
request reaches the group leader of her branch (`Volunteer.objects.visible_to`). The national
coordinator sees no person's record and handles no request; she reviews the access log
(`reports.view_audit`).
"""

from __future__ import annotations

import rules

from ressursvenn.accounts.rules import is_crisis_staff, is_group_leader

rules.add_perm("privacy.handle_woman", is_crisis_staff | is_group_leader)
rules.add_perm("privacy.handle_volunteer", is_group_leader)
