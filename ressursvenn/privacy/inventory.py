"""The data inventory: every field of every model, classified, in one place.

`INVENTORY` maps each model's label ("participants.referral") to an `Entry`: why the rows are
held (`purpose`), who sees them (`seen_by`), how long they are kept (`retention`, a key of
`RETENTION`), whose data they are (`woman` / `volunteer` / `user`: the ORM path from the model
to that person's Referral / Volunteer / User, "" when the row *is* the person) and every
concrete field's `Level`.

It drives everything else in privacy operations, so a new field cannot be forgotten:

- `tests/test_inventory.py` fails when a concrete field of any installed model (third-party
  models and the many-to-many tables Django makes included) is not classified here, or a
  field is classified that no longer exists (`unclassified()`, `stale()`); a `SECRET` field
  must be an encrypted field type, and every encrypted field is `SECRET`
  (`secret_mismatches()`).
- `privacy/anonymise.py` anonymises a person's rows from it: every `PERSONAL` and `SECRET`
  field is cleared (`erase.py` gives each its neutral value) unless the entry `keeps` it for
  the statistics, with the reason in `kept_because`; entries with `on_erase=DELETE` lose their
  rows instead.
- `privacy/export.py` exports everything held about a person: for every entry that reaches her,
  every classified field of her rows (the export's keys equal the inventory's fields).
- `docs/privacy.md` is generated from it (`manage.py privacy_doc`, `privacy/doc.py`; a test
  keeps it current).

Decisions written down here once (each entry says the rest):

- The rows of a match (the match itself, the koblingsmøte, activities, planned meetings, the
  video room, concerns, pauses, extensions, the closure, a sign-up for a social event with the
  woman) are about both of them: they have both a `woman` and a `volunteer` path, so both
  exports show them and the first of the two to be anonymised clears their personal fields.
  Rows about one of them have one path only: a check-in or a closing conversation with the
  woman is hers, with the volunteer the volunteer's (`only` by `party`); the woman's
  questionnaire answers are hers and the volunteer's own answers the volunteer's (`only` by
  `respondent`); her one-time questionnaire links, the outcome question and the volunteers
  excluded for her are hers alone. A woman's rows are never reachable from a volunteer.
- A sign-up for a social event is the volunteer's; when she signed up with the woman (`match`
  set) it is also the woman's (that she came along is about her).
- A user's own rows (her account, roles, invitations, notices, reminders, two-factor devices)
  have a `user` path, and a `volunteer` path through `user__volunteer` when the user is a
  volunteer: everything held about a volunteer includes her account. Rows that only record
  which user did something (`created_by`, `recorded_by` …) are not the user's: an anonymised
  user's name is gone from the account, and the row stays with the other person's data.
- The audit trail, the access log, the admin log, the e-mail tables, the login attempts and
  the sessions hold no ORM path to a person: anonymisation reaches them by the record's type
  and number or by her e-mail address (`erasure_note` says how), and the export takes the
  access log from `people.access_events_of`.
- `credentials` are the fields that let someone act as the person or open her link (password
  hash, two-factor key and codes, token hashes, session key): an export says that they are
  held and never shows their value.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.crypto import EncryptedJSONField, EncryptedTextField


class Level(enum.StrEnum):
    PUBLIC = "public"  # may be shown to anyone (reference data, published texts)
    INTERNAL = "internal"  # ids, codes, dates and states: not about a person by themselves
    PERSONAL = "personal"  # about a person, or identifies her (name, e-mail, birth date, area)
    SECRET = "secret"  # noqa: S105 - free text and contact details of a woman or a note about a person:
    # encrypted at rest (lib.crypto)


LEVEL_LABELS: dict[Level, Any] = {
    Level.PUBLIC: _("offentlig"),
    Level.INTERNAL: _("intern"),
    Level.PERSONAL: _("personopplysning"),
    Level.SECRET: _("hemmelig (kryptert)"),
}

# What each level means, in words (docs/privacy.md).
LEVEL_MEANINGS: dict[Level, Any] = {
    Level.PUBLIC: _("Kan vises til alle: referansedata og publiserte tekster."),
    Level.INTERNAL: _(
        "Løpenumre, koder, statuser, datoer, antall og koblinger til organisasjoner. Sier ikke "
        "noe om en person alene."
    ),
    Level.PERSONAL: _(
        "Om en person eller kan identifisere henne: navn, e-postadresse, fødselsår, bosted, "
        "språk, interesser, behov, valg som beskriver henne, IP-adresser og svar."
    ),
    Level.SECRET: _(
        "Fritekst, kontaktopplysninger og områder å unngå. Lagres kryptert, og kan bare leses "
        "med feltnøklene."
    ),
}

# The types a SECRET field must have (and every field of these types is SECRET).
ENCRYPTED_TYPES: tuple[type[models.Field[Any, Any]], ...] = (
    EncryptedTextField,
    EncryptedJSONField,
)


class OnErase(enum.StrEnum):
    CLEAR = "clear"  # personal and secret fields get neutral values; the row stays (statistics)
    DELETE = "delete"  # the row goes (it means nothing without the person: tokens, notices)


# How long each kind of row is kept: key → (the rule in words, the setting that sets it).
# In the text, %(months)s is the key's own setting; the other placeholders are the settings
# named in `RETENTION_PLACEHOLDERS`.
RETENTION: dict[str, tuple[Any, str | None]] = {
    "woman": (
        _(
            "Anonymiseres %(months)s måneder etter at koblingen eller henvisningen ble avsluttet "
            "(avsluttet, avvist eller trukket)."
        ),
        "RETENTION_WOMAN_MONTHS",
    ),
    "volunteer": (
        _(
            "Anonymiseres %(months)s måneder etter at ressursvennen sluttet; en søker som fikk "
            "avslag eller trakk seg, etter %(applicant_months)s måneder."
        ),
        "RETENTION_VOLUNTEER_MONTHS",
    ),
    "match": (
        _(
            "Personopplysningene anonymiseres når kvinnen eller ressursvennen anonymiseres, "
            "den som kommer først: for kvinnen %(months)s måneder etter at koblingen ble "
            "avsluttet."
        ),
        "RETENTION_WOMAN_MONTHS",
    ),
    "account": (
        _(
            "Brukerkontoen til en ressursvenn anonymiseres sammen med henne; en ansatt konto "
            "deaktiveres etter %(unused_days)s dager uten bruk."
        ),
        "ACCOUNT_UNUSED_DAYS",
    ),
    "log": (
        _(
            "Slettes etter %(log_months)s måneder; verdier om en person maskeres når personen "
            "anonymiseres."
        ),
        "RETENTION_LOG_MONTHS",
    ),
    "admin_log": (
        _(
            "Beholdes som logg over endringer i den tekniske administrasjonen; beskrivelsen av en "
            "person gjøres nøytral når personen anonymiseres."
        ),
        None,
    ),
    "technical": (
        _("Slettes etter %(technical_days)s dager."),
        "RETENTION_TECHNICAL_LOG_DAYS",
    ),
    "mail_queue": (
        _(
            "Slettes fra køen når e-posten er sendt (loggen over sendt e-post slettes etter "
            "%(technical_days)s dager); e-post til en person som anonymiseres, slettes da."
        ),
        "RETENTION_TECHNICAL_LOG_DAYS",
    ),
    "suppression": (
        _("Beholdes så lenge adressen ikke skal få e-post; slettes når personen anonymiseres."),
        None,
    ),
    "session": (_("Slettes når økten går ut eller brukeren deaktiveres."), None),
    "reference": (_("Referansedata: beholdes så lenge de brukes."), None),
    "programme": (
        _("Beholdes så lenge programmet trenger dem; inneholder ingen personopplysninger."),
        None,
    ),
    "system": (
        _(
            "Driftsdata for programvaren: beholdes så lenge systemet trenger dem; inneholder "
            "ingen personopplysninger."
        ),
        None,
    ),
}

# The named placeholders of the RETENTION texts and the settings that fill them.
RETENTION_PLACEHOLDERS: dict[str, str] = {
    "applicant_months": "RETENTION_APPLICANT_MONTHS",
    "unused_days": "ACCOUNT_UNUSED_DAYS",
    "log_months": "RETENTION_LOG_MONTHS",
    "technical_days": "RETENTION_TECHNICAL_LOG_DAYS",
}


@dataclass(frozen=True)
class Entry:
    purpose: Any  # why the rows are held (lazy bokmål text)
    seen_by: Any  # who can see them (lazy bokmål text)
    retention: str  # a key of RETENTION
    fields: Mapping[str, Level]
    # ORM paths from this model to the person whose data the row is ("" = the row itself).
    woman: str | None = None
    volunteer: str | None = None
    user: str | None = None
    # Extra filters that narrow the rows that are hers, per person kind (e.g. the check-ins
    # held with the woman are hers, those with the volunteer are the volunteer's):
    # {"woman": {"party": "woman"}}.
    only: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    on_erase: OnErase = OnErase.CLEAR
    # Personal fields kept when the person is anonymised, because the statistics need them.
    keeps: frozenset[str] = frozenset()
    kept_because: Any = ""
    # The model's name in bokmål where its verbose_name is not (third-party models and the
    # tables Django makes for many-to-many fields).
    title: Any = ""
    # Field names in bokmål where the field's verbose_name is not (see `field_label`).
    labels: Mapping[str, Any] = field(default_factory=dict)
    # Fields that let someone act as the person (password hash, two-factor key, tokens, the
    # session key): an export says they are held, never their value.
    credentials: frozenset[str] = frozenset()
    # For rows without a path to a person that still hold personal values: how anonymisation
    # reaches them (bokmål, shown in docs/privacy.md).
    erasure_note: Any = ""

    def fields_at(self, *levels: Level) -> list[str]:
        return [name for name, level in self.fields.items() if level in levels]

    def erased_fields(self) -> list[str]:
        """The fields anonymisation clears (personal and secret, except those kept)."""
        return [
            name for name in self.fields_at(Level.PERSONAL, Level.SECRET) if name not in self.keeps
        ]

    def path(self, kind: str) -> str | None:
        """The path to the person of `kind` ("woman", "volunteer", "user"), or None."""
        value: str | None = getattr(self, kind)
        return value

    def kinds(self) -> list[str]:
        """The kinds of person whose rows these are ("woman", "volunteer", "user")."""
        return [kind for kind in ("woman", "volunteer", "user") if self.path(kind) is not None]


P = Level.PUBLIC
I = Level.INTERNAL  # noqa: E741
PE = Level.PERSONAL
S = Level.SECRET

WOMAN_ONLY = {"woman": {"party": "woman"}, "volunteer": {"party": "volunteer"}}
RESPONDENT_ONLY = {"woman": {"respondent": "participant"}, "volunteer": {"respondent": "volunteer"}}
ANSWER_ONLY = {
    "woman": {"response__respondent": "participant"},
    "volunteer": {"response__respondent": "volunteer"},
}

# Who sees what, said once.
SEEN_ALL = _("Alle som bruker Ressursvenn.")
SEEN_ADMIN = _("Bare systemadministratoren, i den tekniske administrasjonen.")
SEEN_LOGS = _(
    "Nasjonal koordinator, på sidene for endringslogg og tilgangslogg. Systemadministratoren "
    "kan lese tabellen, men ikke de krypterte verdiene."
)
SEEN_ORGANISATIONS = _(
    "Alle som arbeider i Ressursvenn ser organisasjonene de har en rolle i; nasjonal "
    "koordinator ser og endrer alle."
)
SEEN_ACCOUNT = _(
    "Brukeren selv. Nasjonal koordinator ser ansatte brukere, gruppeledere ser brukerne i sin "
    "lokalforening og krisesenteransatte sine kolleger på krisesenteret."
)
SEEN_OWN_ACCOUNT = _("Brukeren selv; systemadministratoren i den tekniske administrasjonen.")
SEEN_VOLUNTEER = _(
    "Gruppelederne i lokalforeningen hennes og ressursvennen selv. Krisesenteret ser bare "
    "fornavn og aldersgruppe, og etter koblingsmøtet e-post og telefon."
)
SEEN_SCREENING = _(
    "Gruppelederne i lokalforeningen hennes. Ressursvennen ser selv hvilke krav som er "
    "oppfylt, ikke notatene."
)
SEEN_TRAINING = _(
    "Gruppelederne i lokalforeningen og ressursvennen selv (sin egen påmelding og sitt eget "
    "oppmøte)."
)
SEEN_BRANCH_PROGRAMME = _("Gruppelederne i lokalforeningen og lokalforeningens ressursvenner.")
SEEN_WOMAN = _(
    "Krisesenteret som henviste henne og gruppelederne i lokalforeningen som tok imot "
    "henvisningen (ikke utkast). Ressursvennen ser bare det koblingen trenger: fornavn, "
    "aldersgruppe, område, interesser, hva hun ønsker hjelp med og når hun kan møtes, og etter "
    "koblingsmøtet de kontaktmåtene hun har sagt ja til. Nasjonal koordinator ser ingen kvinner."
)
SEEN_WOMAN_STAFF = _(
    "Krisesenteret som henviste henne og gruppelederne i lokalforeningen. Aldri ressursvennen "
    "eller nasjonal koordinator."
)
SEEN_MATCH = _(
    "Gruppelederne i lokalforeningen, krisesenteret som henviste kvinnen, og ressursvennen i "
    "koblingen."
)
SEEN_LEADER = _("Gruppelederne i lokalforeningen.")

# Bokmål names of fields whose verbose_name is not bokmål (fields declared without one, every
# field of a third-party model); an entry's `labels` win over these.
FIELD_LABELS: dict[str, Any] = {
    "id": _("løpenummer (ID)"),
    "access_attempt": _("innloggingsforsøk"),
    "acknowledged_at": _("bekreftet mottatt"),
    "acknowledged_by": _("bekreftet mottatt av"),
    "action_flag": _("type handling"),
    "action_time": _("tidspunkt"),
    "answered_at": _("svart"),
    "app_label": _("app"),
    "application_token": _("engangskode i søknadsskjemaet"),
    "at": _("registrert"),
    "attempt_time": _("tidspunkt for forsøket"),
    "attendance_recorded_at": _("oppmøte registrert"),
    "branch": _("lokalforening"),
    "by": _("registrert av"),
    "cancelled_at": _("avlyst"),
    "centre_confirmed_at": _("bekreftet av krisesenteret"),
    "centre_confirmed_by": _("bekreftet av (krisesenteret)"),
    "change_message": _("endringsmelding"),
    "closed_at": _("avslutning registrert"),
    "closed_by": _("avsluttet av"),
    "codename": _("kodenavn"),
    "confirmed": _("bekreftet"),
    "content_type": _("innholdstype"),
    "county": _("fylke"),
    "course": _("kurs"),
    "created_at": _("opprettet"),
    "created_by": _("opprettet av"),
    "device": _("enhet"),
    "device_hash": _("sjekksum av nettleserens informasjonskapsel"),
    "digits": _("antall sifre"),
    "district": _("bydel"),
    "drift": _("klokkeavvik"),
    "end_moved_days": _("dager planlagt slutt ble flyttet"),
    "enrolled_at": _("påmeldt"),
    "entered_by": _("fylt inn av"),
    "event": _("sosialt treff"),
    "expire_date": _("utløper"),
    "expires_at": _("utløper"),
    "failures_since_start": _("antall mislykkede forsøk"),
    "get_data": _("GET-data"),
    "group": _("gruppe"),
    "guidance_session": _("veiledningsmøte"),
    "guidancegroup": _("veiledningsgruppe"),
    "held_by": _("holdt av"),
    "http_accept": _("HTTP Accept-header"),
    "instrument": _("spørreskjema"),
    "ip_address": _("IP-adresse"),
    "item": _("spørsmål"),
    "kind": _("type"),
    "last_t": _("sist brukte tidssteg"),
    "last_used_at": _("sist brukt"),
    "leader_confirmed_at": _("bekreftet av gruppelederen"),
    "leader_confirmed_by": _("bekreftet av (gruppelederen)"),
    "link": _("lenke"),
    "locked_out": _("sperret"),
    "log_message": _("loggmelding"),
    "logout_time": _("logget ut"),
    "match": _("kobling"),
    "message_data": _("e-posten (mottaker, emne og innhold)"),
    "message_id": _("Message-ID"),
    "model": _("modell"),
    "municipality": _("kommune"),
    "object_id": _("objektets løpenummer"),
    "object_repr": _("beskrivelse av objektet"),
    "opened_at": _("åpnet"),
    "organisation": _("organisasjon"),
    "organiser": _("arrangør"),
    "outcome_recorded_at": _("utfall registrert"),
    "path_info": _("adresse (sti)"),
    "paused_at": _("pause registrert"),
    "paused_by": _("satt på pause av"),
    "period": _("rapporteringsperiode"),
    "permission": _("rettighet"),
    "places": _("plasser"),
    "planned": _("avsluttet som planlagt"),
    "planned_at": _("planlegging registrert"),
    "planned_by": _("planlagt av"),
    "planned_meeting": _("planlagt møte"),
    "post_data": _("POST-data"),
    "previous_end_on": _("tidligere planlagt slutt"),
    "priority": _("prioritet"),
    "proposed_by": _("foreslått av"),
    "recipient": _("mottaker"),
    "recorded_at": _("registrert"),
    "recorded_by": _("registrert av"),
    "referral": _("henvisning"),
    "renewed_at": _("fornyet"),
    "renewed_by": _("fornyet av"),
    "reported_at": _("meldt"),
    "reported_by": _("meldt av"),
    "resent_at": _("sendt på nytt"),
    "resolved_at": _("løst"),
    "resolved_by": _("løst av"),
    "response": _("besvarelse"),
    "result": _("resultat"),
    "retry_count": _("antall nye forsøk"),
    "revoked_at": _("trukket tilbake"),
    "sent_at": _("sendt"),
    "sequence": _("versjon i kalenderen"),
    "session_data": _("øktdata"),
    "session_hash": _("sjekksum av øktnøkkelen"),
    "session_key": _("øktnøkkel"),
    "session_stamp": _("øktstempel"),
    "started_at": _("startet"),
    "step": _("steg"),
    "submitted_at": _("sendt inn"),
    "t0": _("starttid"),
    "throttling_failure_count": _("mislykkede forsøk på rad"),
    "throttling_failure_timestamp": _("siste mislykkede forsøk"),
    "to_address": _("e-postadresse"),
    "token": _("reservekode"),
    "token_hash": _("sjekksum av koden i lenken"),
    "tolerance": _("toleranse"),
    "updated_at": _("endret"),
    "used_at": _("brukt"),
    "user": _("bruker"),
    "user_agent": _("nettleser (User-Agent)"),
    "username": _("brukernavn (e-postadresse)"),
    "version": _("versjon"),
    "volunteer": _("ressursvenn"),
    "when_added": _("lagt i kø"),
    "when_attempted": _("forsøkt sendt"),
}


INVENTORY: dict[str, Entry] = {
    # --- organisations: reference geography and the organisations -------------------------
    "organisations.county": Entry(
        purpose=_("Fylkene, for å vise statistikk og finne lokalforeninger etter område."),
        seen_by=SEEN_ALL,
        retention="reference",
        fields={"code": P, "name": P},
    ),
    "organisations.municipality": Entry(
        purpose=_(
            "Kommunene med koordinater og folketall, for avstand mellom kommuner i koblingen og "
            "statistikk etter område."
        ),
        seen_by=SEEN_ALL,
        retention="reference",
        fields={"code": P, "name": P, "county": P, "lat": P, "lon": P, "population": P},
    ),
    "organisations.district": Entry(
        purpose=_("Bydelene i Oslo, som kommunene, for avstand og område."),
        seen_by=SEEN_ALL,
        retention="reference",
        fields={"code": P, "name": P, "municipality": P},
    ),
    "organisations.organisation": Entry(
        purpose=_(
            "N.K.S. sentralt, lokalforeningene og krisesentrene som samarbeider med dem, med "
            "vertskommune og kontaktadresse for organisasjonen (aldri en gateadresse)."
        ),
        seen_by=SEEN_ORGANISATIONS,
        retention="programme",
        fields={
            "id": I,
            "kind": I,
            "name": P,
            "municipality": I,
            "email": I,
            "phone": I,
            "is_active": I,
            "created_at": I,
        },
    ),
    "organisations.organisation_municipalities": Entry(
        purpose=_("Kommunene en lokalforening eller et krisesenter dekker."),
        seen_by=SEEN_ORGANISATIONS,
        retention="programme",
        fields={"id": I, "organisation": I, "municipality": I},
        title=_("kommuner organisasjonen dekker"),
    ),
    "organisations.organisation_districts": Entry(
        purpose=_("Bydelene i Oslo en lokalforening eller et krisesenter dekker."),
        seen_by=SEEN_ORGANISATIONS,
        retention="programme",
        fields={"id": I, "organisation": I, "district": I},
        title=_("bydeler organisasjonen dekker"),
    ),
    "organisations.cooperation": Entry(
        purpose=_(
            "Samarbeidsavtalene mellom lokalforeninger og krisesentre: et krisesenter kan bare "
            "henvise til en lokalforening det samarbeider med."
        ),
        seen_by=SEEN_ORGANISATIONS,
        retention="programme",
        fields={"id": I, "branch": I, "crisis_centre": I, "started_on": I, "created_at": I},
    ),
    # --- accounts: users, roles, invitations --------------------------------------------
    "accounts.user": Entry(
        purpose=_(
            "Brukerkontoen for å logge inn: navn, e-postadresse, telefon, om kontoen er aktiv, "
            "og hvordan hun vil få e-post om oppgaver. Passordet lagres bare som sjekksum."
        ),
        seen_by=SEEN_ACCOUNT,
        retention="account",
        fields={
            "id": I,
            "password": I,
            "last_login": I,
            "is_superuser": I,
            "email": PE,
            "full_name": PE,
            "phone": S,
            "is_active": I,
            "is_staff": I,
            "date_joined": I,
            "session_stamp": I,
            "task_email": I,
        },
        user="",
        volunteer="volunteer",
        credentials=frozenset({"password", "session_stamp"}),
        labels={
            "password": _("passord (bare sjekksum)"),
            "last_login": _("siste innlogging"),
            "is_superuser": _("superbruker"),
        },
    ),
    "accounts.user_groups": Entry(
        purpose=_("Rettighetsgrupper i den tekniske administrasjonen (brukes ikke i appen)."),
        seen_by=SEEN_ADMIN,
        retention="account",
        fields={"id": I, "user": I, "group": I},
        user="user",
        volunteer="user__volunteer",
        title=_("brukerens rettighetsgrupper"),
    ),
    "accounts.user_user_permissions": Entry(
        purpose=_("Enkeltrettigheter i den tekniske administrasjonen (brukes ikke i appen)."),
        seen_by=SEEN_ADMIN,
        retention="account",
        fields={"id": I, "user": I, "permission": I},
        user="user",
        volunteer="user__volunteer",
        title=_("brukerens enkeltrettigheter"),
    ),
    "accounts.membership": Entry(
        purpose=_(
            "Hvilke roller brukeren har i hvilke organisasjoner: rollen bestemmer hva hun får "
            "se og gjøre."
        ),
        seen_by=SEEN_ACCOUNT,
        retention="account",
        fields={
            "id": I,
            "user": I,
            "organisation": I,
            "role": I,
            "is_active": I,
            "created_at": I,
        },
        user="user",
        volunteer="user__volunteer",
    ),
    "accounts.invitation": Entry(
        purpose=_(
            "Engangslenken en ny bruker får for å velge passord. Bare en sjekksum av koden lagres."
        ),
        seen_by=SEEN_OWN_ACCOUNT,
        retention="account",
        fields={
            "id": I,
            "user": I,
            "token_hash": I,
            "created_by": I,
            "created_at": I,
            "expires_at": I,
            "used_at": I,
        },
        user="user",
        volunteer="user__volunteer",
        on_erase=OnErase.DELETE,
        credentials=frozenset({"token_hash"}),
    ),
    # --- volunteers: application, screening, courses, guidance --------------------------
    "volunteers.volunteer": Entry(
        purpose=_(
            "Søknaden og profilen til ressursvennen: hvem hun er, hvordan hun kan nås, hva hun "
            "kan hjelpe med og når, for å vurdere henne og koble henne med en kvinne som passer. "
            "Fødselsdatoen trengs for aldersgrensen (25 år)."
        ),
        seen_by=SEEN_VOLUNTEER,
        retention="volunteer",
        fields={
            "id": I,
            "branch": I,
            "user": I,
            "status": I,
            "status_reason": S,
            "status_changed_at": I,
            "full_name": PE,
            "email": PE,
            "phone": S,
            "date_of_birth": PE,
            "self_declared_woman": PE,
            "municipality": PE,
            "district": PE,
            "motivation": S,
            "languages": PE,
            "interests": PE,
            "offers": PE,
            "availability": PE,
            "modes": PE,
            "max_travel_km": PE,
            "conflict_areas": S,
            "capacity": I,
            "applied_at": I,
            "approved_on": I,
            "course_completed_on": I,
            "screening_valid_until": I,
            "imported": I,
            "application_token": I,
            "created_at": I,
            "anonymised_at": I,
        },
        volunteer="",
    ),
    "volunteers.branchpolicy": Entry(
        purpose=_("Lokalforeningens egne krav ved godkjenning (hvor mange referanser)."),
        seen_by=SEEN_LEADER,
        retention="programme",
        fields={"id": I, "branch": I, "references_required": I},
    ),
    "volunteers.policecertificate": Entry(
        purpose=_(
            "At politiattesten er sett: type, datoer og hvem som så den. Aldri en kopi av attesten."
        ),
        seen_by=SEEN_SCREENING,
        retention="volunteer",
        fields={
            "id": I,
            "volunteer": I,
            "kind": I,
            "issued_on": I,
            "seen_on": I,
            "seen_by": I,
            "renewal_due_on": I,
            "created_at": I,
        },
        volunteer="volunteer",
        on_erase=OnErase.DELETE,
    ),
    "volunteers.declarationtext": Entry(
        purpose=_("Versjonene av taushetserklæringen ressursvennene signerer."),
        seen_by=SEEN_ALL,
        retention="reference",
        fields={"id": I, "version": P, "text": P, "published_on": P},
    ),
    "volunteers.confidentialitydeclaration": Entry(
        purpose=_(
            "At ressursvennen har signert taushetserklæringen: hvilken versjon, når og hvordan."
        ),
        seen_by=SEEN_SCREENING,
        retention="volunteer",
        fields={
            "id": I,
            "volunteer": I,
            "text": I,
            "method": I,
            "signed_on": I,
            "recorded_by": I,
            "created_at": I,
        },
        volunteer="volunteer",
        on_erase=OnErase.DELETE,
    ),
    "volunteers.suitabilityinterview": Entry(
        purpose=_(
            "Egnethetssamtalen med gruppelederen: dato, resultat og notater, for å avgjøre om "
            "hun kan bli ressursvenn."
        ),
        seen_by=SEEN_SCREENING,
        retention="volunteer",
        fields={
            "id": I,
            "volunteer": I,
            "held_on": I,
            "interviewer": I,
            "outcome": PE,
            "notes": S,
            "created_at": I,
        },
        volunteer="volunteer",
        on_erase=OnErase.DELETE,
    ),
    "volunteers.reference": Entry(
        purpose=_(
            "Referanser lokalforeningen har kontaktet (bare der lokalforeningen krever det): "
            "navnet på referansen, relasjonen og hva hun sa."
        ),
        seen_by=SEEN_SCREENING,
        retention="volunteer",
        fields={
            "id": I,
            "volunteer": I,
            "name": S,
            "relation": PE,
            "contacted_on": I,
            "is_positive": PE,
            "notes": S,
            "recorded_by": I,
            "created_at": I,
        },
        volunteer="volunteer",
        on_erase=OnErase.DELETE,
    ),
    "volunteers.course": Entry(
        purpose=_("Opplæringskursene om vold i nære relasjoner som lokalforeningen holder."),
        seen_by=SEEN_BRANCH_PROGRAMME,
        retention="programme",
        fields={
            "id": I,
            "branch": I,
            "title": I,
            "description": I,
            "capacity": I,
            "is_open_for_signup": I,
            "created_by": I,
            "created_at": I,
        },
    ),
    "volunteers.coursesession": Entry(
        purpose=_("Kursdagene: tid, sted eller lenke til digitalt møte."),
        seen_by=SEEN_BRANCH_PROGRAMME,
        retention="programme",
        fields={
            "id": I,
            "course": I,
            "starts_at": I,
            "ends_at": I,
            "place": I,
            "digital_link": I,
            "is_mandatory": I,
        },
    ),
    "volunteers.enrolment": Entry(
        purpose=_("Påmelding til et opplæringskurs og når hun fullførte det."),
        seen_by=SEEN_TRAINING,
        retention="volunteer",
        fields={"id": I, "course": I, "volunteer": I, "enrolled_at": I, "completed_on": I},
        volunteer="volunteer",
        on_erase=OnErase.DELETE,
    ),
    "volunteers.attendance": Entry(
        purpose=_("Oppmøte på kursdagene, for å se om kurset er fullført."),
        seen_by=SEEN_TRAINING,
        retention="volunteer",
        fields={
            "id": I,
            "session": I,
            "volunteer": I,
            "attended": I,
            "recorded_by": I,
            "recorded_at": I,
        },
        volunteer="volunteer",
        on_erase=OnErase.DELETE,
        labels={"session": _("kursdag")},
    ),
    "volunteers.guidancegroup": Entry(
        purpose=_("Veiledningsgruppene der godkjente ressursvenner får veiledning sammen."),
        seen_by=SEEN_LEADER,
        retention="programme",
        fields={"id": I, "branch": I, "name": I, "created_by": I, "created_at": I},
    ),
    "volunteers.guidancegroup_members": Entry(
        purpose=_("Hvem som er med i en veiledningsgruppe."),
        seen_by=SEEN_LEADER,
        retention="volunteer",
        fields={"id": I, "guidancegroup": I, "volunteer": I},
        volunteer="volunteer",
        on_erase=OnErase.DELETE,
        title=_("deltakere i veiledningsgrupper"),
    ),
    "volunteers.guidancesession": Entry(
        purpose=_("Møtene i veiledningsgruppene: tid, sted eller lenke."),
        seen_by=SEEN_LEADER,
        retention="programme",
        fields={"id": I, "group": I, "starts_at": I, "place": I, "digital_link": I},
        labels={"group": _("veiledningsgruppe")},
    ),
    "volunteers.guidanceattendance": Entry(
        purpose=_("Oppmøte på veiledningsmøtene."),
        seen_by=SEEN_LEADER,
        retention="volunteer",
        fields={
            "id": I,
            "session": I,
            "volunteer": I,
            "attended": I,
            "recorded_by": I,
            "recorded_at": I,
        },
        volunteer="volunteer",
        on_erase=OnErase.DELETE,
        labels={"session": _("veiledningsmøte")},
    ),
    "volunteers.sentreminder": Entry(
        purpose=_(
            "Påminnelser som er sendt (hva de gjaldt, som en kode og et løpenummer), så hver "
            "sendes bare én gang."
        ),
        seen_by=SEEN_ADMIN,
        retention="account",
        fields={"id": I, "kind": I, "key": I, "recipient": I, "sent_at": I},
        user="recipient",
        volunteer="recipient__volunteer",
        on_erase=OnErase.DELETE,
        title=_("sendt påminnelse"),
        labels={"key": _("hva påminnelsen gjaldt (kode)")},
    ),
    # --- participants: the woman's referral ---------------------------------------------
    "participants.consenttext": Entry(
        purpose=_("Versjonene av samtykketeksten krisesenteret leser for kvinnen."),
        seen_by=SEEN_ALL,
        retention="reference",
        fields={"id": I, "version": P, "text": P, "published_on": P},
    ),
    "participants.referral": Entry(
        purpose=_(
            "Henvisningen fra krisesenteret: det koblingen trenger om kvinnen (navnet hun vil "
            "kalles, fødselsår, område, språk, interesser og behov), trygge måter å nå henne på, "
            "områder hun må unngå, og at sikkerhetsvurdering og samtykke er gjort. Aldri "
            "adressen hennes og aldri noe om voldsutøveren."
        ),
        seen_by=SEEN_WOMAN,
        retention="woman",
        fields={
            "id": I,
            "centre": I,
            "branch": I,
            "contact": I,
            "created_by": I,
            "status": I,
            "status_reason": S,
            "status_changed_at": I,
            "first_name": S,
            "birth_year": PE,
            "municipality": PE,
            "district": PE,
            "children_count": PE,
            "languages": PE,
            "required_languages": PE,
            "interpreter_needed": PE,
            "interests": PE,
            "needs": PE,
            "availability": PE,
            "modes": PE,
            "preferred_age_min": PE,
            "preferred_age_max": PE,
            "contact_channel": PE,
            "contact_value": S,
            "contact_times": PE,
            "may_leave_message": PE,
            "excluded_areas": S,
            "notes": S,
            "safety_assessed_on": I,
            "safety_assessed_by": I,
            "consent_text": I,
            "consent_scope": I,
            "consent_given_on": I,
            "consent_withdrawn_at": I,
            "created_at": I,
            "submitted_at": I,
            "waiting_since": I,
            "closed_at": I,
            "anonymised_at": I,
        },
        woman="",
    ),
    "participants.referral_excluded_volunteers": Entry(
        purpose=_(
            "Ressursvenner som ikke skal brukes for denne kvinnen (for eksempel fordi de kjenner "
            "familien), valgt av krisesenteret eller gruppelederen."
        ),
        seen_by=SEEN_WOMAN_STAFF,
        retention="woman",
        fields={"id": I, "referral": I, "volunteer": PE},
        woman="referral",
        on_erase=OnErase.DELETE,
        title=_("ressursvenner som ikke skal brukes for henne"),
        labels={"volunteer": _("ressursvenn som ikke skal brukes")},
    ),
    # --- matching: the match and the koblingsmøte ---------------------------------------
    "matching.match": Entry(
        purpose=_(
            "Koblingen mellom kvinnen og ressursvennen: status, datoer, forslagets poeng og "
            "begrunnelse, og ressursvennens svar på forslaget."
        ),
        seen_by=SEEN_MATCH,
        retention="match",
        fields={
            "id": I,
            "referral": I,
            "volunteer": I,
            "branch": I,
            "status": I,
            "status_reason": S,
            "status_changed_at": I,
            "score": I,
            "reasons": PE,
            "proposed_by": I,
            "proposed_at": I,
            "volunteer_answer": I,
            "answered_at": I,
            "started_on": I,
            "planned_end_on": I,
            "ended_on": I,
        },
        woman="referral",
        volunteer="volunteer",
    ),
    "matching.matchingmeeting": Entry(
        purpose=_(
            "Koblingsmøtet: når og hvordan det holdes, hvem som deltar, sted eller videolenke, "
            "og om kvinnen og ressursvennen vil fortsette."
        ),
        seen_by=SEEN_MATCH,
        retention="match",
        fields={
            "id": I,
            "match": I,
            "starts_at": I,
            "duration_minutes": I,
            "mode": I,
            "place": S,
            "video_url": S,
            "includes_centre_contact": I,
            "includes_group_leader": I,
            "planned_by": I,
            "planned_at": I,
            "sequence": I,
            "outcome": I,
            "outcome_note": S,
            "outcome_recorded_at": I,
        },
        woman="match__referral",
        volunteer="match__volunteer",
    ),
    # --- followup: the months of a match ------------------------------------------------
    "followup.activity": Entry(
        purpose=_(
            "Det paret har gjort sammen, logget av ressursvennen: dato, hva, hvor lenge, hvordan "
            "og en kort merknad. Statistikken teller aktivitetene."
        ),
        seen_by=_(
            "Ressursvennen i koblingen og gruppelederne i lokalforeningen. Krisesenteret ser "
            "bare antallet og datoen for siste kontakt."
        ),
        retention="match",
        fields={
            "id": I,
            "match": I,
            "occurred_on": I,
            "kind": PE,
            "duration_minutes": I,
            "channel": I,
            "note": S,
            "event": I,
            "planned_meeting": I,
            "created_by": I,
            "created_at": I,
            "updated_at": I,
        },
        woman="match__referral",
        volunteer="match__volunteer",
    ),
    "followup.pairroom": Entry(
        purpose=_("Parets eget videorom: en lenke som bare vises på koblingens side."),
        seen_by=_("Ressursvennen i koblingen og gruppelederne i lokalforeningen."),
        retention="match",
        fields={"id": I, "match": I, "video_url": S, "renewed_at": I, "renewed_by": I},
        woman="match__referral",
        volunteer="match__volunteer",
        on_erase=OnErase.DELETE,
    ),
    "followup.plannedmeeting": Entry(
        purpose=_("Neste møte ressursvennen har planlagt for paret (tid og møteform)."),
        seen_by=_("Ressursvennen i koblingen og gruppelederne i lokalforeningen."),
        retention="match",
        fields={
            "id": I,
            "match": I,
            "starts_at": I,
            "duration_minutes": I,
            "mode": I,
            "sequence": I,
            "cancelled_at": I,
            "created_by": I,
            "created_at": I,
        },
        woman="match__referral",
        volunteer="match__volunteer",
    ),
    "followup.checkin": Entry(
        purpose=_(
            "Oppfølgingssamtalene gruppelederen har med ressursvennen, og med kvinnen direkte "
            "eller gjennom krisesenteret: når, hvordan, hvordan koblingen går, notater og hva "
            "som må følges opp."
        ),
        seen_by=SEEN_LEADER,
        retention="match",
        fields={
            "id": I,
            "match": I,
            "party": I,
            "due_on": I,
            "status": I,
            "held_on": I,
            "mode": I,
            "via": I,
            "rating": PE,
            "notes": S,
            "followup_needed": I,
            "followup_what": S,
            "guidance_session": I,
            "held_by": I,
            "recorded_at": I,
        },
        woman="match__referral",
        volunteer="match__volunteer",
        only=WOMAN_ONLY,
    ),
    "followup.concern": Entry(
        purpose=_(
            "Bekymringsmeldinger om en kobling: hva det gjelder, hvor alvorlig, hva som har "
            "skjedd og hva som er gjort."
        ),
        seen_by=_(
            "Gruppelederne i lokalforeningen, kontaktpersonen på krisesenteret og ressursvennen "
            "i koblingen."
        ),
        retention="match",
        fields={
            "id": I,
            "match": I,
            "category": PE,
            "severity": PE,
            "description": S,
            "status": I,
            "reported_by": I,
            "reported_at": I,
            "acknowledged_by": I,
            "acknowledged_at": I,
            "acknowledge_note": S,
            "resolved_by": I,
            "resolved_at": I,
            "resolution": S,
            "resent_at": I,
        },
        woman="match__referral",
        volunteer="match__volunteer",
    ),
    "followup.pause": Entry(
        purpose=_(
            "Pauser i en kobling (for eksempel av hensyn til sikkerheten): hvorfor, fra og til, "
            "og hvem som bekreftet at den kan fortsette."
        ),
        seen_by=SEEN_MATCH,
        retention="match",
        fields={
            "id": I,
            "match": I,
            "reason": S,
            "started_on": I,
            "paused_by": I,
            "paused_at": I,
            "leader_confirmed_by": I,
            "leader_confirmed_at": I,
            "centre_confirmed_by": I,
            "centre_confirmed_at": I,
            "ended_on": I,
            "move_end": I,
            "end_moved_days": I,
        },
        woman="match__referral",
        volunteer="match__volunteer",
    ),
    "followup.socialevent": Entry(
        purpose=_("Lokalforeningens sosiale treff: tittel, tid, sted eller lenke, og for hvem."),
        seen_by=SEEN_BRANCH_PROGRAMME,
        retention="programme",
        fields={
            "id": I,
            "branch": I,
            "title": I,
            "description": I,
            "starts_at": I,
            "duration_minutes": I,
            "place": I,
            "video_url": I,
            "capacity": I,
            "audience": I,
            "organiser": I,
            "created_at": I,
            "cancelled_at": I,
            "attendance_recorded_at": I,
        },
    ),
    "followup.eventsignup": Entry(
        purpose=_(
            "Ressursvennens svar på invitasjonen til et sosialt treff (alene eller sammen med "
            "kvinnen) og om de kom. Statistikken teller oppmøtet."
        ),
        seen_by=_("Ressursvennen selv og gruppelederen som arrangerer treffet."),
        retention="match",
        fields={
            "id": I,
            "event": I,
            "volunteer": I,
            "match": I,
            "answer": I,
            "places": I,
            "answered_at": I,
            "attended": I,
        },
        woman="match__referral",
        volunteer="volunteer",
    ),
    "followup.extension": Entry(
        purpose=_("Når den planlagte slutten på en kobling er flyttet, og hvorfor."),
        seen_by=SEEN_MATCH,
        retention="match",
        fields={
            "id": I,
            "match": I,
            "previous_end_on": I,
            "new_end_on": I,
            "reason": S,
            "by": I,
            "at": I,
        },
        woman="match__referral",
        volunteer="match__volunteer",
    ),
    "followup.closingconversation": Entry(
        purpose=_("Avslutningssamtalen med kvinnen eller ressursvennen: når, hvordan og notater."),
        seen_by=SEEN_LEADER,
        retention="match",
        fields={
            "id": I,
            "match": I,
            "party": I,
            "held_on": I,
            "mode": I,
            "notes": S,
            "by": I,
            "at": I,
        },
        woman="match__referral",
        volunteer="match__volunteer",
        only=WOMAN_ONLY,
    ),
    "followup.closure": Entry(
        purpose=_(
            "Hvordan koblingen ble avsluttet: årsak, dato, om de holder kontakten privat, og hva "
            "ressursvennen gjør videre."
        ),
        seen_by=SEEN_MATCH,
        retention="match",
        fields={
            "id": I,
            "match": I,
            "reason": PE,
            "note": S,
            "ended_on": I,
            "planned": I,
            "keep_in_touch": PE,
            "volunteer_next": I,
            "closed_by": I,
            "closed_at": I,
        },
        woman="match__referral",
        volunteer="match__volunteer",
        keeps=frozenset({"reason"}),
        kept_because=_(
            "Statistikken teller avslutninger etter årsak. Årsaken er en kode fra en fast liste; "
            "når navn, alder og område er borte, kan den ikke knyttes til en person."
        ),
    ),
    "followup.notice": Entry(
        purpose=_(
            "Varsler om oppgaver som er sendt på e-post (hvilken oppgave, som en kode), så hvert "
            "varsel sendes bare én gang."
        ),
        seen_by=SEEN_ADMIN,
        retention="account",
        fields={"id": I, "user": I, "key": I, "sent_at": I},
        user="user",
        volunteer="user__volunteer",
        on_erase=OnErase.DELETE,
        labels={"key": _("hva varselet gjaldt (kode)")},
    ),
    # --- surveys: questionnaires and outcomes -------------------------------------------
    "surveys.surveylink": Entry(
        purpose=_(
            "Engangslenken til kvinnens spørreskjema. Bare en sjekksum av koden i lenken lagres, "
            "og en sjekksum av nettleseren som åpnet den, så et halvferdig svar bare kan "
            "fortsettes der."
        ),
        seen_by=SEEN_MATCH,
        retention="woman",
        fields={
            "id": I,
            "match": I,
            "time_point": I,
            "token_hash": I,
            "delivery": I,
            "created_by": I,
            "created_at": I,
            "expires_at": I,
            "device_hash": I,
            "opened_at": I,
            "submitted_at": I,
            "revoked_at": I,
        },
        woman="match__referral",
        on_erase=OnErase.DELETE,
        credentials=frozenset({"token_hash", "device_hash"}),
    ),
    "surveys.response": Entry(
        purpose=_(
            "En besvarelse av spørreskjemaet ved oppstart, etter seks måneder eller ved "
            "avslutning: hvem som svarte, om det ble fylt inn på hennes vegne, på hvilket språk "
            "og når."
        ),
        seen_by=_(
            "Kvinnens svar: gruppelederne i lokalforeningen og krisesenteret, aldri "
            "ressursvennen. Ressursvennens egne svar: hun selv og gruppelederne."
        ),
        retention="match",
        fields={
            "id": I,
            "match": I,
            "time_point": I,
            "respondent": I,
            "link": I,
            "entered_by": I,
            "on_behalf": I,
            "language": PE,
            "started_at": I,
            "submitted_at": I,
            "step": I,
        },
        woman="match__referral",
        volunteer="match__volunteer",
        only=RESPONDENT_ONLY,
    ),
    "surveys.answer": Entry(
        purpose=_(
            "Svaret på hvert spørsmål (ensomhet og sosial støtte), med spørreskjemaets kode og "
            "versjon. Svarene er resultatmålingen i statistikken."
        ),
        seen_by=_(
            "Kvinnens svar: gruppelederne i lokalforeningen og krisesenteret, aldri "
            "ressursvennen. Ressursvennens egne svar: hun selv og gruppelederne."
        ),
        retention="match",
        fields={"id": I, "response": I, "instrument": I, "version": I, "item": I, "value": PE},
        woman="response__match__referral",
        volunteer="response__match__volunteer",
        only=ANSWER_ONLY,
        keeps=frozenset({"value"}),
        kept_because=_(
            "Svarene er selve målingen av om programmet virker (endring i ensomhet og sosial "
            "støtte). Når navn, alder og område er borte, kan et tall på en skala ikke knyttes "
            "til en person."
        ),
        labels={"value": _("svar (tall på skalaen)")},
    ),
    "surveys.outcome": Entry(
        purpose=_(
            "Om kvinnen lever fri fra voldsutøveren etter seks måneder og ved avslutning, spurt "
            "av krisesenteret eller gruppelederen."
        ),
        seen_by=SEEN_WOMAN_STAFF,
        retention="match",
        fields={
            "id": I,
            "match": I,
            "time_point": I,
            "value": PE,
            "recorded_by": I,
            "recorded_at": I,
        },
        woman="match__referral",
        keeps=frozenset({"value"}),
        kept_because=_(
            "Statistikken teller hvor mange som lever fri fra voldsutøveren; det er programmets "
            "viktigste resultat. Når navn, alder og område er borte, kan svaret ikke knyttes til "
            "en person."
        ),
    ),
    "surveys.reportingperiod": Entry(
        purpose=_("Periodene programmet rapporterer på, ofte et tilskudd."),
        seen_by=_("Nasjonal koordinator."),
        retention="programme",
        fields={
            "id": I,
            "name": I,
            "funder": I,
            "starts_on": I,
            "ends_on": I,
            "created_by": I,
            "created_at": I,
        },
    ),
    "surveys.target": Entry(
        purpose=_(
            "Mål for tallene i en rapporteringsperiode, for hele landet eller en lokalforening."
        ),
        seen_by=_("Nasjonal koordinator."),
        retention="programme",
        fields={"id": I, "period": I, "metric": I, "organisation": I, "value": I},
        labels={"value": _("mål (antall)")},
    ),
    # --- lib: audit trail, access log, daily jobs ----------------------------------------
    "lib.auditevent": Entry(
        purpose=_(
            "Endringsloggen: hvem som endret hva og når. Verdiene i personopplysninger og "
            "hemmelige felt skrives som •••; andre verdier (for eksempel en ny status) står der."
        ),
        seen_by=SEEN_LOGS,
        retention="log",
        fields={
            "id": I,
            "at": I,
            "actor": I,
            "organisation": I,
            "action": I,
            "object_type": I,
            "object_id": I,
            "changes": PE,
        },
        erasure_note=_(
            "Når en person anonymiseres, blir alle verdier i endringene av hennes rader som er "
            "personopplysninger eller hemmelige, maskert (•••). Hvem som gjorde hva og når, står."
        ),
    ),
    "lib.accessevent": Entry(
        purpose=_(
            "Tilgangsloggen: hvem som så hvilken person (kvinne eller ressursvenn) og når, i "
            "hvilken rolle og for hvilken organisasjon. Det er grunnlaget for innsyn i «hvem har "
            "sett opplysningene om meg»."
        ),
        seen_by=_(
            "Nasjonal koordinator (gjennomgang av tilgangsloggen). Kvinnen og ressursvennen får "
            "sin egen del ved innsyn."
        ),
        retention="log",
        fields={
            "id": I,
            "at": I,
            "user": I,
            "role": I,
            "organisation": I,
            "object_type": I,
            "object_id": I,
        },
    ),
    "lib.jobrun": Entry(
        purpose=_(
            "At en daglig jobb (påminnelser, sletting, sikkerhetskopi) har kjørt for en dag, så "
            "den kjører én gang. Feil lagres bare som feiltype."
        ),
        seen_by=SEEN_ADMIN,
        retention="system",
        fields={
            "id": I,
            "job": I,
            "day": I,
            "status": I,
            "attempts": I,
            "started_at": I,
            "finished_at": I,
            "host": I,
            "error": I,
        },
    ),
    # --- Django and third-party modules ---------------------------------------------------
    "auth.permission": Entry(
        purpose=_("Rettighetene i den tekniske administrasjonen (lages av Django)."),
        seen_by=SEEN_ADMIN,
        retention="system",
        fields={"id": I, "name": I, "content_type": I, "codename": I},
        title=_("rettighet (teknisk administrasjon)"),
        labels={"name": _("navn på rettigheten")},
    ),
    "auth.group": Entry(
        purpose=_("Rettighetsgrupper i den tekniske administrasjonen (brukes ikke i appen)."),
        seen_by=SEEN_ADMIN,
        retention="system",
        fields={"id": I, "name": I},
        title=_("rettighetsgruppe (teknisk administrasjon)"),
        labels={"name": _("navn på gruppen")},
    ),
    "auth.group_permissions": Entry(
        purpose=_("Rettighetene i hver rettighetsgruppe."),
        seen_by=SEEN_ADMIN,
        retention="system",
        fields={"id": I, "group": I, "permission": I},
        title=_("rettigheter i en rettighetsgruppe"),
    ),
    "contenttypes.contenttype": Entry(
        purpose=_("Listen over tabellene i databasen (lages av Django)."),
        seen_by=SEEN_ADMIN,
        retention="system",
        fields={"id": I, "app_label": I, "model": I},
        title=_("innholdstype"),
    ),
    "sessions.session": Entry(
        purpose=_(
            "Innloggede økter: hvem som er logget inn i nettleseren, og når økten går ut. "
            "Økter for ansatte går ut etter kort tid uten bruk."
        ),
        seen_by=_("Ingen i appen; systemadministratoren kan lese tabellen."),
        retention="session",
        fields={"session_key": I, "session_data": PE, "expire_date": I},
        credentials=frozenset({"session_key"}),
        title=_("innlogget økt"),
        erasure_note=_(
            "Alle øktene til en bruker avsluttes når kontoen deaktiveres eller anonymiseres; "
            "utløpte økter slettes hver dag."
        ),
    ),
    "admin.logentry": Entry(
        purpose=_("Django-administrasjonens egen logg over endringer gjort der."),
        seen_by=SEEN_ADMIN,
        retention="admin_log",
        fields={
            "id": I,
            "action_time": I,
            "user": I,
            "content_type": I,
            "object_id": I,
            "object_repr": PE,
            "action_flag": I,
            "change_message": PE,
        },
        title=_("endring i den tekniske administrasjonen"),
        erasure_note=_(
            "Når en person anonymiseres, blir beskrivelsen og endringsmeldingen for hennes rader "
            "nøytral."
        ),
    ),
    "otp_totp.totpdevice": Entry(
        purpose=_(
            "Appen for engangskoder (tofaktorinnlogging) som brukeren har koblet til kontoen."
        ),
        seen_by=SEEN_OWN_ACCOUNT,
        retention="account",
        fields={
            "id": I,
            "user": I,
            "name": I,
            "confirmed": I,
            "throttling_failure_timestamp": I,
            "throttling_failure_count": I,
            "created_at": I,
            "last_used_at": I,
            "key": I,
            "step": I,
            "t0": I,
            "digits": I,
            "tolerance": I,
            "drift": I,
            "last_t": I,
        },
        user="user",
        volunteer="user__volunteer",
        on_erase=OnErase.DELETE,
        credentials=frozenset({"key"}),
        title=_("app for engangskoder (tofaktor)"),
        labels={
            "name": _("navn på enheten"),
            "key": _("hemmelig nøkkel for engangskodene"),
            "step": _("tidssteg (sekunder)"),
        },
    ),
    "otp_static.staticdevice": Entry(
        purpose=_("Reservekodene brukeren kan logge inn med hvis hun mister appen."),
        seen_by=SEEN_OWN_ACCOUNT,
        retention="account",
        fields={
            "id": I,
            "user": I,
            "name": I,
            "confirmed": I,
            "throttling_failure_timestamp": I,
            "throttling_failure_count": I,
            "created_at": I,
            "last_used_at": I,
        },
        user="user",
        volunteer="user__volunteer",
        on_erase=OnErase.DELETE,
        title=_("reservekoder (tofaktor)"),
        labels={"name": _("navn på enheten")},
    ),
    "otp_static.statictoken": Entry(
        purpose=_("Hver reservekode som ikke er brukt ennå."),
        seen_by=SEEN_OWN_ACCOUNT,
        retention="account",
        fields={"id": I, "device": I, "token": I},
        user="device__user",
        volunteer="device__user__volunteer",
        on_erase=OnErase.DELETE,
        credentials=frozenset({"token"}),
        title=_("reservekode (tofaktor)"),
    ),
    "axes.accessattempt": Entry(
        purpose=_(
            "Mislykkede innloggingsforsøk som teller mot sperregrensen (fem forsøk gir 15 "
            "minutters sperre), med brukernavn, IP-adresse og nettleser."
        ),
        seen_by=SEEN_ADMIN,
        retention="technical",
        fields={
            "id": I,
            "user_agent": PE,
            "ip_address": PE,
            "username": PE,
            "http_accept": I,
            "path_info": I,
            "attempt_time": I,
            "get_data": PE,
            "post_data": PE,
            "failures_since_start": I,
        },
        title=_("innloggingsforsøk som teller mot sperre"),
        erasure_note=_(
            "Når en person anonymiseres, slettes radene med hennes e-postadresse som brukernavn."
        ),
    ),
    "axes.accessattemptexpiration": Entry(
        purpose=_("Når sperren etter et innloggingsforsøk går ut."),
        seen_by=SEEN_ADMIN,
        retention="technical",
        fields={"access_attempt": I, "expires_at": I},
        title=_("utløp av innloggingssperre"),
    ),
    "axes.accessfailurelog": Entry(
        purpose=_(
            "Logg over mislykkede innlogginger, med brukernavn, IP-adresse, nettleser og om "
            "kontoen ble sperret."
        ),
        seen_by=SEEN_ADMIN,
        retention="technical",
        fields={
            "id": I,
            "user_agent": PE,
            "ip_address": PE,
            "username": PE,
            "http_accept": I,
            "path_info": I,
            "attempt_time": I,
            "locked_out": I,
        },
        title=_("mislykket innlogging"),
        erasure_note=_(
            "Når en person anonymiseres, slettes radene med hennes e-postadresse som brukernavn."
        ),
    ),
    "axes.accesslog": Entry(
        purpose=_(
            "Logg over vellykkede innlogginger og utlogginger, med brukernavn, IP-adresse og "
            "nettleser."
        ),
        seen_by=SEEN_ADMIN,
        retention="technical",
        fields={
            "id": I,
            "user_agent": PE,
            "ip_address": PE,
            "username": PE,
            "http_accept": I,
            "path_info": I,
            "attempt_time": I,
            "logout_time": I,
            "session_hash": I,
        },
        title=_("innlogging"),
        erasure_note=_(
            "Når en person anonymiseres, slettes radene med hennes e-postadresse som brukernavn."
        ),
    ),
    "mailer.message": Entry(
        purpose=_(
            "E-post som venter på å bli sendt: mottaker, emne og innhold, også lenker for å "
            "velge passord. Innholdet er nøytralt: det sier aldri noe om en person, bare at det "
            "er noe nytt, med lenke til Ressursvenn."
        ),
        seen_by=_(
            "Systemadministratoren ser køen uten innholdet (emne, mottakerens domene, forsøk)."
        ),
        retention="mail_queue",
        fields={
            "id": I,
            "message_data": PE,
            "when_added": I,
            "priority": I,
            "retry_count": I,
        },
        title=_("e-post i kø"),
        erasure_note=_(
            "Når en person anonymiseres, slettes e-post i køen som er adressert til henne."
        ),
    ),
    "mailer.messagelog": Entry(
        purpose=_(
            "Logg over sendt e-post og forsøk som feilet: når, Message-ID og resultatet. Selve "
            "e-posten (mottaker, emne og innhold) lagres ikke i loggen "
            "(MAILER_EMAIL_LOG_MESSAGE_DATA er slått av); feilmeldingen kan nevne mottakeren."
        ),
        seen_by=SEEN_ADMIN,
        retention="technical",
        fields={
            "id": I,
            "message_data": PE,
            "message_id": I,
            "when_added": I,
            "priority": I,
            "when_attempted": I,
            "result": I,
            "log_message": PE,
        },
        title=_("logg over sendt e-post"),
        erasure_note=_(
            "Når en person anonymiseres, slettes loggen over e-post som ble sendt til henne "
            "(der loggen viser mottakeren)."
        ),
    ),
    "mailer.dontsendentry": Entry(
        purpose=_("Adresser som ikke skal få e-post fra Ressursvenn."),
        seen_by=SEEN_ADMIN,
        retention="suppression",
        fields={"id": I, "to_address": PE, "when_added": I},
        title=_("adresse som ikke skal få e-post"),
        labels={"when_added": _("lagt til")},
        erasure_note=_("Når en person anonymiseres, slettes raden med hennes e-postadresse."),
    ),
}


def entry(label: str) -> Entry:
    return INVENTORY[label]


# --- Checks (tests/test_inventory.py) and names for the documentation and the export ---------


def classified_models() -> list[type[models.Model]]:
    """Every model whose table holds rows: installed models and the tables Django makes for
    many-to-many fields; proxy models share their concrete model's table and are left out."""
    return sorted(
        (model for model in apps.get_models(include_auto_created=True) if not model._meta.proxy),
        key=lambda model: model._meta.label_lower,
    )


