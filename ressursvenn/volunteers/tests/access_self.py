"""The volunteer's own pages in the access matrix: the volunteer role only, her own row only.

Staff roles are refused (403) before anything is fetched; a volunteer-role user without a
Volunteer row gets 404 (tested in test_self_service.py). The `volunteer` persona has already
signed the current declaration, so her POST to the declaration page is a redirect with a
message and writes nothing.
"""

from __future__ import annotations

from ressursvenn.tests.access import FORBIDDEN, NOT_ALLOWED, OK, REDIRECT, Entry, signed_in

ENTRIES = {
    "volunteers:mine": Entry(
        signed_in({"volunteer": (OK, NOT_ALLOWED)}, refused=(FORBIDDEN, NOT_ALLOWED))
    ),
    # An empty POST re-renders the profile form with errors (200) and writes nothing.
    "volunteers:my_profile": Entry(signed_in({"volunteer": (OK, OK)})),
    "volunteers:sign_declaration": Entry(signed_in({"volunteer": (OK, REDIRECT)})),
}
