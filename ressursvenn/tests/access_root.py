from ressursvenn.tests.access import NOT_ALLOWED, OK, PRINCIPALS, REDIRECT, Entry, public, signed_in

ENTRIES = {
    "home": Entry(signed_in(dict.fromkeys(PRINCIPALS[2:], (OK, NOT_ALLOWED)))),
    "about": Entry(public(get=OK, post=NOT_ALLOWED)),
    "set_language": Entry(public(get=REDIRECT, post=REDIRECT)),
    "healthz": Entry(public(get=OK, post=NOT_ALLOWED)),
    "readyz": Entry(public(get=OK, post=NOT_ALLOWED)),
}
