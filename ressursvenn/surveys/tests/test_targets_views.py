"""The targets pages for the national coordinator: the list, a period with its targets, the
forms to create, change and delete; every other role refused with targets present; bad
input (an end before the start, garbage, a duplicate, a tampered scope, a double submit,
a row deleted meanwhile) gives a Norwegian message and changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.surveys.models import ReportingPeriod, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(world: World) -> ReportingPeriod:
    period = ReportingPeriod.objects.create(
        name="Stiftelsen Dam 2027",
        funder="Stiftelsen Dam",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        created_by=world.coordinator,
    )
    Target.objects.create(period=period, metric="women_matched", value=50)
    Target.objects.create(
        period=period, metric="women_matched", organisation=world.branch, value=10
    )
    return period


def test_the_coordinator_lists_the_periods(
    world: World, as_user: Any, period: ReportingPeriod
) -> None:
    response = as_user(world.coordinator).get(reverse("surveys:targets"))
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [(p.name, p.target_count) for p in rows] == [("Stiftelsen Dam 2027", 2)]
    assert reverse("surveys:period_new") in response.content.decode()


@pytest.mark.parametrize("who", ["leader", "other_leader", "staff", "volunteer"])
def test_every_other_role_is_refused(
    world: World, as_user: Any, period: ReportingPeriod, who: str
) -> None:
    client = as_user(getattr(world, who))
    target = Target.objects.get(organisation=world.branch)
    for url in (
        reverse("surveys:targets"),
        reverse("surveys:period_new"),
        reverse("surveys:period_detail", args=[period.pk]),
        reverse("surveys:period_edit", args=[period.pk]),
        reverse("surveys:period_delete", args=[period.pk]),
        reverse("surveys:target_edit", args=[target.pk]),
        reverse("surveys:target_delete", args=[target.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"value": "1", "name": "x"}).status_code == 403, url
    assert (ReportingPeriod.objects.count(), Target.objects.count()) == (1, 2)


def test_the_list_query_count_does_not_grow(
    world: World, as_user: Any, django_assert_num_queries: Any
) -> None:
    client = as_user(world.coordinator)
    ReportingPeriod.objects.create(
        name="P0",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        created_by=world.coordinator,
    )
    client.get(reverse("surveys:targets"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("surveys:targets"))
    for number in range(1, 8):
        period = ReportingPeriod.objects.create(
            name=f"P{number}",
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2027, 12, 31),
            created_by=world.coordinator,
        )
        Target.objects.create(period=period, metric="social_events", value=number)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("surveys:targets"))


def test_create_a_period(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    response = client.post(
        reverse("surveys:period_new"),
        {"name": "2027", "funder": "", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
        follow=True,
    )
    created = ReportingPeriod.objects.get(name="2027")
    assert response.redirect_chain[-1][0] == reverse("surveys:period_detail", args=[created.pk])
    assert "Perioden er opprettet." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "X", "starts_on": "2027-12-31", "ends_on": "2027-01-01"}, "ends_on",
         "Til-datoen kan ikke være før fra-datoen."),
        ({"name": "X", "starts_on": "31.02.2027", "ends_on": "2027-01-01"}, "starts_on",
         "Skriv datoen som dd.mm.åååå."),
        ({"name": "", "starts_on": "2027-01-01", "ends_on": "2027-01-02"}, "name",
         "Skriv et navn på perioden."),
        ({"name": "Stiftelsen Dam 2027", "starts_on": "2027-01-01", "ends_on": "2027-01-02"},
         "name", "Det finnes allerede en periode med dette navnet. Velg et annet navn."),
        ({"name": "Dam\u202e2027", "starts_on": "2027-01-01", "ends_on": "2027-01-02"},
         "name", "Teksten inneholder usynlige tegn eller tegn som snur skriveretningen. "
         "Skriv den inn på nytt uten å lime inn fra et annet sted."),
    ],
)  # fmt: skip
def test_bad_periods_are_refused_with_a_message(
    world: World,
    as_user: Any,
    period: ReportingPeriod,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = as_user(world.coordinator).post(reverse("surveys:period_new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert ReportingPeriod.objects.count() == 1


def test_edit_a_period(world: World, as_user: Any, period: ReportingPeriod) -> None:
    client = as_user(world.coordinator)
    url = reverse("surveys:period_edit", args=[period.pk])
    assert client.get(url).context["form"]["name"].value() == "Stiftelsen Dam 2027"
    response = client.post(
        url,
        {"name": "Dam 2027", "funder": "Dam", "starts_on": "2027-01-01", "ends_on": "2027-06-30"},
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.name, period.ends_on) == ("Dam 2027", datetime.date(2027, 6, 30))


def test_add_a_target_and_a_duplicate_is_refused(
    world: World, as_user: Any, period: ReportingPeriod
) -> None:
    client = as_user(world.coordinator)
    url = reverse("surveys:period_detail", args=[period.pk])
    data = {"metric": "social_events", "organisation": str(world.branch.pk), "value": "3"}
    response = client.post(url, data, follow=True)
    assert "Målet er satt." in response.content.decode()
    response = client.post(url, data)  # a double submit
    assert response.status_code == 400
    assert response.context["form"].errors["metric"] == [
        "Perioden har allerede et mål for dette i dette området. Endre det målet i stedet."
    ]
    assert Target.objects.filter(metric="social_events").count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"metric": "made_up", "organisation": "", "value": "3"}, "metric"),
        ({"metric": "social_events", "organisation": "999999", "value": "3"}, "organisation"),
        ({"metric": "social_events", "organisation": "centre", "value": "3"}, "organisation"),
        ({"metric": "social_events", "organisation": "", "value": "tre"}, "value"),
        ({"metric": "social_events", "organisation": "", "value": "0"}, "value"),
    ],
)
def test_tampered_targets_are_refused(
    world: World, as_user: Any, period: ReportingPeriod, data: dict[str, str], field: str
) -> None:
    if data["organisation"] == "centre":
        data = {**data, "organisation": str(world.centre.pk)}
    response = as_user(world.coordinator).post(
        reverse("surveys:period_detail", args=[period.pk]), data
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert Target.objects.count() == 2


def test_edit_and_delete_a_target(world: World, as_user: Any, period: ReportingPeriod) -> None:
    client = as_user(world.coordinator)
    target = Target.objects.get(organisation=world.branch)
    response = client.post(reverse("surveys:target_edit", args=[target.pk]), {"value": "12"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == 12
    assert client.get(reverse("surveys:target_delete", args=[target.pk])).status_code == 200
    response = client.post(reverse("surveys:target_delete", args=[target.pk]), follow=True)
    assert "Målet er slettet." in response.content.decode()
    assert Target.objects.filter(pk=target.pk).exists() is False
    assert client.post(reverse("surveys:target_delete", args=[target.pk])).status_code == 404


def test_delete_a_period(world: World, as_user: Any, period: ReportingPeriod) -> None:
    client = as_user(world.coordinator)
    page = client.get(reverse("surveys:period_delete", args=[period.pk])).content.decode()
    assert "de 2 målene" in page
    response = client.post(reverse("surveys:period_delete", args=[period.pk]), follow=True)
    assert (
        "Perioden «Stiftelsen Dam 2027» og målene for den er slettet." in response.content.decode()
    )
    assert (ReportingPeriod.objects.count(), Target.objects.count()) == (0, 0)
    assert AuditEvent.objects.filter(action="reporting_period.delete").count() == 1
