"""The data inventory classifies every field of every table, and its paths reach the right
people (privacy/inventory.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test.utils import isolate_apps

from ressursvenn.accounts.models import User
from ressursvenn.lib.crypto import EncryptedJSONField, EncryptedTextField
from ressursvenn.participants.models import Referral
from ressursvenn.privacy import inventory
from ressursvenn.privacy.inventory import (
    FIELD_LABELS,
    INVENTORY,
    RETENTION,
    Entry,
    Level,
    OnErase,
    classified_models,
    field_label,
    retention_settings,
    secret_mismatches,
    stale,
    title_of,
    unclassified,
)
from ressursvenn.volunteers.models import Volunteer

PERSON_MODELS = {"woman": Referral, "volunteer": Volunteer, "user": User}

# Rows about both of them: reachable from the woman and from the volunteer. A new entry with
# both paths must be added here on purpose (a woman's rows never reach a volunteer otherwise).
SHARED = {
    "followup.activity",
    "followup.closingconversation",  # narrowed by party: each conversation is one person's
    "followup.checkin",  # narrowed by party
    "followup.closure",
    "followup.concern",
    "followup.eventsignup",
    "followup.extension",
    "followup.pairroom",
    "followup.pause",
    "followup.plannedmeeting",
    "matching.match",
    "matching.matchingmeeting",
    "surveys.answer",  # narrowed by respondent: her answers, or the volunteer's own
    "surveys.response",  # narrowed by respondent
}

# Rows that point at a row of a person of this kind but are not hers, with the reason.
NOT_THEIRS = {
    # The woman's link, her outcome and the volunteers excluded for her are hers alone: the
    # volunteer of the match must not find them in her own export.
    ("surveys.surveylink", "volunteer"),
    ("surveys.outcome", "volunteer"),
    ("participants.referral_excluded_volunteers", "volunteer"),
}


def test_every_concrete_field_of_every_table_is_classified() -> None:
    assert unclassified() == []
    assert stale() == []


def test_the_tables_classified_include_third_party_and_many_to_many_tables() -> None:
    labels = {model._meta.label_lower for model in classified_models()}

    assert set(INVENTORY) == labels
    assert {
        "axes.accesslog",
        "mailer.messagelog",
        "otp_static.statictoken",
        "participants.referral_excluded_volunteers",
        "sessions.session",
    } <= labels
    assert "lib.queuedmessage" not in labels  # a proxy of mailer.message


def test_secret_fields_are_exactly_the_encrypted_fields() -> None:
    encrypted = {
        f"{model._meta.label_lower}.{f.name}"
        for model in classified_models()
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedTextField | EncryptedJSONField)
    }
    secret = {
        f"{label}.{name}"
        for label, item in INVENTORY.items()
        for name in item.fields_at(Level.SECRET)
    }

    assert secret == encrypted
    assert "participants.referral.first_name" in secret
    assert secret_mismatches() == []


def test_fields_the_audit_trail_masks_are_personal_secret_or_credentials() -> None:
    wrong = []
    for label, item in INVENTORY.items():
        model = apps.get_model(label)
        for name in getattr(model, "AUDIT_MASKED_FIELDS", ()):
            if item.fields[name] not in (Level.PERSONAL, Level.SECRET) and (
                name not in item.credentials
            ):
                wrong.append(f"{label}.{name}")
    assert wrong == []


def test_credentials_are_fields_of_their_entry_and_never_personal() -> None:
    wrong = [
        f"{label}.{name}"
        for label, item in INVENTORY.items()
        for name in item.credentials
        if item.fields.get(name) is not Level.INTERNAL
    ]
    assert wrong == []


# --- The checking functions report what is wrong (so the tests above can fail) --------------


@isolate_apps("ressursvenn.privacy")
def test_the_checks_report_an_unclassified_a_stale_and_a_wrongly_secret_field() -> None:
    class Fake(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=10)
        canary = models.CharField(max_length=10)
        note = EncryptedTextField()
        code = models.CharField(max_length=10)

        class Meta:
            app_label = "privacy"

    class Unlisted(models.Model):  # noqa: DJ008
        class Meta:
            app_label = "privacy"

    fake = Entry(
        purpose="",
        seen_by="",
        retention="programme",
        fields={
            "id": Level.INTERNAL,
            "name": Level.PERSONAL,
            "note": Level.PERSONAL,
            "code": Level.SECRET,
            "gone": Level.PERSONAL,
        },
    )
    table = {"privacy.fake": fake, "privacy.nomodel": fake}

    assert unclassified([Fake, Unlisted], table) == ["privacy.fake.canary", "privacy.unlisted"]
    assert stale([Fake, Unlisted], table) == ["privacy.fake.gone", "privacy.nomodel"]
    assert secret_mismatches([Fake], table) == ["privacy.fake.code", "privacy.fake.note"]


def test_unclassified_reports_a_field_taken_out_of_the_real_inventory() -> None:
    referral = INVENTORY["participants.referral"]
    fields = {name: level for name, level in referral.fields.items() if name != "birth_year"}
    table = {**INVENTORY, "participants.referral": dataclasses.replace(referral, fields=fields)}

    assert unclassified(inventory=table) == ["participants.referral.birth_year"]


# --- Paths to the people ---------------------------------------------------------------------


def _walk(model: type[models.Model], path: str) -> type[models.Model]:
    for hop in path.split("__"):
        related = model._meta.get_field(hop).related_model
        assert related is not None, f"{model._meta.label_lower}: {hop} is not a relation"
        model = related  # type: ignore[assignment]
    return model


def test_every_path_ends_at_the_person_of_its_kind() -> None:
    wrong = []
    for label, item in INVENTORY.items():
        model = apps.get_model(label)
        for kind in item.kinds():
            path = item.path(kind)
            assert path is not None
            end = model if path == "" else _walk(model, path)
            if end is not PERSON_MODELS[kind]:
                wrong.append(f"{label} {kind}: {end._meta.label_lower}")
    assert wrong == []


@pytest.mark.django_db
def test_every_path_and_narrowing_filters_on_the_database() -> None:
    checked = 0
    for label, item in INVENTORY.items():
        model = apps.get_model(label)
        for kind in item.kinds():
            path = item.path(kind)
            lookup = "pk" if path == "" else path
            rows = model._base_manager.filter(**{lookup: 0}, **item.only.get(kind, {}))
            assert not rows.exists()
            checked += 1
    assert checked == sum(len(item.kinds()) for item in INVENTORY.values())


def test_narrowing_is_for_kinds_with_a_path_and_uses_valid_choices() -> None:
    wrong = []
    for label, item in INVENTORY.items():
        model = apps.get_model(label)
        for kind, filters in item.only.items():
            if item.path(kind) is None:
                wrong.append(f"{label}: only for {kind} without a path")
            for lookup, value in filters.items():
                *hops, last = lookup.split("__")
                target = _walk(model, "__".join(hops)) if hops else model
                found = target._meta.get_field(last)
                if found.choices and value not in dict(found.flatchoices):  # type: ignore[union-attr]
                    wrong.append(f"{label}: {lookup}={value!r} is not a choice")
    assert wrong == []


def test_rows_pointing_at_a_persons_rows_are_hers_too() -> None:
    """A foreign key to a row that is a woman's (or a volunteer's) makes the row hers: a new
    model hanging under a match, a referral or a volunteer cannot be left out of the export and
    the erasure. Foreign keys to a user only say who did something, and are left out."""
    missing = []
    for label, item in INVENTORY.items():
        model = apps.get_model(label)
        for f in model._meta.concrete_fields:
            if not f.is_relation or f.related_model is User:
                continue
            target = INVENTORY[f.related_model._meta.label_lower]  # type: ignore[union-attr]
            for kind in target.kinds():
                if item.path(kind) is None and (label, kind) not in NOT_THEIRS:
                    missing.append(f"{label}.{f.name} → {kind}")
    assert missing == []


def test_only_the_shared_rows_reach_both_the_woman_and_the_volunteer() -> None:
    both = {
        label
        for label, item in INVENTORY.items()
        if item.woman is not None and item.volunteer is not None
    }
    assert both == SHARED


def test_narrowed_shared_rows_give_each_person_only_her_own() -> None:
    narrowed = {label: item.only for label, item in INVENTORY.items() if item.only}
    assert narrowed == {
        "followup.checkin": {"woman": {"party": "woman"}, "volunteer": {"party": "volunteer"}},
        "followup.closingconversation": {
            "woman": {"party": "woman"},
            "volunteer": {"party": "volunteer"},
        },
        "surveys.response": {
            "woman": {"respondent": "participant"},
            "volunteer": {"respondent": "volunteer"},
        },
        "surveys.answer": {
            "woman": {"response__respondent": "participant"},
            "volunteer": {"response__respondent": "volunteer"},
        },
    }


def test_rows_without_a_path_that_hold_personal_values_say_how_erasure_reaches_them() -> None:
    unreached = {
        label
        for label, item in INVENTORY.items()
        if not item.kinds() and item.fields_at(Level.PERSONAL, Level.SECRET)
    }
    noted = {label for label, item in INVENTORY.items() if item.erasure_note}

    assert noted == unreached
    assert "lib.auditevent" in unreached


def test_deleted_rows_belong_to_someone() -> None:
    orphans = [
        label
        for label, item in INVENTORY.items()
        if item.on_erase is OnErase.DELETE and not item.kinds()
    ]
    assert orphans == []


# --- What is kept, for how long, and the names in bokmål --------------------------------


def test_kept_fields_are_personal_or_secret_fields_of_their_entry_with_a_reason() -> None:
    wrong = [
        f"{label}.{name}"
        for label, item in INVENTORY.items()
        for name in item.keeps
        if name not in item.fields_at(Level.PERSONAL, Level.SECRET)
    ]
    unexplained = [
        label for label, item in INVENTORY.items() if bool(item.keeps) != bool(item.kept_because)
    ]

    assert wrong == []
    assert unexplained == []
    kept = {f"{label}.{name}" for label, item in INVENTORY.items() for name in item.keeps}
    assert kept == {"followup.closure.reason", "surveys.answer.value", "surveys.outcome.value"}


def test_identifying_fields_of_the_woman_are_cleared() -> None:
    """Together, birth year, area and number of children can single her out: none is kept."""
    erased = set(INVENTORY["participants.referral"].erased_fields())
    assert {
        "first_name",
        "birth_year",
        "municipality",
        "district",
        "children_count",
        "contact_value",
        "excluded_areas",
        "notes",
    } <= erased


def test_every_retention_key_exists_and_names_real_settings() -> None:
    unknown = sorted({item.retention for item in INVENTORY.values()} - set(RETENTION))
    missing_settings = sorted(
        setting
        for key in RETENTION
        for setting in retention_settings(key).values()
        if not hasattr(settings, setting)
    )

    assert unknown == []
    assert missing_settings == []


def test_retention_text_fills_the_own_and_the_named_settings() -> None:
    values = {
        "RETENTION_VOLUNTEER_MONTHS": 30,
        "RETENTION_APPLICANT_MONTHS": 4,
    }
    assert retention_settings("volunteer") == {
        "months": "RETENTION_VOLUNTEER_MONTHS",
        "applicant_months": "RETENTION_APPLICANT_MONTHS",
    }
    assert inventory.retention_text("volunteer", values) == (
        "Anonymiseres 30 måneder etter at ressursvennen sluttet; en søker som fikk avslag eller "
        "trakk seg, etter 4 måneder."
    )


def test_every_model_and_field_has_a_bokmal_name() -> None:
    missing: list[str] = []
    for label, item in INVENTORY.items():
        try:
            title_of(label)
        except LookupError as error:
            missing.append(str(error))
        for name in item.fields:
            try:
                field_label(label, name)
            except LookupError as error:
                missing.append(str(error))
    assert missing == []


def test_every_shared_field_label_is_used() -> None:
    used: set[str] = set()
    for label, item in INVENTORY.items():
        for name in item.fields:
            if name in FIELD_LABELS and field_label(label, name) is FIELD_LABELS[name]:
                used.add(name)
    assert set(FIELD_LABELS) - used == set()


@pytest.mark.parametrize(
    ("label", "name", "expected"),
    [
        ("participants.referral", "birth_year", "fødselsår"),  # the model's own verbose_name
        ("followup.closure", "closed_by", "avsluttet av"),  # declared without one
        ("axes.accesslog", "ip_address", "IP-adresse"),  # third party
        ("otp_totp.totpdevice", "key", "hemmelig nøkkel for engangskodene"),  # the entry's
    ],
)
def test_field_label_sources(label: str, name: str, expected: Any) -> None:
    assert str(field_label(label, name)) == expected
