from ressursvenn.tests.access import (
    GONE,
    NOT_ALLOWED,
    OK,
    PRINCIPALS,
    REDIRECT,
    SIGNED_IN,
    Entry,
    everyone_signed_in,
    public,
)

# Views a signed-in user reaches after the password step, before the second factor.
_after_password = {"anonymous": (REDIRECT, REDIRECT), "unverified": (OK, OK)}

ENTRIES = {
    # A verified user is sent on to the start page; the rest see the form (POST: errors, 200).
    "accounts:login": Entry(
        {p: ((REDIRECT, REDIRECT) if p in SIGNED_IN else (OK, OK)) for p in PRINCIPALS}
    ),
    # Unverified users with an authenticator are asked for the code; verified go home.
    "accounts:verify": Entry({**_after_password, **dict.fromkeys(SIGNED_IN, (REDIRECT, REDIRECT))}),
    # Enrolment only for users without an authenticator: everyone here has one.
    "accounts:enrol": Entry(
        {
            "anonymous": (REDIRECT, REDIRECT),
            "unverified": (REDIRECT, REDIRECT),
            **dict.fromkeys(SIGNED_IN, (REDIRECT, REDIRECT)),
        }
    ),
    "accounts:enrol_qr": Entry(
        {
            "anonymous": (REDIRECT, REDIRECT),
            "unverified": (404, 404),
            **dict.fromkeys(SIGNED_IN, (404, 404)),
        }
    ),
    "accounts:logout": Entry(
        {
            "anonymous": (REDIRECT, REDIRECT),
            "unverified": (NOT_ALLOWED, REDIRECT),
            **dict.fromkeys(SIGNED_IN, (NOT_ALLOWED, REDIRECT)),
        }
    ),
    "accounts:recovery_codes": Entry(everyone_signed_in(get=NOT_ALLOWED, post=OK)),
    "accounts:profile": Entry(everyone_signed_in(get=OK, post=OK)),
    "accounts:switch_role": Entry(everyone_signed_in(get=NOT_ALLOWED, post=REDIRECT)),
    "accounts:password_change": Entry(everyone_signed_in(get=OK, post=OK)),
    # An empty POST shows the profile page with the error next to the choice (400).
    "accounts:task_email": Entry(everyone_signed_in(get=NOT_ALLOWED, post=400)),
    "accounts:accept_invitation": Entry(
        public(get=GONE, post=GONE), kwargs=lambda world: {"token": "ukjent-lenke"}
    ),
    "accounts:password_reset": Entry(public(get=OK, post=OK)),
    "accounts:password_reset_done": Entry(public(get=OK, post=NOT_ALLOWED)),
    # An invalid link shows a clear message (200) and never sets a password.
    "accounts:password_reset_confirm": Entry(
        public(get=OK, post=OK), kwargs=lambda world: {"uidb64": "MQ", "token": "feil-token"}
    ),
    "accounts:password_reset_complete": Entry(public(get=OK, post=NOT_ALLOWED)),
}