def unclassified(
    model_list: Iterable[type[models.Model]] | None = None,
    inventory: Mapping[str, Entry] | None = None,
) -> list[str]:
    """Concrete fields (as "label.field") with no level in the inventory; a model without an
    entry is reported by its label."""
    model_list = classified_models() if model_list is None else model_list
    inventory = INVENTORY if inventory is None else inventory
    found: list[str] = []
    for model in model_list:
        label = model._meta.label_lower
        if label not in inventory:
            found.append(label)
            continue
        classified = inventory[label].fields
        found.extend(
            f"{label}.{f.name}" for f in model._meta.concrete_fields if f.name not in classified
        )
    return sorted(found)


def stale(
    model_list: Iterable[type[models.Model]] | None = None,
    inventory: Mapping[str, Entry] | None = None,
) -> list[str]:
    """Classified names the models do not have (as "label.field"); an entry for a model that
    is not installed is reported by its label."""
    model_list = classified_models() if model_list is None else model_list
    inventory = INVENTORY if inventory is None else inventory
    by_label = {model._meta.label_lower: model for model in model_list}
    found: list[str] = []
    for label, item in inventory.items():
        model = by_label.get(label)
        if model is None:
            found.append(label)
            continue
        names = {f.name for f in model._meta.concrete_fields}
        found.extend(f"{label}.{name}" for name in item.fields if name not in names)
    return sorted(found)


