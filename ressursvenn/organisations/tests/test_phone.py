"""The organisation's phone number (the crisis centre's number on the concern page)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.organisations import actions
from ressursvenn.organisations.forms import OrganisationForm
from ressursvenn.organisations.models import Organisation


def _data(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": organisation.name,
        "municipality": organisation.municipality_id or "",
        "municipalities": list(organisation.municipalities.values_list("pk", flat=True)),
        "districts": list(organisation.districts.values_list("pk", flat=True)),
        "email": organisation.email,
        "is_active": "on" if organisation.is_active else "",
        **changes,
    }
    return {key: value for key, value in data.items() if value not in ("", None)}


def test_coordinator_sets_the_centres_phone_audited(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    url = reverse("organisations:edit", args=[world.centre.pk])
    response = client.post(url, _data(world.centre, phone=" +47  22 11 22 33 "))
    assert response.status_code == 302
    world.centre.refresh_from_db()
    assert world.centre.phone == "+47 22 11 22 33"
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.changes == {"phone": ["", "+47 22 11 22 33"]}
    detail = client.get(reverse("organisations:detail", args=[world.centre.pk]))
    assert "+47 22 11 22 33" in detail.content.decode()
    # The edit form shows the number again.
    assert client.get(url).context["form"]["phone"].value() == "+47 22 11 22 33"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ring meg", "Skriv telefonnummeret med sifre, som 22 11 22 33 eller +47 22 11 22 33."),
        ("22+11", "Skriv telefonnummeret med sifre, som 22 11 22 33 eller +47 22 11 22 33."),
        ("12", "Skriv telefonnummeret med sifre, som 22 11 22 33 eller +47 22 11 22 33."),
        ("1" * 21, "Telefonnummeret kan være høyst 20 tegn."),
    ],
)
def test_bad_phone_is_refused_with_a_norwegian_message(
    world: World, as_user: Any, value: str, message: str
) -> None:
    response = as_user(world.coordinator).post(
        reverse("organisations:edit", args=[world.centre.pk]), _data(world.centre, phone=value)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [message]
    world.centre.refresh_from_db()
    assert world.centre.phone == ""
    assert AuditEvent.objects.count() == 0


def test_phone_is_optional_and_kept_on_create(world: World) -> None:
    form = OrganisationForm(
        {
            "kind": "crisis_centre",
            "name": "Bodø krisesenter",
            "municipality": world.centre.municipality_id,
            "phone": "75 00 00 00",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "75 00 00 00"
    organisation = actions.create_organisation(by=world.coordinator, **form.cleaned_data)
    assert organisation.phone == "75 00 00 00"
    without = OrganisationForm(
        {"kind": "crisis_centre", "name": "Mo krisesenter", "municipality": "1833"}
    )
    assert without.is_valid(), without.errors
    assert without.cleaned_data["phone"] == ""
