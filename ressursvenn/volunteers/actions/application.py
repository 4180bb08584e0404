"""The public application: storing it, telling the applicant and the branch, and the rate limit.

The rate limit is a small fixed-window counter in Django's cache (per client address, hashed),
not django-ratelimit: that library's system checks refuse the local-memory cache this project
uses by default, and one counter is all the form needs. With several app processes and the
local-memory cache each process counts on its own; configure a shared cache (Redis, Memcached)
in production to make the limit exact.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.lib.audit import record_creation
from ressursvenn.lib.mail import send_discreet
from ressursvenn.organisations.models import Organisation
from ressursvenn.volunteers.models import Volunteer, age_on

# Fields of the application the action stores (the form's cleaned data).
APPLICATION_FIELDS = (
    "full_name",
    "email",
    "phone",
    "date_of_birth",
    "municipality",
    "district",
    "self_declared_woman",
    "motivation",
    "languages",
    "interests",
    "offers",
    "availability",
    "modes",
    "max_travel_km",
)
AUDITED_FIELDS = (
    "status",
    "branch_id",
    "full_name",
    "email",
    "phone",
    "date_of_birth",
    "municipality_id",
    "district_id",
    "self_declared_woman",
    "motivation",
    "languages",
    "interests",
    "offers",
    "availability",
    "modes",
    "max_travel_km",
)
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# The same address in the same branch within this time is the same application.
REPEAT_WINDOW = datetime.timedelta(days=1)
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")

logger = logging.getLogger(__name__)


def is_old_enough(born: datetime.date, today: datetime.date | None = None) -> bool:
    """She has reached the programme's minimum age (settings.VOLUNTEER_MIN_AGE) today."""
    return age_on(born, today or timezone.localdate()) >= settings.VOLUNTEER_MIN_AGE


def _parse_rate(rate: str) -> tuple[int, int]:
    """'5/h' → (5, 3600); '10/15m' → (10, 900). A malformed value falls back to 5 an hour."""
    found = RATE.match(rate)
    if not found:
        return 5, 3600
    count, multiple, unit = found.groups()
    return int(count), int(multiple or 1) * PERIODS[unit]


def _counter_key(client: str, period: int) -> str:
    window = int(timezone.now().timestamp()) // period
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client}".encode()).hexdigest()[:32]
    return f"volunteers:apply:{digest}:{period}:{window}"


def application_limit_reached(client: str) -> bool:
    """The client address has used up its applications for the current window.

    Fails closed: when the cache cannot be read (Redis down), every client counts as limited,
    so the public form cannot be flooded while the limit is blind. The rest of the site does
    not use the cache and keeps serving."""
    limit, period = _parse_rate(getattr(settings, "APPLICATION_RATE_LIMIT", "5/h"))
    try:
        return int(cache.get(_counter_key(client, period), 0)) >= limit
    except Exception:  # any backend error (connection refused, timeout): fail closed
        logger.warning("Rate limit cache unavailable; the application form refuses for now.")
        return True


def count_application(client: str) -> None:
    """Count one application (stored or not) against the client address."""
    _limit, period = _parse_rate(getattr(settings, "APPLICATION_RATE_LIMIT", "5/h"))
    key = _counter_key(client, period)
    try:
        if not cache.add(key, 1, timeout=period):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=period)
    except Exception:  # the cache went away after the check: the next check fails closed
        logger.warning("Rate limit cache unavailable; an application was not counted.")


def _group_leader_addresses(branch: Organisation) -> list[str]:
    memberships = (
        Membership.objects.active()
        .filter(organisation=branch, role=Role.GROUP_LEADER, organisation__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    return sorted({membership.user.email for membership in memberships})


def _earlier_application(branch: Organisation, email: str, token: str | None) -> Volunteer | None:
    """The application this submit repeats: the one its form token created, or one from the
    same address in the same branch within REPEAT_WINDOW."""
    if token:
        earlier = Volunteer.objects.filter(application_token=token).first()
        if earlier is not None:
            return earlier
    since = timezone.now() - REPEAT_WINDOW
    return (
        Volunteer.objects.filter(branch=branch, email__iexact=email, applied_at__gte=since)
        .order_by("-applied_at", "-pk")
        .first()
    )


def submit_application(
    data: dict[str, Any],
    *,
    branch: Organisation,
    token: str | None = None,
    today: datetime.date | None = None,
) -> Volunteer:
    """Store a public application as a volunteer in status "applied" in `branch`.

    Side effects: creates the Volunteer (no user account yet), writes the audit trail (no actor:
    the applicant has no account; personal values masked), and after the commit e-mails the
    applicant a discreet confirmation and each active group leader of the branch a neutral
    "new task" notice (no name, no details). Refuses (ValidationError, nothing stored) an
    applicant under the minimum age, one who did not declare that she is a woman, and a branch
    that is not an active local branch.

    Idempotent: a submit that repeats an earlier one — the same one-time form `token` (Back,
    then Send again), or the same address in the same branch within REPEAT_WINDOW — returns
    the earlier row and stores, audits and sends nothing. Two submits of one token at the same
    moment are decided by the unique `application_token`. The answer is the same either way,
    so it never tells whether an address has applied before; after the window a repeated
    address is stored again.
    """
    if branch.kind != Organisation.Kind.BRANCH or not branch.is_active:
        raise ValidationError(_("Søknaden kan bare sendes til en aktiv lokalforening."))
    born = data["date_of_birth"]
    if not is_old_enough(born, today):
        raise ValidationError(
            _("Du må ha fylt %(age)s år for å bli ressursvenn.")
            % {"age": settings.VOLUNTEER_MIN_AGE}
        )
    if not data.get("self_declared_woman"):
        raise ValidationError(_("Ressursvenner er kvinner. Bekreft at du er kvinne for å søke."))
    fields = {name: data[name] for name in APPLICATION_FIELDS if name in data}
    fields["district"] = fields.get("district") or None
    earlier = _earlier_application(branch, fields["email"], token)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            volunteer = Volunteer.objects.create(
                branch=branch,
                status=Volunteer.Status.APPLIED,
                applied_at=timezone.now(),
                status_changed_at=timezone.now(),
                application_token=token or None,
                **fields,
            )
            record_creation(
                volunteer,
                by=None,
                action="volunteer.apply",
                fields=AUDITED_FIELDS,
                organisation=branch,
            )
            # Queued in this transaction (django-mailer): a failed submit sends nothing.
            send_discreet(volunteer.email, "volunteer_application_received", {})
            for address in _group_leader_addresses(branch):
                send_discreet(address, "volunteer_application_task", {})
    except IntegrityError:
        # The same token was stored by a parallel submit of the same form a moment ago.
        earlier = Volunteer.objects.filter(application_token=token).first() if token else None
        if earlier is None:
            raise
        return earlier
    return volunteer
