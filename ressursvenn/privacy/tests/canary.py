"""Canary values for the retention and erasure tests: a woman and a volunteer whose every
personal and secret field holds a value that can be searched for, and a scan of the whole
database for them.

`story(world)` takes one woman through the life cycle with one volunteer, with the real
actions where they exist (so the audit trail, the mail queue and the access log hold what
production writes): referral created, sent and accepted, match proposed and accepted,
koblingsmøte planned and held, an activity, a planned pair meeting, check-ins with both,
a concern reported, acknowledged and resolved, a pause and its resume, an extension, a survey
link e-mailed to her and an answer started, a social event signed up for, closing conversations
and the closure. Then every personal and secret field of every row the inventory reaches from
her, and from her volunteer, gets a canary (`fill`): text "KANARI-W-<model>-<field>" (W for the
woman, V for the volunteer; a short "KANARI<n>" where the column is short), lists holding
that text, dates 1919-09-19, distinctive numbers for the numbers. Shared rows (the match and
its rows) carry the woman's canaries; the volunteer's are in rows that are hers only. On top:
admin log entries, mail queued and logged to both addresses, a do-not-send entry, login
attempts and logs with the volunteer's address, audit events with personal values (as an older
version of an action might have written them).

`scan(canaries)` reads every table with raw SQL, decrypts "enc1:" values, decodes mailer
message data and session data, and returns every (table, column, canary) still found.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.mail import EmailMessage
from django.db import connection, models
from django.test import Client
from django.utils import timezone
from mailer.models import DontSendEntry, Message, MessageLog, db_to_email, email_to_db

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.conftest import World, login
from ressursvenn.followup.actions import activities, checkins, closure, concerns, events, pauses
from ressursvenn.followup.actions import meetings as pair_meetings
from ressursvenn.followup.models import CheckIn, Concern
from ressursvenn.lib.audit import record_change
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.crypto import PREFIX, EncryptedJSONField, decrypt
from ressursvenn.matching.actions import meetings, proposals
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.participants import actions as referrals
from ressursvenn.participants.models import ConsentText, Referral
from ressursvenn.privacy.inventory import Level
from ressursvenn.privacy.people import VOLUNTEER, WOMAN, rows_of
from ressursvenn.surveys.actions import links, questionnaires
from ressursvenn.tests import factories
from ressursvenn.volunteers.actions import application
from ressursvenn.volunteers.models import Reference, Volunteer

CANARY_DATE = datetime.date(1919, 9, 19)
# Numbers nothing else in the test database holds in these columns.
CANARY_NUMBERS: dict[str, dict[str, int]] = {
    WOMAN: {
        "birth_year": 1919,
        "children_count": 113,
        "preferred_age_min": 61,
        "preferred_age_max": 79,
        "rating": 2,
        "max_travel_km": 919,
    },
    VOLUNTEER: {"rating": 3, "max_travel_km": 929, "birth_year": 1929, "children_count": 123},
}
TEXT_TYPES = (models.CharField, models.TextField)
# Text fields that hold an e-mail address here (her contact way is e-mail): the canary is one.
EMAIL_LIKE = {("participants.referral", "contact_value")}


@dataclass(frozen=True)
class Canary:
    """A value planted in `column` of `label` (a row of the person `kind`). `technical`: in a
    log that the retention run purges by age anyway."""

    kind: str
    label: str
    column: str
    value: Any
    technical: bool = False

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int) and not isinstance(self.value, bool)

    @property
    def key(self) -> str:
        """What is searched for (two canaries may plant the same value in two places)."""
        if isinstance(self.value, datetime.date):
            return self.value.isoformat()
        return str(self.value)

    def __str__(self) -> str:
        return f"{self.kind}:{self.label}.{self.column}={self.value!r}"


@dataclass
class Story:
    world: World
    referral: Referral
    volunteer: Volunteer
    match: Match
    user: User  # the volunteer's account
    ended_on: datetime.date  # the day the woman's (and an ended volunteer's) time starts
    canaries: list[Canary] = field(default_factory=list)

    def of(self, kind: str, *, technical: bool | None = None) -> list[Canary]:
        return [
            c
            for c in self.canaries
            if c.kind == kind and (technical is None or c.technical == technical)
        ]


LETTERS = {WOMAN: "W", VOLUNTEER: "V"}


class Texts:
    """Canary texts: "KANARI-<W|V>-<label>-<field>", or a numbered short one for short columns."""

    def __init__(self) -> None:
        self.count = 0

    def text(self, who: str, label: str, name: str, max_length: int | None = None) -> str:
        letter = LETTERS.get(who, who)
        value = f"KANARI-{letter}-{label}-{name}"
        if max_length is not None and len(value) > max_length:
            self.count += 1
            value = f"KANARI{letter}{self.count:03d}"
            if len(value) > max_length:
                raise ValueError(f"{label}.{name}: column too short for a canary")
        return value

    def email(self, who: str, label: str, name: str) -> str:
        letter = LETTERS.get(who, who).lower()
        return f"kanari-{letter}-{label}-{name}@example.no".replace("_", "-")


TEXTS = Texts()


# --- the life cycle ---------------------------------------------------------------------------


def _volunteer(world: World, *, status: str = "approved") -> tuple[Volunteer, User]:
    user: Any = factories.UserFactory(
        email=TEXTS.email(VOLUNTEER, "accounts.user", "email"),
        full_name=TEXTS.text(VOLUNTEER, "accounts.user", "full_name"),
        phone=TEXTS.text(VOLUNTEER, "accounts.user", "phone"),
    )
    Membership.objects.create(user=user, organisation=world.branch, role=Role.VOLUNTEER)
    row = factories.volunteer(
        world.branch,
        user=user,
        status=status,
        full_name=TEXTS.text(VOLUNTEER, "volunteers.volunteer", "full_name"),
        email=TEXTS.email(VOLUNTEER, "volunteers.volunteer", "email"),
        phone=TEXTS.text(VOLUNTEER, "volunteers.volunteer", "phone"),
        motivation=TEXTS.text(VOLUNTEER, "volunteers.volunteer", "motivation"),
    )
    Reference.objects.create(
        volunteer=row,
        name=TEXTS.text(VOLUNTEER, "volunteers.reference", "name"),
        relation=TEXTS.text(VOLUNTEER, "volunteers.reference", "relation", 100),
        contacted_on=timezone.localdate(),
        is_positive=True,
        notes=TEXTS.text(VOLUNTEER, "volunteers.reference", "notes"),
        recorded_by=world.leader,
    )
    return row, user


def _referral(world: World) -> Referral:
    referral = referrals.create_referral(
        by=world.staff,
        centre=world.centre,
        branch=world.branch,
        first_name=TEXTS.text(WOMAN, "participants.referral", "first_name"),
        birth_year=timezone.localdate().year - 35,
        municipality=world.branch.municipality,
        languages=["nb"],
        interests=["hiking"],
        needs=["social_network"],
        availability=["evenings"],
        modes=["in_person", "digital"],
        contact_channel=Referral.Channel.EMAIL,
        contact_value=TEXTS.email(WOMAN, "participants.referral", "contact_value"),
        notes=TEXTS.text(WOMAN, "participants.referral", "notes"),
        safety_assessed_on=timezone.localdate(),
        safety_assessed_by=world.staff,
        consent_text=ConsentText.objects.order_by("-version").first(),
        consent_scope=["matching", "followup", "surveys"],
        consent_given_on=timezone.localdate(),
    )
    referrals.submit_referral(referral, by=world.staff)
    referral.refresh_from_db()
    referrals.accept_referral(referral, by=world.leader)
    referral.refresh_from_db()
    return referral


def _match(world: World, referral: Referral, volunteer: Volunteer, user: User) -> Match:
    match = proposals.propose_match(referral, volunteer, by=world.leader)
    proposals.answer_proposal(match, by=user, accept=True)
    now = timezone.now()
    meetings.plan_meeting(
        match,
        by=world.leader,
        starts_at=now + datetime.timedelta(hours=2),
        duration_minutes=60,
        mode=MatchingMeeting.Mode.PUBLIC_PLACE,
        place=TEXTS.text(WOMAN, "matching.matchingmeeting", "place"),
    )
    # The koblingsmøte has been held (an hour ago).
    MatchingMeeting.objects.filter(match=match).update(starts_at=now - datetime.timedelta(hours=1))
    meetings.record_meeting_outcome(match, by=world.leader, outcome="continue", months=9)
    match.refresh_from_db()
    return match


def _follow_up(world: World, match: Match, user: User) -> None:
    today = timezone.localdate()
    activities.log_activity(
        match,
        by=user,
        occurred_on=today,
        kind="coffee",
        duration_minutes=60,
        channel="in_person",
        note=TEXTS.text(WOMAN, "followup.activity", "note"),
    )
    pair_meetings.plan_pair_meeting(
        match,
        by=user,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        duration_minutes=60,
        mode="digital",
    )
    pair_meetings.ensure_room(match, by=user)
    for party, kind in ((CheckIn.Party.WOMAN, WOMAN), (CheckIn.Party.VOLUNTEER, VOLUNTEER)):
        checkin = CheckIn.objects.filter(match=match, party=party).order_by("due_on").first()
        assert checkin is not None
        checkins.record_checkin(
            checkin,
            by=world.leader,
            held_on=today,
            mode="phone",
            rating=4,
            notes=TEXTS.text(kind, "followup.checkin", "notes"),
            via="centre" if party == CheckIn.Party.WOMAN else "",
            followup_needed=True,
            followup_what=TEXTS.text(kind, "followup.checkin", "followup_what"),
        )
    concern = concerns.report_concern(
        match,
        by=user,
        category=Concern.Category.WELLBEING,
        severity=Concern.Severity.SOON,
        description=TEXTS.text(WOMAN, "followup.concern", "description"),
    )
    concerns.acknowledge_concern(
        concern, by=world.leader, note=TEXTS.text(WOMAN, "followup.concern", "acknowledge_note")
    )
    concerns.resolve_concern(
        concern, by=world.leader, resolution=TEXTS.text(WOMAN, "followup.concern", "resolution")
    )
    pauses.pause_match(match, by=world.leader, reason=TEXTS.text(WOMAN, "followup.pause", "reason"))
    pauses.confirm_resume(match, by=world.leader, move_end=False)
    pauses.confirm_resume(match, by=world.staff)
    match.refresh_from_db()
    assert match.planned_end_on is not None
    closure.extend_match(
        match,
        by=world.leader,
        new_end_on=match.planned_end_on + datetime.timedelta(days=30),
        reason=TEXTS.text(WOMAN, "followup.extension", "reason"),
    )
    links.make_link(match, by=world.staff, time_point="start", delivery="email")
    questionnaires.start_entry(match, by=world.staff, time_point="start", respondent="participant")
    event = events.create_event(
        world.branch,
        by=world.leader,
        title="Kaffetreff",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        duration_minutes=90,
        capacity=10,
        audience="pairs",
        digital=False,
        place="Biblioteket",
    )
    events.answer_event(event, by=user, answer="pair", match=match)


def _close(world: World, match: Match, volunteer_next: str) -> None:
    today = timezone.localdate()
    for party, kind in ((CheckIn.Party.WOMAN, WOMAN), (CheckIn.Party.VOLUNTEER, VOLUNTEER)):
        closure.record_closing_conversation(
            match,
            by=world.leader,
            party=party,
            held_on=today,
            mode="phone",
            notes=TEXTS.text(kind, "followup.closingconversation", "notes"),
        )
    closure.close_match(
        match,
        by=world.leader,
        reason="completed",
        ended_on=today,
        keep_in_touch="no",
        volunteer_next=volunteer_next,
        note=TEXTS.text(WOMAN, "followup.closure", "note"),
    )


def story(world: World, *, volunteer_next: str = "available") -> Story:
    """The woman's whole match with one volunteer, closed today (`volunteer_next`: what becomes
    of the volunteer: "available" keeps her approved, "end" ends her), then filled with
    canaries. The volunteer has logged in once (a session)."""
    volunteer, user = _volunteer(world)
    referral = _referral(world)
    match = _match(world, referral, volunteer, user)
    _follow_up(world, match, user)
    _close(world, match, volunteer_next)
    login(Client(), user)
    referral.refresh_from_db()
    volunteer.refresh_from_db()
    result = Story(world, referral, volunteer, match, user, ended_on=timezone.localdate())
    result.canaries += fill(WOMAN, referral)
    result.canaries += fill(VOLUNTEER, volunteer, skip=_rows_of_set(WOMAN, referral))
    result.canaries += extras(WOMAN, referral, world)
    result.canaries += extras(VOLUNTEER, volunteer, world)
    return result


def applicant(world: World, *, status: str = "rejected") -> tuple[Volunteer, list[Canary]]:
    """An applicant through the public form, rejected (or withdrawn) today by the leader, then
    filled with canaries."""
    row = application.submit_application(
        {
            "full_name": TEXTS.text("A", "volunteers.volunteer", "full_name"),
            "email": TEXTS.email("A", "volunteers.volunteer", "email"),
            "phone": TEXTS.text("A", "volunteers.volunteer", "phone"),
            "date_of_birth": CANARY_DATE,
            "municipality": world.branch.municipality,
            "self_declared_woman": True,
            "motivation": TEXTS.text("A", "volunteers.volunteer", "motivation"),
            "languages": ["nb"],
        },
        branch=world.branch,
    )
    from ressursvenn.volunteers.actions import screening

    move = screening.reject_volunteer if status == "rejected" else screening.withdraw_volunteer
    move(row, by=world.leader, reason=TEXTS.text("A", "volunteers.volunteer", "status_reason"))
    row.refresh_from_db()
    found = fill(VOLUNTEER, row, who="A") + extras(VOLUNTEER, row, world, who="A")
    return row, found


# --- canaries in every field ------------------------------------------------------------------


def _rows_of_set(kind: str, person: Any) -> set[tuple[str, Any]]:
    return {
        (label, pk)
        for label, (_entry, rows) in rows_of(kind, person).items()
        for pk in rows.values_list("pk", flat=True)
    }


def _value_for(kind: str, who: str, label: str, f: Any) -> Any:
    """The canary for field `f`, or None when the field cannot hold a searchable one."""
    if f.many_to_many or f.is_relation or isinstance(f, models.BooleanField):
        return None
    if isinstance(f, models.JSONField | EncryptedJSONField):
        return [TEXTS.text(who, label, f.name)]
    if isinstance(f, models.EmailField) or (label, f.name) in EMAIL_LIKE:
        return TEXTS.email(who, label, f.name)
    if isinstance(f, models.GenericIPAddressField):
        return None
    if isinstance(f, TEXT_TYPES):
        return TEXTS.text(who, label, f.name, getattr(f, "max_length", None))
    if isinstance(f, models.DateTimeField):
        return datetime.datetime.combine(
            CANARY_DATE, datetime.time(12), tzinfo=timezone.get_current_timezone()
        )
    if isinstance(f, models.DateField):
        return CANARY_DATE
    if isinstance(f, models.IntegerField):
        return CANARY_NUMBERS[kind].get(f.name)
    return None


def fill(
    kind: str, person: Any, *, skip: set[tuple[str, Any]] | None = None, who: str = ""
) -> list[Canary]:
    """Every personal and secret field the inventory clears, in every row of `person` (except
    the rows in `skip`), set to its canary. Returns the canaries planted."""
    planted: list[Canary] = []
    for label, (entry, rows) in rows_of(kind, person).items():
        pks = [pk for pk in rows.values_list("pk", flat=True) if (label, pk) not in (skip or set())]
        if not pks:
            continue
        model = rows.model
        values: dict[str, Any] = {}
        for name in entry.fields_at(Level.PERSONAL, Level.SECRET):
            if name in entry.keeps:
                continue
            model_field = model._meta.get_field(name)
            value = _value_for(kind, who or kind, label, model_field)
            if value is None:
                continue
            values[name] = value
            column = model_field.column
            shown = value[0] if isinstance(value, list) else value
            if isinstance(shown, datetime.datetime):
                shown = CANARY_DATE
            planted.append(Canary(kind, label, column, shown))
        if values:
            model._base_manager.filter(pk__in=pks).update(**values)
    return planted


def extras(kind: str, person: Any, world: World, *, who: str = "") -> list[Canary]:
    """Canaries outside the person's own rows: admin log, mail, login logs, audit values."""
    planted: list[Canary] = []
    who = who or kind
    text = TEXTS.text(who, "admin.logentry", "object_repr")
    LogEntry.objects.create(
        user=world.coordinator,
        content_type=ContentType.objects.get_for_model(type(person)),
        object_id=str(person.pk),
        object_repr=text,
        action_flag=CHANGE,
        change_message=TEXTS.text(who, "admin.logentry", "change_message"),
    )
    planted += [
        Canary(kind, "admin.logentry", "object_repr", text),
        Canary(
            kind,
            "admin.logentry",
            "change_message",
            TEXTS.text(who, "admin.logentry", "change_message"),
        ),
    ]
    addresses = [str(person.contact_value)] if kind == WOMAN else [str(person.email)]
    account = getattr(person, "user", None) if kind == VOLUNTEER else None
    if account is not None:
        addresses.append(account.email)
    now = timezone.now()
    for address in addresses:
        email = EmailMessage(subject="Ny oppgave i Ressursvenn", body="Logg inn.", to=[address])
        Message.objects.create(message_data=email_to_db(email))
        MessageLog.objects.create(
            message_data=email_to_db(email),
            message_id=None,
            when_added=now,
            priority=2,
            result="1",
            log_message="",
        )
        DontSendEntry.objects.create(to_address=address, when_added=now)
        planted += [
            Canary(kind, "mailer.message", "message_data", address),
            Canary(kind, "mailer.messagelog", "message_data", address, technical=True),
            Canary(kind, "mailer.dontsendentry", "to_address", address),
        ]
        if kind == VOLUNTEER:
            agent = TEXTS.text(who, "axes", "user_agent", 255)
            common = {
                "username": address,
                "ip_address": "10.9.9.9",
                "user_agent": agent,
                "http_accept": "*/*",
                "path_info": "/logg-inn/",
            }
            AccessAttempt.objects.create(
                **common, get_data="", post_data="", failures_since_start=1
            )
            AccessFailureLog.objects.create(**common, locked_out=False)
            AccessLog.objects.create(**common)
            for table in ("axes.accessattempt", "axes.accessfailurelog", "axes.accesslog"):
                planted.append(Canary(kind, table, "username", address, technical=True))
    # Audit events with personal values, as an older action might have written them.
    personal = {
        WOMAN: ("first_name", "notes", "contact_value"),
        VOLUNTEER: ("full_name", "email", "motivation"),
    }[kind]
    changes = {name: [None, TEXTS.text(who, "lib.auditevent", name)] for name in personal}
    action = (
        AuditAction.REFERRAL_UPDATE if kind == WOMAN else AuditAction.VOLUNTEER_UPDATE_OWN_PROFILE
    )
    record_change(person, by=world.leader, action=action, changes=changes)
    planted += [Canary(kind, "lib.auditevent", "changes", v[1]) for v in changes.values()]
    if kind == VOLUNTEER and account is not None:
        changes = {"email": [None, TEXTS.text(who, "lib.auditevent", "user-email")]}
        record_change(
            account, by=world.leader, action=AuditAction.USER_UPDATE_PROFILE, changes=changes
        )
        planted.append(Canary(kind, "lib.auditevent", "changes", changes["email"][1]))
    return planted


