"""Phone numbers grouped for reading everywhere they are shown (issue 8, item 18)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from ressursvenn.conftest import World
from ressursvenn.lib.templatetags.ds import phone, tel_href
from ressursvenn.tests import factories


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("91234567", "912 34 567"),
        ("912 34 567", "912 34 567"),
        ("+4791234567", "+47 912 34 567"),
        ("+47 912 34 567", "+47 912 34 567"),
        ("0047 41234567", "+47 412 34 567"),
        ("22123456", "22 12 34 56"),  # a landline: in pairs
        ("+46 70 123 45 67", "+46 70 123 45 67"),  # not Norwegian: unchanged
        ("1234567", "1234567"),
        ("123456789", "123456789"),
        ("kari@example.no", "kari@example.no"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_groups_norwegian_numbers_and_leaves_others(given: Any, shown: str) -> None:
    assert phone(given) == shown


@pytest.mark.parametrize(
    ("given", "href"),
    [
        ("91234567", "tel:+4791234567"),
        ("+47 912 34 567", "tel:+4791234567"),
        ("+46 70 123 45 67", "tel:+46701234567"),
        ("kari@example.no", ""),
        ("", ""),
    ],
)
def test_tel_href(given: str, href: str) -> None:
    assert tel_href(given) == href


@pytest.mark.django_db
def test_the_referral_page_says_sms_colon_and_groups_the_number(world: World, as_user: Any) -> None:
    referral = factories.referral(
        world.centre,
        world.branch,
        contact=world.staff,
        contact_channel="sms",
        contact_value="91234567",
    )
    html = as_user(world.staff).get(reverse("participants:detail", args=[referral.pk]))
    text = " ".join(html.content.decode().split())
    assert "SMS: 912 34 567" in text
    assert "SMS :" not in text
    assert "91234567" not in text


@pytest.mark.django_db
def test_the_volunteer_page_groups_her_phone(world: World, as_user: Any) -> None:
    volunteer = world.volunteer.volunteer
    volunteer.phone = "+4740011222"
    volunteer.save(update_fields=["phone"])
    html = as_user(world.leader).get(reverse("volunteers:detail", args=[volunteer.pk]))
    assert "+47 400 11 222" in html.content.decode()


@pytest.mark.django_db
def test_the_staff_page_groups_the_phone(world: World, as_user: Any) -> None:
    person = get_user_model().objects.get(pk=world.leader.pk)
    person.phone = "98765432"
    person.save(update_fields=["phone"])
    response = as_user(world.coordinator).get(reverse("accounts:staff_detail", args=[person.pk]))
    assert response.status_code == 200
    assert "987 65 432" in response.content.decode()
