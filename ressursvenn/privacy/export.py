"""Everything held about one woman or one volunteer, for her request for access (innsyn).

`export_person(kind, person)` is the machine-readable export (the JSON download): for every
inventory entry that reaches her (`people.rows_of`), every classified field of each of her rows,
so its keys equal the inventory's `fields` of that entry; and the access log of her rows.
`person_page(kind, person)` is the same data in words for the printable page, grouped by area.
`views_of(kind, person)` is only the access log, for the page "who viewed my record".

A volunteer with a user account is also the "user" of that account: her export holds the rows
of both kinds (`people.rows_of("volunteer", …)` and `rows_of("user", …)`), as anonymisation
reaches both.

Values in the JSON: encrypted fields decrypted (the export is her copy), a foreign key as the
related row's primary key (a many-to-many table is an inventory entry of its own), dates and
times ISO 8601 (times in Oslo time with the offset). Credentials (password hashes, token hashes, the
session stamp, two-factor keys and recovery codes: `is_credential`) are not information about
her and would help an attacker: their key is there, their value is `MASK` ("•••") when one is
stored.

On the page, rows of other people are never named: a foreign key to a woman's referral, a
volunteer or any other row that is someone's data (it has a person path in the inventory) shows
as its type and number ("ressursvenn 12"); a user by her name only when she is staff (or the
person herself), otherwise as "en ressursvenn". In a woman's access log, a view in the
volunteer role shows "En ressursvenn", not the volunteer's name: a volunteer who was proposed
and never met her is not hers to know, and a printout can fall into the wrong hands.

The access log of her rows: the views of those rows that views are logged for (`is_logged`: her
Referral or Volunteer, and her user account), newest first.

Queries: one per inventory entry that reaches her, one per kind of row her rows refer to that the
page names (`Names`), one for the access log: set by the inventory, not by her rows.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import functools
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.models import STAFF_ROLES, Membership, Role, User
from ressursvenn.lib import vocabulary
from ressursvenn.lib.audit import MASK, object_type
from ressursvenn.lib.models import AccessEvent
from ressursvenn.organisations.models import District, Municipality
from ressursvenn.participants.models import Referral
from ressursvenn.privacy import people
from ressursvenn.privacy.inventory import INVENTORY, Entry
from ressursvenn.reports.audit import (
    machine_datetime,
    norwegian_date,
    norwegian_datetime,
    role_label,
)
from ressursvenn.volunteers.models import Volunteer

# Values that are credentials, not information about her: the key is exported, the value not.
CREDENTIALS = frozenset(
    {"password", "token_hash", "session_stamp", "application_token", "device_hash"}
)
# … and, in the two-factor apps, the TOTP key and the recovery codes themselves.
OTP_CREDENTIALS = frozenset({"key", "token"})

KIND_MODELS: dict[str, type[models.Model]] = {people.WOMAN: Referral, people.VOLUNTEER: Volunteer}

# The areas of the page, in this order; models of other apps are "technical".
AREAS: tuple[tuple[str, Any], ...] = (
    ("participants", _("Henvisningen")),
    ("volunteers", _("Ressursvennen")),
    ("matching", _("Koblingen")),
    ("followup", _("Oppfølgingen")),
    ("surveys", _("Spørreskjemaer og resultat")),
    ("accounts", _("Brukerkontoen")),
    ("lib", _("Logger")),
)
TECHNICAL_AREA = _("Tekniske opplysninger")

VOLUNTEER_VIEWER = _("En ressursvenn")
OTHER_USER = _("en ressursvenn")
NOT_SHOWN = _("lagret (vises ikke)")

# Codes of the shared profile lists (languages, interests, needs …) stored in JSON lists.
VOCABULARY: dict[str, Any] = {}
for _choices in (
    vocabulary.Need,
    vocabulary.Availability,
    vocabulary.Mode,
    vocabulary.Language,
    vocabulary.Interest,
    Referral.ContactTime,
):
    for _code, _label in _choices.choices:
        VOCABULARY.setdefault(_code, _label)


# --- Collecting her rows ------------------------------------------------------------------


@dataclass
class Held:
    """The rows of one inventory entry that are hers (loaded)."""

    label: str
    entry: Entry
    model: type[models.Model]
    rows: dict[Any, models.Model] = field(default_factory=dict)  # pk → row, by pk

    def fields(self) -> list[models.Field[Any, Any]]:
        """The entry's fields, in the model's order (a name that is no field is an error)."""
        named = set(self.entry.fields)
        found = [
            candidate for candidate in self.model._meta.concrete_fields if candidate.name in named
        ]
        missing = named - {candidate.name for candidate in found}
        if missing:
            raise LookupError(f"{self.label}: the inventory names no such fields: {missing}")
        return found


def person_kinds(kind: str, person: models.Model) -> list[tuple[str, models.Model]]:
    """The kinds whose rows are hers: a volunteer with an account is also its user."""
    if kind not in KIND_MODELS or not isinstance(person, KIND_MODELS[kind]):
        raise ValueError(f"No export for {kind!r} and {type(person).__name__}.")
    kinds: list[tuple[str, models.Model]] = [(kind, person)]
    if isinstance(person, Volunteer) and person.user is not None:
        kinds.append((people.USER, person.user))
    return kinds


def collect(kind: str, person: models.Model) -> dict[str, Held]:
    """Her rows, by model label (sorted), every entry that reaches her included (maybe empty)."""
    found: dict[str, Held] = {}
    for each_kind, each_person in person_kinds(kind, person):
        for label, (entry, queryset) in people.rows_of(each_kind, each_person).items():
            held = found.setdefault(label, Held(label, entry, queryset.model))
            for row in queryset:
                held.rows.setdefault(row.pk, row)
    for held in found.values():
        held.rows = dict(sorted(held.rows.items(), key=lambda item: str(item[0]).zfill(20)))
    return dict(sorted(found.items()))


def is_logged(model: type[models.Model]) -> bool:
    """Views of this model's rows are written to the access log: a person's record (it defines
    `access_context`, `lib.access.fetch` logs it) or a user (the staff page logs her)."""
    return hasattr(model, "access_context") or model is User


def _event_condition(keys: Iterable[tuple[str, Iterable[Any]]]) -> Q:
    condition = Q(pk__in=[])
    for label, pks in keys:
        if not is_logged(apps.get_model(label)):
            continue
        ids = sorted({str(pk) for pk in pks})
        if ids:
            condition |= Q(object_type=label, object_id__in=ids)
    return condition


def _access_events(condition: Q) -> Any:
    return (
        AccessEvent.objects.filter(condition)
        .select_related("user", "organisation")
        .only(
            "at",
            "role",
            "object_type",
            "object_id",
            "user__full_name",
            "user__email",
            "organisation__name",
        )
        .order_by("-at", "-id")
    )


# --- The access log -----------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """One view of her record: when, who, in which role, for which organisation."""

    at: datetime.datetime
    who: str
    role: str
    organisation: str

    @property
    def at_iso(self) -> str:
        return machine_datetime(self.at)

    @property
    def at_text(self) -> str:
        return norwegian_datetime(self.at)

    def as_json(self) -> dict[str, Any]:
        return {
            "at": timezone.localtime(self.at).isoformat(),
            "user": self.who,
            "role": self.role,
            "organisation": self.organisation,
        }


def _view(kind: str, event: AccessEvent) -> View:
    if kind == people.WOMAN and event.role == Role.VOLUNTEER:
        who = str(VOLUNTEER_VIEWER)
    else:
        who = event.user.full_name or event.user.email
    organisation = event.organisation.name if event.organisation is not None else ""
    return View(event.at, who, str(role_label(event.role)), organisation)


def _own_record(kind: str, person: models.Model) -> tuple[str, list[Any]]:
    return (object_type(person), [person.pk])


def views_of(kind: str, person: models.Model) -> list[View]:
    """Every view of her record and of her rows, newest first (for "who viewed")."""
    keys: list[tuple[str, Iterable[Any]]] = [_own_record(kind, person)]
    for each_kind, each_person in person_kinds(kind, person):
        for label, (_entry, queryset) in people.rows_of(each_kind, each_person).items():
            if is_logged(queryset.model):
                keys.append((label, queryset.values_list("pk", flat=True)))
    return [_view(kind, event) for event in _access_events(_event_condition(keys))]


def _views_of_held(kind: str, person: models.Model, found: dict[str, Held]) -> list[View]:
    keys = [_own_record(kind, person), *((label, held.rows) for label, held in found.items())]
    return [_view(kind, event) for event in _access_events(_event_condition(keys))]


# --- The JSON -----------------------------------------------------------------------------


def is_credential(candidate: Any) -> bool:
    """A password hash, a token or its hash, a two-factor key: not information about her."""
    if candidate.name in CREDENTIALS:
        return True
    app_label = candidate.model._meta.app_label
    return app_label.startswith("otp_") and candidate.name in OTP_CREDENTIALS


def json_value(candidate: Any, value: Any) -> Any:
    """One stored value as JSON (see the module docstring)."""
    if is_credential(candidate):
        return MASK if value not in (None, "") else value
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def export_person(
    kind: str, person: models.Model, *, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """Everything held about her, JSON-ready (see the module docstring)."""
    found = collect(kind, person)
    records: dict[str, list[dict[str, Any]]] = {}
    for label, held in found.items():
        fields = held.fields()
        records[label] = [
            {
                candidate.name: json_value(candidate, getattr(row, candidate.attname))
                for candidate in fields
            }
            for row in held.rows.values()
        ]
    return {
        "kind": kind,
        "record": person.pk,
        "generated_at": timezone.localtime(now or timezone.now()).isoformat(),
        "records": records,
        "access_log": [view.as_json() for view in _views_of_held(kind, person, found)],
    }


def export_json(data: dict[str, Any]) -> bytes:
    """The export as a UTF-8 JSON file (readable: indented, letters as they are)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