# --- the scan ---------------------------------------------------------------------------------


def _email_text(data: str) -> str:
    email = db_to_email(data)
    if email is None:
        return data
    parts = [
        str(email.subject),
        str(email.body),
        str(email.from_email),
        *map(str, email.to),
        *map(str, email.cc),
        *map(str, email.bcc),
        *map(str, getattr(email, "reply_to", [])),
        json.dumps(getattr(email, "extra_headers", {}), default=str),
        *(str(content) for content, _mime in getattr(email, "alternatives", [])),
        *(str(attachment) for attachment in email.attachments),
    ]
    return "\n".join(parts)


def _text(table: str, column: str, value: Any) -> str:
    if isinstance(value, memoryview | bytes):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, str):
        if value.startswith(PREFIX):
            return decrypt(value)
        if table.startswith("mailer_") and column == "message_data" and value:
            return _email_text(value)
        if table == "django_session" and column == "session_data":
            return json.dumps(SessionStore().decode(value), default=str)
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _numbers_in(text: str, column: str) -> list[Any]:
    """The values a JSON mapping holds under the key `column` (audit changes), flattened."""
    if not text.startswith("{"):
        return []
    try:
        data = json.loads(text)
    except ValueError:
        return []
    if not isinstance(data, dict) or column not in data:
        return []
    value = data[column]
    return value if isinstance(value, list) else [value]


def tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def scan(canaries: list[Canary]) -> list[tuple[str, str, str]]:
    """Every (table, column, canary) found anywhere in the database."""
    texts = [c for c in canaries if not c.is_number]
    numbers = [c for c in canaries if c.is_number]
    found: set[tuple[str, str, str]] = set()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (table names only)
            columns = [d[0] for d in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    text = _text(table, column, value)
                    lowered = text.lower()
                    for canary in texts:
                        needle = (
                            canary.value.isoformat()
                            if isinstance(canary.value, datetime.date)
                            else str(canary.value)
                        )
                        if needle.lower() in lowered:
                            found.add((table, column, canary.key))
                    for canary in numbers:
                        if (
                            column == canary.column and str(value) == str(canary.value)
                        ) or canary.value in _numbers_in(text, canary.column):
                            found.add((table, column, canary.key))
    return sorted(found)


def dump(*, without: tuple[str, ...] = ()) -> dict[str, list[tuple[str, ...]]]:
    """Every table's rows as sorted tuples of text (to compare a database before and after);
    `without`: tables left out (the session a test client's request rewrites)."""
    result: dict[str, list[tuple[str, ...]]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables():
            if table in without:
                continue
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (table names only)
            result[table] = sorted(tuple(str(v) for v in row) for row in cursor.fetchall())
    return result
