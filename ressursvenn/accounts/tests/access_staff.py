"""Access-matrix rows for staff user management (national coordinator only).

Method decorators answer before the permission check: a GET to a POST-only endpoint is 405 for
every signed-in principal; the list and the detail page answer 405 to POST.
"""

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.tests.access import (
    FORBIDDEN,
    NOT_ALLOWED,
    OK,
    REDIRECT,
    Entry,
    signed_in,
)


def _leader(world):
    return {"pk": world.leader.pk}


def _leader_membership(world):
    membership = Membership.objects.get(user=world.leader, role=Role.GROUP_LEADER)
    return {"pk": world.leader.pk, "membership_pk": membership.pk}


_page = (FORBIDDEN, NOT_ALLOWED)  # GET-only pages, refused
_post_only = (NOT_ALLOWED, FORBIDDEN)  # POST-only endpoints, refused

ENTRIES = {
    "accounts:staff_list": Entry(signed_in({"coordinator": (OK, NOT_ALLOWED)}, refused=_page)),
    # An empty POST re-renders the form with errors.
    "accounts:staff_invite": Entry(signed_in({"coordinator": (OK, OK)})),
    "accounts:staff_detail": Entry(
        signed_in({"coordinator": (OK, NOT_ALLOWED)}, refused=_page), kwargs=_leader
    ),
    "accounts:membership_add": Entry(signed_in({"coordinator": (OK, OK)}), kwargs=_leader),
    # The coordinator's empty POST ends the leader's role and goes back to the user page.
    "accounts:membership_end": Entry(
        signed_in({"coordinator": (NOT_ALLOWED, REDIRECT)}, refused=_post_only),
        kwargs=_leader_membership,
    ),
    # Without `active`: an error message, nothing changes, back to the user page.
    "accounts:user_set_active": Entry(
        signed_in({"coordinator": (NOT_ALLOWED, REDIRECT)}, refused=_post_only), kwargs=_leader
    ),
    # The leader has a password: an error message, nothing sent, back to the user page.
    "accounts:invitation_resend": Entry(
        signed_in({"coordinator": (NOT_ALLOWED, REDIRECT)}, refused=_post_only), kwargs=_leader
    ),
}
