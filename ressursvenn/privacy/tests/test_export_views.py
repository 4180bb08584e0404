"""The pages of a request for access: who may open them, what they show, what they write."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.participants.models import Referral
from ressursvenn.privacy import people
from ressursvenn.privacy.tests.test_export import SECRET_NOTE, Data, build

WOMAN_PAGES = ("privacy:woman", "privacy:woman_json", "privacy:woman_views")
VOLUNTEER_PAGES = ("privacy:volunteer", "privacy:volunteer_json", "privacy:volunteer_views")
FORMATS = {"": "html", "_json": "json", "_views": "views"}


@pytest.fixture
def data(world: World) -> Data:
    return build(world)


def _exports() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (event.object_type, event.object_id, event.changes)
        for event in AuditEvent.objects.filter(action=AuditAction.PRIVACY_EXPORT).order_by("pk")
    ]


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


# --- allowed --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_woman_page_shows_everything_held(
    world: World, data: Data, as_user: Any, persona: str
) -> None:
    client = as_user(getattr(world, persona))
    response = client.get(_url("privacy:woman", data.woman.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Amina" in body
    assert SECRET_NOTE in body
    assert f"Innsyn: henvisning {data.woman.pk}" in body
    assert _url("privacy:woman_json", data.woman.pk) in body
    assert _url("privacy:woman_views", data.woman.pk) in body
    assert "Berit" not in body  # the other woman of the same volunteer
    assert data.volunteer.full_name not in body
    assert "no-store" in response["Cache-Control"].split(", ")


def test_the_page_shows_codes_in_words(world: World, data: Data, as_user: Any) -> None:
    Referral.objects.filter(pk=data.woman.pk).update(contact_times=["afternoon", "evening"])
    body = as_user(world.staff).get(_url("privacy:woman", data.woman.pk)).content.decode()
    assert "Ettermiddag, Kveld" in body
    assert "afternoon" not in body


def test_volunteer_page_for_her_group_leader(world: World, data: Data, as_user: Any) -> None:
    response = as_user(world.leader).get(_url("privacy:volunteer", data.volunteer.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert data.volunteer.full_name in body
    assert "Ressursvennen er sliten denne måneden." in body
    assert SECRET_NOTE not in body
    assert "Amina" not in body


def test_json_download(world: World, data: Data, as_user: Any) -> None:
    response = as_user(world.staff).get(_url("privacy:woman_json", data.woman.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="innsyn-henvisning-{data.woman.pk}.json"'
    )
    assert "no-store" in response["Cache-Control"].split(", ")
    exported = json.loads(response.content.decode("utf-8"))
    assert (exported["kind"], exported["record"]) == ("woman", data.woman.pk)
    assert [row["id"] for row in exported["records"]["participants.referral"]] == [data.woman.pk]
    # Its own view is the newest row of the access log it carries.
    assert exported["access_log"][0]["user"] == world.staff.full_name

    response = as_user(world.leader).get(_url("privacy:volunteer_json", data.volunteer.pk))
    assert response["Content-Disposition"] == (
        f'attachment; filename="innsyn-ressursvenn-{data.volunteer.pk}.json"'
    )
    assert json.loads(response.content)["kind"] == "volunteer"


def test_who_viewed_page_in_plain_language(world: World, data: Data, as_user: Any) -> None:
    as_user(world.leader).get(_url("participants:detail", data.woman.pk))
    client = as_user(world.staff)
    response = client.get(_url("privacy:woman_views", data.woman.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hvem har sett opplysningene om deg" in body
    assert "kontaktpersonen din på krisesenteret" in body
    views = response.context["views"]
    assert [(view.who, view.role, view.organisation) for view in views] == [
        (world.staff.full_name, "Krisesenteransatt", world.centre.name),
        (world.leader.full_name, "Gruppeleder", world.branch.name),
    ]
    assert "Amina" not in body
    assert SECRET_NOTE not in body


def test_each_page_is_a_view_and_an_audited_export(world: World, data: Data, as_user: Any) -> None:
    client = as_user(world.staff)
    for suffix, _fmt in FORMATS.items():
        before = AccessEvent.objects.count()
        assert client.get(_url(f"privacy:woman{suffix}", data.woman.pk)).status_code == 200
        assert AccessEvent.objects.count() == before + 1
        assert list(AccessEvent.objects.values_list("user", "role", "object_id")[:1]) == [
            (world.staff.pk, Role.CRISIS_STAFF, str(data.woman.pk))
        ]
    assert _exports() == [
        ("participants.referral", str(data.woman.pk), {"format": fmt}) for fmt in FORMATS.values()
    ]
    event = AuditEvent.objects.filter(action=AuditAction.PRIVACY_EXPORT).first()
    assert event is not None
    assert (event.actor_id, event.organisation_id) == (world.staff.pk, world.centre.pk)


def test_volunteer_exports_are_audited_once_each(world: World, data: Data, as_user: Any) -> None:
    client = as_user(world.leader)
    for name in VOLUNTEER_PAGES:
        assert client.get(_url(name, data.volunteer.pk)).status_code == 200
    assert _exports() == [
        ("volunteers.volunteer", str(data.volunteer.pk), {"format": fmt})
        for fmt in FORMATS.values()
    ]


def test_erase_link_only_where_the_erasure_page_exists(
    world: World, data: Data, as_user: Any
) -> None:
    body = as_user(world.staff).get(_url("privacy:woman", data.woman.pk)).content.decode()
    try:
        erase = reverse("privacy:erase_woman", args=[data.woman.pk])
    except NoReverseMatch:
        assert "Slett opplysningene" not in body
    else:
        assert f'href="{erase}"' in body


def test_record_pages_link_to_the_privacy_page(world: World, data: Data, as_user: Any) -> None:
    link = _url("privacy:woman", data.woman.pk)
    for persona in ("staff", "leader"):
        body = as_user(getattr(world, persona)).get(_url("participants:detail", data.woman.pk))
        assert link in body.content.decode(), persona
    body = as_user(world.leader).get(_url("volunteers:detail", data.volunteer.pk))
    assert _url("privacy:volunteer", data.volunteer.pk) in body.content.decode()


# --- refused --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_staff", 404), ("other_leader", 404), ("coordinator", 403), ("volunteer", 403)],
)
def test_woman_pages_refused(
    world: World, data: Data, as_user: Any, persona: str, status: int
) -> None:
    client = as_user(getattr(world, persona))
    before = AccessEvent.objects.count(), AuditEvent.objects.count()
    for name in WOMAN_PAGES:
        response = client.get(_url(name, data.woman.pk))
        assert response.status_code == status, name
        assert "Amina" not in response.content.decode()
    assert (AccessEvent.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_leader", 404),
        ("staff", 403),
        ("other_staff", 403),
        ("coordinator", 403),
        ("volunteer", 403),  # herself: she asks her group leader
    ],
)
def test_volunteer_pages_refused(
    world: World, data: Data, as_user: Any, persona: str, status: int
) -> None:
    client = as_user(getattr(world, persona))
    before = AccessEvent.objects.count(), AuditEvent.objects.count()
    for name in VOLUNTEER_PAGES:
        assert client.get(_url(name, data.volunteer.pk)).status_code == status, name
    assert (AccessEvent.objects.count(), AuditEvent.objects.count()) == before


def test_missing_record_and_other_methods(world: World, data: Data, as_user: Any) -> None:
    client = as_user(world.staff)
    for name in WOMAN_PAGES:
        assert client.get(_url(name, data.woman.pk + 1000)).status_code == 404
        assert client.post(_url(name, data.woman.pk)).status_code == 405
    assert client.get(f"/personvern/kvinne/{data.woman.pk}x/").status_code == 404
    assert _exports() == []


def test_a_draft_is_the_centres_only(world: World, as_user: Any) -> None:
    from ressursvenn.tests import factories

    draft = factories.referral(world.centre, world.branch, status="draft", contact=world.staff)
    assert as_user(world.staff).get(_url("privacy:woman", draft.pk)).status_code == 200
    assert as_user(world.leader).get(_url("privacy:woman", draft.pk)).status_code == 404


def test_export_action_refuses_outside_scope(world: World, data: Data) -> None:
    from django.core.exceptions import PermissionDenied

    from ressursvenn.privacy import actions_export

    with pytest.raises(PermissionDenied):
        actions_export.record_export(data.woman, by=world.other_staff, fmt="html")
    with pytest.raises(PermissionDenied):
        actions_export.record_export(data.woman, by=world.coordinator, fmt="html")
    with pytest.raises(ValueError, match="Unknown export format 'pdf'"):
        actions_export.record_export(data.woman, by=world.staff, fmt="pdf")
    assert _exports() == []
    assert people.WOMAN == "woman"