# --- The page in words --------------------------------------------------------------------


@dataclass(frozen=True)
class ShownField:
    label: str
    text: str


def _text_html(text: str) -> str:
    """A value escaped, its line breaks as <br> (as the `linebreaksbr` filter does)."""
    if "\n" not in text and "\r" not in text:
        return escape(text)
    return str(linebreaksbr(text, autoescape=True))


@dataclass(frozen=True)
class ShownRow:
    title: str
    fields: list[ShownField]

    @property
    def html(self) -> SafeString:
        """The row's fields as the page's <dl> items (built here, not by a template loop: a
        match with hundreds of activities has tens of thousands of them)."""
        return mark_safe(  # noqa: S308 - every label and text is escaped here
            "".join(
                f"<div><dt>{escape(shown.label)}</dt><dd>{_text_html(shown.text)}</dd></div>"
                for shown in self.fields
            )
        )


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[ShownRow]


@dataclass(frozen=True)
class Area:
    title: str
    sections: list[Section]


@dataclass(frozen=True)
class PersonPage:
    kind: str
    record: Any
    title: str
    generated_at: datetime.datetime
    areas: list[Area]
    views: list[View]

    @property
    def generated_text(self) -> str:
        return norwegian_datetime(self.generated_at)

    @property
    def generated_iso(self) -> str:
        return machine_datetime(self.generated_at)


