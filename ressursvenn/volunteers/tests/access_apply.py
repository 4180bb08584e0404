"""The public application in the access matrix: open to everyone, signed in or not."""

from __future__ import annotations

from ressursvenn.tests.access import NOT_ALLOWED, OK, Entry, public

ENTRIES = {
    # An empty POST re-renders the form with errors (200) and stores nothing.
    "volunteers:apply": Entry(public(get=OK, post=OK)),
    "volunteers:apply_done": Entry(public(get=OK, post=NOT_ALLOWED)),
}
