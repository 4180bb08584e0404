"""lib.access: one way to fetch a row (404 outside scope), check the permission (403), log the
access to a person's record, and show one page of a list."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.test import RequestFactory

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.conftest import World
from ressursvenn.lib.access import (
    add_errors,
    error_text,
    fetch,
    is_scoped,
    log_access,
    paginate,
    require,
)
from ressursvenn.lib.models import AccessEvent
from ressursvenn.volunteers.models import Volunteer


def _request(user: User, **params: str) -> Any:
    request = RequestFactory().get("/", params)
    request.user = user
    return request


def test_fetch_returns_a_row_in_scope(world: World) -> None:
    row = world.volunteer.volunteer
    assert fetch(_request(world.leader), Volunteer, row.pk) == row


def test_fetch_is_404_outside_the_scope_exactly_like_a_missing_row(world: World) -> None:
    outside = world.other_volunteer.volunteer  # of the Narvik branch
    with pytest.raises(Http404):
        fetch(_request(world.leader), Volunteer, outside.pk)
    with pytest.raises(Http404):
        fetch(_request(world.leader), Volunteer, 99_999_999)
    # The coordinator sees no volunteer rows at all.
    with pytest.raises(Http404):
        fetch(_request(world.coordinator), Volunteer, world.volunteer.volunteer.pk)
    assert AccessEvent.objects.count() == 0


def test_fetch_is_403_without_the_permission(world: World) -> None:
    request = _request(world.leader)
    with pytest.raises(PermissionDenied):
        fetch(request, User, world.leader.pk, perm="accounts.manage_staff")
    assert fetch(request, User, world.leader.pk, perm="accounts.view_user") == world.leader


def test_fetch_logs_the_access_to_a_persons_record(world: World) -> None:
    row = world.volunteer.volunteer
    fetch(_request(world.leader), Volunteer, row.pk, perm="volunteers.view_volunteer")
    event = AccessEvent.objects.get()
    assert (event.user, event.role, event.organisation) == (
        world.leader,
        Role.GROUP_LEADER,
        world.branch,
    )
    assert (event.object_type, event.object_id) == ("volunteers.volunteer", str(row.pk))
    # Her own record, seen by herself, in her role as volunteer.
    fetch(_request(world.volunteer), Volunteer, row.pk)
    assert AccessEvent.objects.order_by("-pk").first().role == Role.VOLUNTEER  # type: ignore[union-attr]


def test_fetch_writes_nothing_with_log_false_or_for_a_record_that_is_not_a_person(
    world: World,
) -> None:
    fetch(_request(world.leader), Volunteer, world.volunteer.volunteer.pk, log=False)
    fetch(_request(world.coordinator), User, world.leader.pk)
    assert AccessEvent.objects.count() == 0


def test_a_refused_fetch_logs_nothing(world: World) -> None:
    with pytest.raises(PermissionDenied):
        fetch(
            _request(world.volunteer),
            Volunteer,
            world.volunteer.volunteer.pk,
            perm="volunteers.screen_volunteer",
        )
    assert AccessEvent.objects.count() == 0


def test_fetch_refuses_a_queryset_that_is_not_scoped(world: World) -> None:
    request = _request(world.leader)
    with pytest.raises(ImproperlyConfigured, match="visible_to"):
        fetch(request, Volunteer.objects.all(), world.volunteer.volunteer.pk)
    with pytest.raises(ImproperlyConfigured):
        fetch(request, Volunteer.objects.filter(branch=world.branch), world.volunteer.volunteer.pk)
    # Scoped for someone else is not scoped for her.
    with pytest.raises(ImproperlyConfigured):
        fetch(request, Volunteer.objects.visible_to(world.other_leader), 1)


def test_the_scoped_mark_survives_chained_calls(world: World) -> None:
    leader = world.leader
    queryset = (
        User.objects.visible_to(leader)
        .filter(is_active=True)
        .select_related()
        .annotate(role_count=Count("memberships"))
        .exclude(pk=0)
        .order_by("pk")
    )
    assert is_scoped(queryset, leader)
    assert not is_scoped(queryset, world.other_leader)
    assert is_scoped(Volunteer.objects.visible_to(leader).select_related("branch"), leader)
    assert not is_scoped(User.objects.all(), leader)
    fetched = fetch(_request(leader), queryset, leader.pk)
    assert fetched.role_count == 1  # type: ignore[attr-defined]


def test_require(world: World) -> None:
    require(world.coordinator, "accounts.manage_staff")
    require(_request(world.coordinator), "accounts.manage_staff")
    with pytest.raises(PermissionDenied):
        require(_request(world.leader), "accounts.manage_staff")
    with pytest.raises(PermissionDenied):
        require(world.leader, "accounts.view_user", world.staff)


def test_log_access_with_an_explicit_role(world: World) -> None:
    log_access(
        _request(world.coordinator),
        world.leader,
        role=Role.NATIONAL_COORDINATOR,
        organisation=world.national,
    )
    event = AccessEvent.objects.get()
    assert (event.role, event.organisation, event.object_id) == (
        Role.NATIONAL_COORDINATOR,
        world.national,
        str(world.leader.pk),
    )


@pytest.mark.parametrize(("asked", "shown"), [(None, 1), ("2", 2), ("x", 1), ("999", 3)])
def test_paginate_uses_page_size(
    world: World, settings: Any, asked: str | None, shown: int
) -> None:
    settings.PAGE_SIZE = 5
    rows = list(range(12))
    params = {"side": asked} if asked is not None else {}
    page = paginate(_request(world.leader, **params), rows, param="side")
    assert page.paginator.per_page == 5
    assert page.paginator.num_pages == 3
    assert page.number == shown
    assert list(page) == rows[(shown - 1) * 5 : shown * 5]


def test_paginate_default_parameter_is_page(world: World, settings: Any) -> None:
    settings.PAGE_SIZE = 5
    page = paginate(_request(world.leader, page="2"), Membership.objects.order_by("pk"))
    assert page.number == 2


class _Form(forms.Form):
    name = forms.CharField()
    when = forms.DateField(required=False)


def test_add_errors_places_messages_next_to_their_fields() -> None:
    form = _Form({"name": "x"})
    assert form.is_valid()
    add_errors(
        form,
        ValidationError({"name": "Feil navn.", "starts_on": "Feil dato.", "other": "Annet."}),
        field_map={"starts_on": "when"},
    )
    assert form.errors == {"name": ["Feil navn."], "when": ["Feil dato."], "__all__": ["Annet."]}


def test_add_errors_without_fields_goes_above_the_form_and_error_text_joins() -> None:
    form = _Form({"name": "x"})
    form.is_valid()
    error = ValidationError(["Første.", "Andre."])
    add_errors(form, error)
    assert form.non_field_errors() == ["Første.", "Andre."]
    assert error_text(error) == "Første. Andre."