def _is_someones(model: type[models.Model]) -> bool:
    """Rows of this model are a person's data: the page names them by type and number."""
    if hasattr(model, "access_context"):
        return True
    entry = INVENTORY.get(model._meta.label_lower)
    return entry is not None and any(
        entry.path(kind) is not None for kind in (people.WOMAN, people.VOLUNTEER, people.USER)
    )


def _related(candidate: Any) -> type[models.Model] | None:
    if candidate.is_relation and (candidate.many_to_one or candidate.one_to_one):
        model: type[models.Model] = candidate.related_model
        return model
    return None


def _rows_named(model: type[models.Model], pks: set[Any]) -> models.QuerySet[Any]:
    """The rows `pks` of `model`, in one query even when there are none (`pk IS NULL` finds
    nothing), so that the page's number of queries depends on the inventory only, not on which
    kinds of row she happens to have."""
    return model._default_manager.filter(Q(pk__in=pks) if pks else Q(pk__isnull=True))


class Names:
    """Names of the rows her rows point to: one query per kind of row that can be named (every
    model her entries refer to that is nobody's data, and the users), and one each for the
    municipalities and districts (the areas in her lists) — whatever she has."""

    def __init__(self, kind: str, person: models.Model, found: dict[str, Held]) -> None:
        self.own_user = getattr(person, "user_id", None) if kind == people.VOLUNTEER else None
        wanted: dict[type[models.Model], set[Any]] = {}
        for held in found.values():
            for candidate in held.fields():
                related = _related(candidate)
                if related is None or (related is not User and _is_someones(related)):
                    continue
                pks = wanted.setdefault(related, set())
                for row in held.rows.values():
                    value = getattr(row, candidate.attname)
                    if value is not None:
                        pks.add(value)
        self.names: dict[tuple[type[models.Model], Any], str] = {}
        for model, pks in sorted(wanted.items(), key=lambda item: item[0]._meta.label_lower):
            if model is User:
                self._users(pks)
                continue
            for obj in _rows_named(model, pks).select_related():
                self.names[(model, obj.pk)] = str(obj)
        self.areas: dict[str, str] = dict(Municipality.objects.values_list("code", "name"))
        self.areas.update(District.objects.values_list("code", "name"))

    def _users(self, pks: set[Any]) -> None:
        staff = Membership.objects.filter(user_id=OuterRef("pk"), role__in=STAFF_ROLES)
        rows = (
            _rows_named(User, pks)
            .annotate(is_staff_member=Exists(staff))
            .values_list("pk", "full_name", "email", "is_staff_member")
        )
        for pk, full_name, email, is_staff_member in rows:
            shown = is_staff_member or pk == self.own_user
            self.names[(User, pk)] = (full_name or email) if shown else str(OTHER_USER)

    def of(self, model: type[models.Model], pk: Any) -> str:
        if model is User:
            return self.names.get((model, pk), str(OTHER_USER))
        if _is_someones(model):
            return f"{model_name(model)} {pk}"
        return self.names.get((model, pk), f"{model_name(model)} {pk}")