def secret_mismatches(
    model_list: Iterable[type[models.Model]] | None = None,
    inventory: Mapping[str, Entry] | None = None,
) -> list[str]:
    """Fields (as "label.field") that are SECRET without an encrypted type, or encrypted
    without being SECRET."""
    model_list = classified_models() if model_list is None else model_list
    inventory = INVENTORY if inventory is None else inventory
    found: list[str] = []
    for model in model_list:
        label = model._meta.label_lower
        if label not in inventory:
            continue
        levels = inventory[label].fields
        for f in model._meta.concrete_fields:
            if f.name not in levels:
                continue
            encrypted = isinstance(f, ENCRYPTED_TYPES)
            if encrypted != (levels[f.name] is Level.SECRET):
                found.append(f"{label}.{f.name}")
    return sorted(found)


def _third_party(model: type[models.Model]) -> bool:
    return model._meta.auto_created is not False or not model.__module__.startswith("ressursvenn.")


def title_of(label: str) -> Any:
    """The bokmål name of the rows of `label` (the entry's `title`, else the verbose name)."""
    item = INVENTORY[label]
    if item.title:
        return item.title
    model = apps.get_model(label)
    if _third_party(model) or "verbose_name" not in model._meta.original_attrs:
        raise LookupError(f"{label}: its verbose_name is not bokmål; give the entry a title.")
    return model._meta.verbose_name


