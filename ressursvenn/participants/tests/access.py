"""The referral pages in the access matrix.

Crisis-centre staff of the referring centre and the receiving branch's group leader; the
other centre's staff and the other branch's leader get 404 with the referral present. The
national coordinator and volunteers see no referral at all (403 on the list, 404 elsewhere).
"""

from __future__ import annotations

from typing import Any

from ressursvenn.tests import factories
from ressursvenn.tests.access import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Entry,
    signed_in,
)

HIDDEN = (NOT_FOUND, NOT_FOUND)


def _referral(status: str) -> Any:
    def kwargs(world: Any) -> dict[str, Any]:
        row = factories.referral(world.centre, world.branch, status=status, contact=world.staff)
        return {"pk": row.pk}

    return kwargs


def _detail_expect() -> Any:
    # Read-only page: every method but GET/HEAD is refused before anything is fetched.
    gone = (NOT_FOUND, NOT_ALLOWED)
    return signed_in(
        {
            "leader": (OK, NOT_ALLOWED),
            "staff": (OK, NOT_ALLOWED),
            "coordinator": gone,
            "other_leader": gone,
            "other_staff": gone,
            "volunteer": gone,
        }
    )


def _post_only(allowed: dict[str, Any]) -> Any:
    """POST-only URL: GET is refused (405) for everyone signed in before anything else."""
    names = ("coordinator", "leader", "other_leader", "staff", "other_staff", "volunteer")
    expect = dict.fromkeys(names, (NOT_ALLOWED, NOT_FOUND))
    expect.update(allowed)
    return signed_in(expect)


ENTRIES = {
    "participants:list": Entry(
        signed_in(
            {
                "leader": (OK, NOT_ALLOWED),
                "other_leader": (OK, NOT_ALLOWED),
                "staff": (OK, NOT_ALLOWED),
                "other_staff": (OK, NOT_ALLOWED),
            }
        )
    ),
    # An empty POST re-renders the form with its errors.
    "participants:create": Entry(
        signed_in({"staff": (OK, OK), "other_staff": (OK, OK)}),
    ),
    "participants:detail": Entry(_detail_expect(), kwargs=_referral("accepted")),
    # A draft: the group leader does not see drafts at all.
    "participants:edit": Entry(
        signed_in({"staff": (OK, OK)}, refused=HIDDEN), kwargs=_referral("draft")
    ),
    # The complete draft is sent by the staff's POST.
    "participants:submit": Entry(
        _post_only({"staff": (NOT_ALLOWED, REDIRECT)}), kwargs=_referral("draft")
    ),
    "participants:withdraw": Entry(
        signed_in(
            {"staff": (OK, OK), "leader": (FORBIDDEN, FORBIDDEN)},
            refused=HIDDEN,
        ),
        kwargs=_referral("submitted"),
    ),
    "participants:withdraw_consent": Entry(
        signed_in(
            {"staff": (OK, OK), "leader": (FORBIDDEN, FORBIDDEN)},
            refused=HIDDEN,
        ),
        kwargs=_referral("submitted"),
    ),
    "participants:accept": Entry(
        _post_only({"leader": (NOT_ALLOWED, REDIRECT), "staff": (NOT_ALLOWED, FORBIDDEN)}),
        kwargs=_referral("submitted"),
    ),
    "participants:decline": Entry(
        signed_in(
            {"leader": (OK, OK), "staff": (FORBIDDEN, FORBIDDEN)},
            refused=HIDDEN,
        ),
        kwargs=_referral("submitted"),
    ),
    # An empty POST saves "nobody excluded" and goes back to the referral.
    "participants:exclusions": Entry(
        signed_in(
            {"leader": (OK, REDIRECT), "staff": (FORBIDDEN, FORBIDDEN)},
            refused=HIDDEN,
        ),
        kwargs=_referral("accepted"),
    ),
}
