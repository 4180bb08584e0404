from ressursvenn.tests.access import Entry, signed_in

ENTRIES = {
    "reports:audit": Entry(signed_in({"coordinator": (200, 405)})),
}