def field_label(label: str, name: str) -> Any:
    """The bokmål name of a field: the entry's `labels`, else the verbose_name a project model
    declared, else `FIELD_LABELS` (raises LookupError when there is none)."""
    item = INVENTORY[label]
    if name in item.labels:
        return item.labels[name]
    model = apps.get_model(label)
    model_field = model._meta.get_field(name)
    declared = getattr(model_field, "_verbose_name", None)
    if declared is not None and not model_field.auto_created and not _third_party(model):
        return declared
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    raise LookupError(f"{label}.{name}: no bokmål name; add it to the entry's labels.")


def retention_settings(key: str) -> dict[str, str]:
    """The placeholders of the RETENTION text of `key` and the settings that fill them."""
    text, own = RETENTION[key]
    found: dict[str, str] = {}
    source = str(text)
    if own is not None and "%(months)s" in source:
        found["months"] = own
    for placeholder, setting in RETENTION_PLACEHOLDERS.items():
        if f"%({placeholder})s" in source:
            found[placeholder] = setting
    return found


def retention_text(key: str, values: Mapping[str, int] | None = None) -> str:
    """The RETENTION rule of `key` in words, filled with `values` (setting name → number;
    default: the current settings)."""
    from django.conf import settings

    text, _own = RETENTION[key]
    filled = {
        placeholder: (getattr(settings, setting) if values is None else values[setting])
        for placeholder, setting in retention_settings(key).items()
    }
    return str(text) % filled if filled else str(text)