def _item(item: Any, choices: dict[Any, Any], names: Names) -> str:
    if isinstance(item, str):
        if item in choices:
            return str(choices[item])
        if item in VOCABULARY:
            return str(VOCABULARY[item])
        if item in names.areas:
            return names.areas[item]
        return item
    if isinstance(item, dict | list):
        return json.dumps(item, ensure_ascii=False)
    return str(item)


@functools.cache
def _choices_of(candidate: Any) -> dict[Any, Any]:
    """A field's choices as a dict, made once per field (the labels stay lazy)."""
    return dict(candidate.flatchoices) if getattr(candidate, "choices", None) else {}


def words(candidate: Any, value: Any, names: Names) -> str | None:
    """One stored value in words; None when there is nothing (the page leaves it out)."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if is_credential(candidate):
        return str(NOT_SHOWN)
    related = _related(candidate)
    if related is not None:
        return names.of(related, value)
    if isinstance(value, bool):
        return str(_("ja") if value else _("nei"))
    choices = _choices_of(candidate)
    if isinstance(value, list | tuple):
        return ", ".join(_item(item, choices, names) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if not isinstance(value, bool) and value in choices:
        return str(choices[value])
    if isinstance(value, datetime.datetime):
        return norwegian_datetime(value)
    if isinstance(value, datetime.date):
        return norwegian_date(value)
    if isinstance(value, datetime.time):
        return f"{value:%H.%M}"
    return str(value)


# Names of fields declared without a verbose name (Django would show the code's English name).
FIELD_LABELS: dict[str, Any] = {
    "created_by": _("registrert av"),
    "created_at": _("registrert"),
    "updated_at": _("sist endret"),
    "recorded_by": _("registrert av"),
    "recorded_at": _("registrert"),
    "proposed_by": _("foreslått av"),
    "planned_by": _("planlagt av"),
    "planned_at": _("planlagt"),
    "outcome_recorded_at": _("utfallet registrert"),
    "sequence": _("versjon av invitasjonen"),
    "renewed_by": _("fornyet av"),
    "renewed_at": _("fornyet"),
    "cancelled_at": _("avlyst"),
    "held_by": _("holdt av"),
    "reported_by": _("meldt av"),
    "reported_at": _("meldt"),
    "acknowledged_by": _("mottatt av"),
    "acknowledged_at": _("mottatt"),
    "resolved_by": _("løst av"),
    "resolved_at": _("løst"),
    "resent_at": _("sendt på nytt"),
    "paused_by": _("satt på pause av"),
    "paused_at": _("satt på pause"),
    "leader_confirmed_by": _("bekreftet av gruppelederen"),
    "leader_confirmed_at": _("bekreftet av gruppelederen (tidspunkt)"),
    "centre_confirmed_by": _("bekreftet av krisesenteret"),
    "centre_confirmed_at": _("bekreftet av krisesenteret (tidspunkt)"),
    "end_moved_days": _("slutten flyttet (dager)"),
    "places": _("antall plasser"),
    "answered_at": _("svarte"),
    "previous_end_on": _("tidligere planlagt slutt"),
    "by": _("av"),
    "at": _("tidspunkt"),
    "planned": _("planlagt avslutning"),
    "closed_by": _("avsluttet av"),
    "closed_at": _("avsluttet"),
    "opened_at": _("åpnet"),
    "submitted_at": _("sendt inn"),
    "revoked_at": _("trukket tilbake"),
    "entered_by": _("fylt inn av"),
    "started_at": _("påbegynt"),
    "step": _("steg"),
    "instrument": _("skjema"),
    "version": _("versjon"),
    "item": _("spørsmål"),
    "value": _("verdi"),
    "enrolled_at": _("påmeldt"),
    "expires_at": _("utløper"),
    "used_at": _("brukt"),
    "sent_at": _("sendt"),
    "recipient": _("mottaker"),
    "kind": _("type"),
    "key": _("nøkkel"),
    "token": _("kode"),
    "token_hash": _("lenkens kode"),
    "device_hash": _("enhetens kode"),
    "session_stamp": _("øktnøkkel"),
    "application_token": _("søknadens kode"),
    "name": _("navn"),
    "confirmed": _("bekreftet"),
    "throttling_failure_timestamp": _("siste feilede forsøk"),
    "throttling_failure_count": _("feilede forsøk på rad"),
    "last_used_at": _("sist brukt"),
    "t0": _("starttid"),
    "digits": _("antall sifre"),
    "tolerance": _("toleranse"),
    "drift": _("tidsavvik"),
    "last_t": _("siste tidssteg"),
}

# Names of models that have none in bokmål (third-party two-factor models, a log of reminders).
MODEL_NAMES: dict[str, tuple[Any, Any]] = {
    "otp_totp.totpdevice": (_("autentiseringsapp"), _("autentiseringsapper")),
    "otp_static.staticdevice": (_("liste med reservekoder"), _("lister med reservekoder")),
    "otp_static.statictoken": (_("reservekode"), _("reservekoder")),
    "volunteers.sentreminder": (_("sendt påminnelse"), _("sendte påminnelser")),
}


def _capitalised(text: Any) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def model_name(model: type[models.Model], *, plural: bool = False) -> str:
    """The model's name in bokmål; a many-to-many table by its owner and its field
    ("henvisninger: ressursvenner som ikke skal brukes")."""
    label = model._meta.label_lower
    if label in MODEL_NAMES:
        return str(MODEL_NAMES[label][1 if plural else 0])
    owner: Any = model._meta.auto_created  # the model a many-to-many table was made for
    if owner:
        for candidate in owner._meta.many_to_many:
            if candidate.remote_field.through is model:
                return f"{owner._meta.verbose_name_plural}: {candidate.verbose_name}"
    return str(model._meta.verbose_name_plural if plural else model._meta.verbose_name)


def field_label(candidate: Any) -> str:
    """The field's name in bokmål: its verbose name, or (where it has none of its own) a
    name from FIELD_LABELS or, for a reference, the name of what it refers to."""
    declared = str(candidate.verbose_name)
    if declared != candidate.name.replace("_", " "):
        return _capitalised(declared)
    if candidate.name in FIELD_LABELS:
        return _capitalised(FIELD_LABELS[candidate.name])
    related = _related(candidate)
    if related is not None:
        return _capitalised(model_name(related))
    return _capitalised(declared)


def _title(model: type[models.Model], pk: Any) -> str:
    return f"{_capitalised(model_name(model))} {pk}"


def _area_of(label: str) -> tuple[int, Any]:
    app_label = label.partition(".")[0]
    for index, (app, title) in enumerate(AREAS):
        if app == app_label:
            return index, title
    return len(AREAS), TECHNICAL_AREA


def page_title(kind: str, person: models.Model) -> str:
    """The neutral name of her record: its type and number, never her name ("henvisning 12")."""
    return f"{person._meta.verbose_name} {person.pk}"


def person_page(
    kind: str, person: models.Model, *, now: datetime.datetime | None = None
) -> PersonPage:
    """Everything held about her in words: areas → models → rows with their non-empty fields."""
    found = collect(kind, person)
    names = Names(kind, person, found)
    by_area: dict[tuple[int, str], list[Section]] = {}
    for label, held in found.items():
        if not held.rows:
            continue
        fields = [candidate for candidate in held.fields() if not candidate.primary_key]
        labels = [field_label(candidate) for candidate in fields]
        rows = []
        for row in held.rows.values():
            shown = []
            for candidate, label_text in zip(fields, labels, strict=True):
                text = words(candidate, getattr(row, candidate.attname), names)
                if text is not None:
                    shown.append(ShownField(label_text, text))
            rows.append(ShownRow(_title(held.model, row.pk), shown))
        index, area = _area_of(label)
        title = _capitalised(model_name(held.model, plural=True))
        by_area.setdefault((index, str(area)), []).append(Section(title, rows))
    areas = [
        Area(area, sorted(sections, key=lambda section: section.title.casefold()))
        for (_index, area), sections in sorted(by_area.items())
    ]
    return PersonPage(
        kind=kind,
        record=person.pk,
        title=page_title(kind, person),
        generated_at=now or timezone.now(),
        areas=areas,
        views=_views_of_held(kind, person, found),
    )
