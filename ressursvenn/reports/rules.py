"""Permissions of the programme's figures: the dashboard (and what is made from it: the
exports and the funder report) for the national coordinator and the group leaders (each her
own branches; the scope is decided in ``reports/dashboard.py``), and "Om tallene" for every
staff role."""

from __future__ import annotations

import rules

from ressursvenn.accounts.rules import is_group_leader, is_national_coordinator, is_staff_member

rules.add_perm("reports.view_dashboard", is_national_coordinator | is_group_leader)
rules.add_perm("reports.view_about_figures", is_staff_member)
