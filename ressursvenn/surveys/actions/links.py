"""The woman's one-time links: make one (shown once, or e-mailed), revoke it, and open it on
the first device that comes.

A link carries only a random token (``secrets.token_urlsafe(32)``); the database keeps its
SHA-256. The token is never logged, audited or stored anywhere else: the page that shows it
once (QR code and text) gets it from the session, which drops it at once.

Opening: the first browser that opens the link is bound to it — it gets a random device cookie
and the link keeps the cookie's hash (``device_hash``) — and her draft answer is created. The
same browser may come back until she sends the answers in; any other gets "already in use".
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import record_change, record_creation
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.mail import send_discreet
from ressursvenn.matching.actions.matches import lock, stale
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.surveys import timepoints
from ressursvenn.surveys.models import Respondent, Response, SurveyLink, TimePoint

EMAIL_TEMPLATE = "survey_link"  # emails/survey_link.txt: neutral subject, no names
LINK_FIELDS = ("match", "time_point", "delivery", "expires_at")

# Why a link cannot be used (the woman's pages show one neutral page per reason).
UNKNOWN = "unknown"  # forged, truncated or never made: 404
GONE = "gone"  # expired, used up or revoked: 410
UNAVAILABLE = "unavailable"  # the match is paused, cancelled or closed long ago: 410
IN_USE = "in_use"  # opened on another device: 409


class UnusableLinkError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def hash_token(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_device_secret() -> str:
    return secrets.token_urlsafe(32)


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("surveys:public_link", args=[token])


def day_text(value: datetime.date) -> str:
    return formats.date_format(value, "j. F Y")


def deliveries(match: Match) -> list[str]:
    """How the link may reach her, by the contact way she chose: shown as a QR code and text
    always; by e-mail only if she chose e-mail; as a text to send by SMS only if she chose SMS
    (no SMS gateway: the giver copies it)."""
    referral = match.referral
    found = [SurveyLink.Delivery.QR.value]
    if referral.contact_channel == Referral.Channel.SMS:
        found.append(SurveyLink.Delivery.SMS.value)
    if referral.contact_channel == Referral.Channel.EMAIL and str(referral.contact_value).strip():
        found.append(SurveyLink.Delivery.EMAIL.value)
    return found


def _not_open(match: Match, time_point: str) -> ValidationError:
    if match.status == Match.Status.PAUSED:
        return stale(
            _("Koblingen er satt på pause. Spørreskjemaet kan gis når den er i gang igjen.")
        )
    return stale(
        _("Spørreskjemaet «%(time_point)s» er ikke aktuelt nå.")
        % {"time_point": TimePoint(time_point).label}
    )


def check_participant_time_point(match: Match, time_point: str) -> None:
    """Refuse (stale) unless the woman's questionnaire at `time_point` may be given today and
    she has not answered it yet."""
    if time_point not in timepoints.PARTICIPANT_TIME_POINTS:
        raise ValidationError({"time_point": _("Velg et tidspunkt for spørreskjemaet.")})
    if not timepoints.is_open(match, time_point) or not timepoints.accepts_answers(match):
        raise _not_open(match, time_point)
    answered = Response.objects.filter(
        match=match,
        time_point=time_point,
        respondent=Respondent.PARTICIPANT,
        submitted_at__isnull=False,
    ).exists()
    if answered:
        raise stale(_("Hun har allerede svart på dette spørreskjemaet. Ingenting er endret."))


def _revoke(link: SurveyLink, *, by: Any, now: datetime.datetime) -> None:
    link.revoked_at = now
    link.save(update_fields=["revoked_at"])
    # Her unfinished answers through that link go with it (nothing was sent in).
    Response.objects.filter(link=link, submitted_at__isnull=True).delete()
    record_change(
        link,
        by=by,
        action=AuditAction.SURVEY_LINK_REVOKE,
        changes={"revoked_at": [None, now.isoformat()]},
        organisation=link.match.branch,
    )


def revoke_open_links(match: Match, time_point: str, *, by: Any) -> int:
    """Revoke every usable link of the time point (inside the caller's transaction, with the
    match locked). Returns how many."""
    now = timezone.now()
    links = SurveyLink.objects.select_for_update().filter(
        match=match,
        time_point=time_point,
        submitted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    )
    count = 0
    for link in links.order_by("pk"):
        link.match = match
        _revoke(link, by=by, now=now)
        count += 1
    return count


@transaction.atomic
def make_link(match: Match, *, by: Any, time_point: str, delivery: str) -> tuple[SurveyLink, str]:
    """The crisis centre or the volunteer (when the woman's contact way lets her) makes a
    one-time link to the woman's questionnaire at `time_point`. Returns the link and its raw
    token (shown once, never stored).

    Refused: a time point that is not open (not due yet, passed, the match paused or closed
    beyond the grace), one she has answered already, a delivery her contact way does not allow.
    Side effects: every older usable link of the time point is revoked (audited
    ``survey_link.revoke``; her unfinished answers through it deleted); the new link, expiring
    after SURVEY_LINK_DAYS (audited ``survey_link.create``, no token); by e-mail: a discreet
    message to her address (neutral subject, no names; queued in this transaction), audited
    ``survey_link.email``.
    """
    require(by, "surveys.hand_over_link", match)
    match = lock(match)
    require(by, "surveys.hand_over_link", match)
    if delivery not in deliveries(match):
        raise ValidationError({"delivery": _("Velg en måte å gi henne lenken på.")})
    check_participant_time_point(match, time_point)
    revoke_open_links(match, time_point, by=by)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = SurveyLink.objects.create(
        match=match,
        time_point=time_point,
        token_hash=hash_token(token),
        delivery=delivery,
        created_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=int(settings.SURVEY_LINK_DAYS)),
    )
    record_creation(
        link,
        by=by,
        action=AuditAction.SURVEY_LINK_CREATE,
        fields=LINK_FIELDS,
        organisation=match.branch,
    )
    if delivery == SurveyLink.Delivery.EMAIL:
        send_discreet(
            str(match.referral.contact_value).strip(),
            EMAIL_TEMPLATE,
            {"link": link_url(token), "expires_on": day_text(timezone.localdate(link.expires_at))},
        )
        record_change(
            link,
            by=by,
            action=AuditAction.SURVEY_LINK_EMAIL,
            changes={"delivery": [None, delivery]},
            organisation=match.branch,
        )
    return link, token


@transaction.atomic
def revoke_link(link: SurveyLink, *, by: Any) -> SurveyLink:
    """The giver takes a link back (handed to the wrong person, lost phone). Refused: a link
    already used, revoked or expired (stale). Side effects: ``revoked_at`` set, her unfinished
    answers through it deleted, audited ``survey_link.revoke``."""
    require(by, "surveys.hand_over_link", link.match)
    match = lock(link.match)
    link = SurveyLink.objects.select_for_update().get(pk=link.pk)
    link.match = match
    if not link.usable():
        raise stale(
            _("Lenken er allerede brukt, utløpt eller trukket tilbake. Ingenting er endret.")
        )
    _revoke(link, by=by, now=timezone.now())
    return link


# --- the woman's side (no account) ----------------------------------------------------------


def check_usable(link: SurveyLink, today: datetime.date | None = None) -> None:
    """Raise `UnusableLinkError` unless the link may be answered now."""
    if not link.usable():
        raise UnusableLinkError(GONE)
    if not timepoints.accepts_answers(link.match, today):
        raise UnusableLinkError(UNAVAILABLE)


@transaction.atomic
def open_link(token: str, *, device: str) -> SurveyLink:
    """The woman opens her link in a browser whose device cookie is `device` (a fresh random
    value when it had none).

    UnusableLinkError (nothing stored): UNKNOWN (no such token), GONE (expired, used, revoked),
    UNAVAILABLE (the match is paused, or closed beyond the grace), IN_USE (opened on another
    device). Side effects, the first time: the link bound to the device (``device_hash``,
    ``opened_at``) and her draft `Response` created (bokmål until she picks her language). No
    audit: she has no account, and the trail records her answers only when she sends them."""
    if not token or len(token) > 100:
        raise UnusableLinkError(UNKNOWN)
    link = (
        SurveyLink.objects.select_for_update(of=("self",))
        .select_related("match__referral", "match__branch")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        raise UnusableLinkError(UNKNOWN)
    check_usable(link)
    device_hash = hash_token(device)
    if not link.device_hash:
        link.device_hash = device_hash
        link.opened_at = timezone.now()
        link.save(update_fields=["device_hash", "opened_at"])
        Response.objects.create(
            match=link.match,
            time_point=link.time_point,
            respondent=Respondent.PARTICIPANT,
            link=link,
        )
    elif not secrets.compare_digest(link.device_hash, device_hash):
        raise UnusableLinkError(IN_USE)
    return link


def device_link(device: str) -> SurveyLink | None:
    """The link this device opened last (any state), or None."""
    if not device:
        return None
    return (
        SurveyLink.objects.select_related("match__referral", "match__branch")
        .filter(device_hash=hash_token(device))
        .order_by("-opened_at", "-pk")
        .first()
    )
