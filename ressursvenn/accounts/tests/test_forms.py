"""Names and short texts of the account forms: NFC, no invisible or direction characters."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ressursvenn.accounts.forms import InviteForm, ProfileForm, StaffFilterForm
from ressursvenn.accounts.models import Role, User
from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.lib.text import MESSAGE

SPOOFS = {"rlo": "Kari\u202enamdroN", "zero-width": "Ka\u200bri", "bom": "\ufeffKari"}


@pytest.mark.parametrize("name", SPOOFS.values(), ids=SPOOFS.keys())
def test_profile_refuses_invisible_characters_and_changes_nothing(
    world: World, as_user: Any, name: str
) -> None:
    before = (world.leader.full_name, AuditEvent.objects.count())
    response = as_user(world.leader).post(
        reverse("accounts:profile"), {"full_name": name, "phone": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"full_name": [str(MESSAGE)]}
    world.leader.refresh_from_db()
    assert (world.leader.full_name, AuditEvent.objects.count()) == before


def test_profile_stores_the_name_in_nfc(world: World, as_user: Any) -> None:
    response = as_user(world.leader).post(
        reverse("accounts:profile"), {"full_name": "Ha\u030akon Leder", "phone": ""}
    )
    assert response.status_code == 302
    world.leader.refresh_from_db()
    assert world.leader.full_name == "Håkon Leder"


def test_profile_phone_refuses_invisible_characters() -> None:
    form = ProfileForm({"full_name": "Gro", "phone": "912\u200b34567"})
    assert form.errors == {"phone": [str(MESSAGE)]}


@pytest.mark.parametrize("name", SPOOFS.values(), ids=SPOOFS.keys())
def test_invitation_refuses_a_spoofed_name_and_creates_nobody(
    world: World, as_user: Any, name: str
) -> None:
    users = User.objects.count()
    response = as_user(world.coordinator).post(
        reverse("accounts:staff_invite"),
        {
            "full_name": name,
            "email": "ny@example.no",
            "organisation": world.branch.pk,
            "role": Role.GROUP_LEADER,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"full_name": [str(MESSAGE)]}
    assert User.objects.count() == users


def test_invitation_name_in_nfc(world: World) -> None:
    form = InviteForm(
        {
            "full_name": "Ha\u030akon Ny",
            "email": "ny@example.no",
            "organisation": world.branch.pk,
            "role": Role.GROUP_LEADER,
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["full_name"] == "Håkon Ny"


def test_staff_search_with_invisible_characters_is_a_field_error(world: World) -> None:
    form = StaffFilterForm({"q": "Kari\u202e"})
    assert not form.is_valid()
    assert form.errors["q"] == [str(MESSAGE)]
