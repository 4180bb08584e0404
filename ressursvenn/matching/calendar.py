"""Calendar invitations (.ics) for the koblingsmøte, and the e-mail that carries them.

Neutral by design (DESIGN.md §6, "no personal data in e-mails"): the event is called
"Møte – Ressursvenn", its place is "Se Ressursvenn" and its description only links to the
match page. No names, no municipality, no mode-specific place. The video link is NOT in the
.ics: a Jitsi room name is random and identifies nobody, but whoever holds the link can join a
meeting where a woman at risk takes part, and e-mail is forwarded, synced and archived in
places we do not control. So the link is shown on the match page only, to the participants
who are signed in with two factors.

Each recipient gets her own .ics with herself as the only ATTENDEE (so no participant learns
another's address from the invitation) and the service's no-reply address as ORGANIZER.
UID is stable per meeting; SEQUENCE rises each time the meeting is moved, so calendars
replace the old time instead of adding a second event. A cancelled match sends METHOD:CANCEL.
"""

from __future__ import annotations

import datetime
from email.mime.text import MIMEText
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

REQUEST = "REQUEST"
CANCEL = "CANCEL"
CONTENT_TYPE = "text/calendar; charset=utf-8; method={method}"  # the download
FILENAME = "ressursvenn-mote.ics"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "ressursvenn.no"


def meeting_uid(meeting: Any) -> str:
    """Stable for the life of the meeting: calendars update the same event when it moves."""
    return f"koblingsmote-{meeting.pk}@{_host()}"


def match_url(match_id: int) -> str:
    return settings.SITE_URL + reverse("matching:match_detail", args=[match_id])


def _organiser() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or f"ikke-svar@{_host()}"
    return f"mailto:{address}"


def build_ics(
    meeting: Any,
    *,
    attendee: str | None = None,
    method: str = REQUEST,
    now: datetime.datetime | None = None,
) -> bytes:
    """One VEVENT for the koblingsmøte `meeting`, times in UTC, neutral summary and place."""
    return neutral_ics(
        uid=meeting_uid(meeting),
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        match_id=meeting.match_id,
        attendee=attendee,
        partstat="NEEDS-ACTION",
        organiser=True,
        method=method,
        now=now,
    )


def neutral_ics(
    *,
    uid: str,
    sequence: int,
    starts_at: datetime.datetime,
    duration_minutes: int,
    match_id: int,
    attendee: str | None = None,
    partstat: str = "NEEDS-ACTION",
    organiser: bool = False,
    method: str = REQUEST,
    now: datetime.datetime | None = None,
) -> bytes:
    """A calendar with one neutral VEVENT: "Møte – Ressursvenn", place "Se Ressursvenn", a
    description that only links to the match page; UTC times; the service's no-reply address
    as ORGANIZER when `organiser`; `attendee` (if given) as the only ATTENDEE. Used for the
    koblingsmøte (here) and the pair's own meetings (`followup/calendar.py`)."""
    now = now or timezone.now()
    starts = starts_at.astimezone(datetime.UTC)
    ends = starts + datetime.timedelta(minutes=duration_minutes)
    link = match_url(match_id)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Norske Kvinners Sanitetsforening//Ressursvenn//NO")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now.astimezone(datetime.UTC))
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", _("Møte – Ressursvenn"))
    event.add("location", _("Se Ressursvenn"))
    event.add("description", _("Lenke og detaljer i Ressursvenn: {url}").format(url=link))
    event.add("url", link)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if organiser:
        event.add("organizer", icalendar.vCalAddress(_organiser()))
    if attendee:
        address = icalendar.vCalAddress(f"mailto:{attendee}")
        address.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
        address.params["PARTSTAT"] = icalendar.vText(partstat)
        if organiser:
            address.params["RSVP"] = icalendar.vText("FALSE")
        event.add("attendee", address)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def send_invitation(
    to: str, meeting: Any, *, template: str, method: str = REQUEST, language: str = "nb"
) -> None:
    """E-mail one recipient a neutral message (`emails/<template>.txt`, first line the subject)
    with the meeting's .ics attached as `text/calendar; method=…`.

    `lib.mail.send_discreet` cannot attach files, hence this small sibling of it.
    """
    with translation.override(language):
        text = render_to_string(
            f"emails/{template}.txt",
            {"site_url": settings.SITE_URL, "link": match_url(meeting.match_id)},
        )
        ics = build_ics(meeting, attendee=to, method=method)
    subject, _sep, body = text.strip().partition("\n")
    message = EmailMessage(subject.strip(), body.strip() + "\n", None, [to])
    message.attach(ics_part(ics, method=method))
    message.send()


def ics_part(ics: bytes, *, method: str) -> MIMEText:
    """The attachment: `text/calendar; charset=utf-8; method=…`, named FILENAME."""
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=FILENAME)
    return part


def send_invitations(
    addresses: list[str], meeting: Any, *, template: str, method: str = REQUEST
) -> None:
    """`send_invitation` to each address (each gets her own .ics)."""
    for to in addresses:
        send_invitation(to, meeting, template=template, method=method)
