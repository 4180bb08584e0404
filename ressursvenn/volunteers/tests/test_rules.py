"""The volunteer permissions for every persona, with a volunteer of the first branch."""

from __future__ import annotations

import pytest

from ressursvenn.conftest import World
from ressursvenn.tests import factories

PERSONAS = ("coordinator", "leader", "other_leader", "staff", "other_staff", "volunteer")


@pytest.mark.parametrize(
    ("perm", "allowed"),
    [
        ("volunteers.view_volunteer", {"leader"}),
        ("volunteers.screen_volunteer", {"leader"}),
        ("volunteers.import_volunteers", {"leader"}),
    ],
)
def test_perms_on_a_volunteer_of_the_branch(world: World, perm: str, allowed: set[str]) -> None:
    volunteer = factories.volunteer(world.branch, status="applied", email="a@example.no")
    granted = {who for who in PERSONAS if getattr(world, who).has_perm(perm, volunteer)}
    assert granted == allowed


def test_a_volunteer_may_view_but_not_screen_herself(world: World) -> None:
    own = world.volunteer.volunteer
    assert world.volunteer.has_perm("volunteers.view_volunteer", own) is True
    assert world.volunteer.has_perm("volunteers.screen_volunteer", own) is False


@pytest.mark.parametrize("perm", ["volunteers.screen_volunteer", "volunteers.import_volunteers"])
def test_without_object_every_group_leader_may(world: World, perm: str) -> None:
    granted = {who for who in PERSONAS if getattr(world, who).has_perm(perm)}
    assert granted == {"leader", "other_leader"}


def test_import_into_a_branch_only_for_its_leader(world: World) -> None:
    assert world.leader.has_perm("volunteers.import_volunteers", world.branch) is True
    assert world.other_leader.has_perm("volunteers.import_volunteers", world.branch) is False
