"""Organisation management pages: who may use them, what they show, what they write."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.lib.text import MESSAGE
from ressursvenn.organisations.models import Cooperation, District, Municipality, Organisation
from ressursvenn.tests import factories

REFUSED = ("leader", "other_leader", "staff", "other_staff", "volunteer")
INVISIBLE = str(MESSAGE)


def _counts() -> tuple[int, int, int]:
    """Rows a refused or invalid request must never add to."""
    return (Organisation.objects.count(), Cooperation.objects.count(), AuditEvent.objects.count())


def _errors(response: Any) -> dict[str, list[str]]:
    return {field: list(messages) for field, messages in response.context["form"].errors.items()}


def _coop(world: World) -> Cooperation:
    return Cooperation.objects.get(branch=world.branch, crisis_centre=world.centre)


# --- list -------------------------------------------------------------------------------------


def test_list_shows_every_organisation_with_counts(world: World, as_user: Any) -> None:
    response = as_user(world.coordinator).get(reverse("organisations:list"))
    assert response.status_code == 200
    rows = {o.name: o for o in response.context["page"].object_list}
    assert sorted(rows) == sorted(Organisation.objects.values_list("name", flat=True))
    branch = rows["Oslo Sanitetsforening"]
    assert (branch.area_count, branch.cooperation_count) == (1, 1)
    national = rows["N.K.S. sentralt"]
    assert (national.area_count, national.cooperation_count) == (0, 0)
    assert "Oslo krisesenter" in response.content.decode()


def test_list_filters_by_kind_and_name(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    response = client.get(reverse("organisations:list"), {"type": "crisis_centre"})
    names = [o.name for o in response.context["page"].object_list]
    assert names == ["Narvik krisesenter", "Oslo krisesenter"]
    response = client.get(reverse("organisations:list"), {"type": "branch", "q": "narvik"})
    assert [o.name for o in response.context["page"].object_list] == ["Narvik Sanitetsforening"]


def test_list_with_unknown_kind_shows_a_message(world: World, as_user: Any) -> None:
    response = as_user(world.coordinator).get(reverse("organisations:list"), {"type": "x"})
    assert response.status_code == 200
    assert list(_errors(response)) == ["type"]


def test_list_is_paginated_by_50_and_keeps_the_filter(world: World, as_user: Any) -> None:
    for n in range(55):
        factories.OrganisationFactory(name=f"Testlag {n:02d}")
    client = as_user(world.coordinator)
    first = client.get(reverse("organisations:list"), {"q": "testlag"})
    assert len(first.context["page"].object_list) == 50
    assert "?q=testlag&amp;page=2" in first.content.decode()
    second = client.get(reverse("organisations:list"), {"q": "testlag", "page": 2})
    assert len(second.context["page"].object_list) == 5


def _list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("organisations:list")).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(
    db: Any, client: Any, django_assert_num_queries: Any
) -> None:
    from ressursvenn.conftest import login

    national = factories.national_office()
    login(client, factories.member(national, Role.NATIONAL_COORDINATOR))
    _list_queries(client)  # warm up the session
    assert Organisation.objects.count() == 1
    one = _list_queries(client)
    oslo = Municipality.objects.get(code="0301")
    for n in range(9):
        branch = factories.branch(f"Forening {n}", "1806")
        branch.districts.set(District.objects.all()[:2])
        centre = factories.crisis_centre(f"Senter {n}", "0301") if n % 2 else None
        if centre:
            factories.cooperation(branch, centre)
        branch.municipalities.add(oslo)
    assert Organisation.objects.count() > 10
    with django_assert_num_queries(one):
        client.get(reverse("organisations:list"))


# --- detail -----------------------------------------------------------------------------------


def test_detail_shows_areas_cooperations_and_staff_names(world: World, as_user: Any) -> None:
    response = as_user(world.coordinator).get(
        reverse("organisations:detail", args=[world.branch.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert [other.name for _, other in response.context["cooperations"]] == ["Oslo krisesenter"]
    assert [m.user.full_name for m in response.context["memberships"]] == ["Gro Leder"]
    staff_link = reverse("accounts:staff_detail", kwargs={"pk": world.leader.pk})
    assert f'href="{staff_link}"' in html
    assert world.leader.email not in html
    assert "Vera Venn" not in html  # volunteers are outside the coordinator's view
    assert reverse("organisations:cooperation_end", args=[_coop(world).pk]) in html


def test_detail_of_a_centre_shows_its_branches_and_staff(world: World, as_user: Any) -> None:
    response = as_user(world.coordinator).get(
        reverse("organisations:detail", args=[world.centre.pk])
    )
    assert [other.name for _, other in response.context["cooperations"]] == [
        "Oslo Sanitetsforening"
    ]
    assert [m.user.full_name for m in response.context["memberships"]] == ["Kari Senter"]


def test_detail_of_missing_organisation_is_404(world: World, as_user: Any) -> None:
    missing = Organisation.objects.order_by("-pk").first().pk + 1  # type: ignore[union-attr]
    response = as_user(world.coordinator).get(reverse("organisations:detail", args=[missing]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["list", "create"])
@pytest.mark.parametrize("principal", REFUSED)
def test_pages_without_id_are_refused(
    world: World, as_user: Any, name: str, principal: str
) -> None:
    client = as_user(getattr(world, principal))
    before = _counts()
    assert client.get(reverse(f"organisations:{name}")).status_code == 403
    data = {"kind": "branch", "name": "Ny forening", "municipalities": ["0301"]}
    assert client.post(reverse(f"organisations:{name}"), data).status_code == 403
    assert _counts() == before


@pytest.mark.parametrize("name", ["detail", "edit", "cooperation_add"])
@pytest.mark.parametrize("principal", ["leader", "staff", "volunteer"])
def test_pages_of_own_organisation_are_refused(
    world: World, as_user: Any, name: str, principal: str
) -> None:
    client = as_user(getattr(world, principal))
    url = reverse(f"organisations:{name}", args=[world.branch.pk])
    before = _counts()
    assert client.get(url).status_code == 403
    data: dict[str, Any] = {"name": "Endret", "municipalities": ["0301"], "is_active": "on"}
    data |= {"partner": world.other_centre.pk, "started_on": "2025-02-01"}
    assert client.post(url, data).status_code == 403
    assert _counts() == before
    assert Organisation.objects.get(pk=world.branch.pk).name == "Oslo Sanitetsforening"


# --- create -----------------------------------------------------------------------------------


def test_create_form_offers_every_municipality(world: World, as_user: Any) -> None:
    response = as_user(world.coordinator).get(reverse("organisations:create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["municipality"].queryset.count() == 357
    assert "is_active" not in form.fields
    assert 'name="districts"' in response.content.decode()


def test_create_branch_writes_it_and_one_audit_event(world: World, as_user: Any) -> None:
    data = {
        "kind": "branch",
        "name": "  Nordstrand Sanitetsforening ",
        "municipality": "0301",
        "districts": ["030112", "030113"],
        "email": "Post@Nordstrand.no",
    }
    events = AuditEvent.objects.count()
    response = as_user(world.coordinator).post(reverse("organisations:create"), data)
    organisation = Organisation.objects.get(name="Nordstrand Sanitetsforening")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:detail", args=[organisation.pk])
    assert (organisation.kind, organisation.municipality_id, organisation.email) == (
        "branch",
        "0301",
        "post@nordstrand.no",
    )
    assert sorted(organisation.districts.values_list("code", flat=True)) == ["030112", "030113"]
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.get(action="organisation.create")
    assert (event.actor, event.organisation, event.object_id) == (
        world.coordinator,
        organisation,
        str(organisation.pk),
    )
    assert event.changes["districts"] == [None, ["030112", "030113"]]


def test_create_normalises_the_name_to_nfc(world: World, as_user: Any) -> None:
    data = {
        "kind": "branch",
        "name": "Ha\u030akon Sanitetsforening",
        "municipality": "0301",
        "municipalities": ["0301"],
    }
    response = as_user(world.coordinator).post(reverse("organisations:create"), data)
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Håkon Sanitetsforening").count() == 1


def test_list_search_with_invisible_characters_shows_a_message(world: World, as_user: Any) -> None:
    response = as_user(world.coordinator).get(reverse("organisations:list"), {"q": "Oslo\u200b"})
    assert response.status_code == 200
    assert "usynlige tegn" in " ".join(response.context["form"].errors["q"])


def test_create_crisis_centre(world: World, as_user: Any) -> None:
    data = {"kind": "crisis_centre", "name": "Krisesenteret i Stavanger", "municipality": "1103"}
    response = as_user(world.coordinator).post(reverse("organisations:create"), data)
    assert response.status_code == 302
    centre = Organisation.objects.get(name="Krisesenteret i Stavanger")
    assert (centre.kind, centre.municipality_id, centre.is_active) == (
        "crisis_centre",
        "1103",
        True,
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {},
            {
                "kind": ["Velg hva slags organisasjon dette er."],
                "name": ["Skriv inn navnet."],
            },
        ),
        (
            {"kind": "branch", "name": "oslo SANITETSFORENING", "municipalities": ["0301"]},
            {"name": ["Det finnes allerede en organisasjon med dette navnet."]},
        ),
        (
            {"kind": "branch", "name": "Tom forening"},
            {"municipalities": ["En lokalforening må dekke minst én kommune eller bydel."]},
        ),
        (
            {"kind": "crisis_centre", "name": "Senter uten kommune"},
            {"municipality": ["Et krisesenter må ha en vertskommune."]},
        ),
        (
            {
                "kind": "branch",
                "name": "Bydel i Narvik",
                "municipality": "1806",
                "districts": ["030101"],
            },
            {
                "districts": [
                    "Bydeler finnes bare i Oslo. Velg Oslo som vertskommune, eller fjern bydelene."
                ]
            },
        ),
        (
            {"kind": "national", "name": "Et annet hovedkontor"},
            {"kind": ["Det finnes allerede et nasjonalt kontor. Det kan bare være ett."]},
        ),
        (
            {"kind": "branch", "name": "x" * 151, "municipalities": ["0301"]},
            {"name": ["Navnet kan være høyst 150 tegn (det har 151)."]},
        ),
        (
            {"kind": "branch", "name": "Oslo\u202eforening", "municipalities": ["0301"]},
            {"name": [INVISIBLE]},
        ),
        (
            {"kind": "branch", "name": "Oslo\u200b Sanitet", "municipalities": ["0301"]},
            {"name": [INVISIBLE]},
        ),
        (
            {"kind": "branch", "name": "Ny", "municipalities": ["9999"], "email": "ikke-e-post"},
            {
                "municipalities": ["Velg bare kommuner fra listen."],
                "email": ["Skriv inn en gyldig e-postadresse, som post@eksempel.no."],
            },
        ),
    ],
)
def test_create_with_bad_input_writes_nothing(
    world: World, as_user: Any, data: dict[str, Any], expected: dict[str, list[str]]
) -> None:
    before = _counts()
    response = as_user(world.coordinator).post(reverse("organisations:create"), data)
    assert response.status_code == 200
    assert _errors(response) == expected
    html = response.content.decode()
    for messages in expected.values():
        assert all(message.replace("'", "&#x27;") in html for message in messages)
    assert _counts() == before


# --- edit -------------------------------------------------------------------------------------


def _edit_data(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": organisation.name,
        "municipality": organisation.municipality_id or "",
        "municipalities": list(organisation.municipalities.values_list("pk", flat=True)),
        "districts": list(organisation.districts.values_list("pk", flat=True)),
        "email": organisation.email,
        "is_active": "on" if organisation.is_active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("", None)}


def test_edit_form_shows_current_values_and_no_kind(world: World, as_user: Any) -> None:
    response = as_user(world.coordinator).get(reverse("organisations:edit", args=[world.branch.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert "kind" not in form.fields
    assert (form["name"].value(), form["municipalities"].value(), form["is_active"].value()) == (
        "Oslo Sanitetsforening",
        ["0301"],
        True,
    )


def test_edit_renames_and_deactivates_with_one_audit_event(world: World, as_user: Any) -> None:
    data = _edit_data(
        world.branch, name="Oslo Sanitetsforening Sentrum", is_active="", kind="crisis_centre"
    )
    events = AuditEvent.objects.count()
    response = as_user(world.coordinator).post(
        reverse("organisations:edit", args=[world.branch.pk]), data
    )
    assert response.status_code == 302
    branch = Organisation.objects.get(pk=world.branch.pk)
    assert (branch.name, branch.is_active, branch.kind) == (
        "Oslo Sanitetsforening Sentrum",
        False,
        "branch",
    )
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.get(action="organisation.update")
    assert (event.actor, event.organisation) == (world.coordinator, branch)
    assert event.changes == {
        "name": ["Oslo Sanitetsforening", "Oslo Sanitetsforening Sentrum"],
        "is_active": [True, False],
    }


def test_edit_reactivates(world: World, as_user: Any) -> None:
    Organisation.objects.filter(pk=world.other_branch.pk).update(is_active=False)
    world.other_branch.refresh_from_db()
    data = _edit_data(world.other_branch, is_active="on")
    response = as_user(world.coordinator).post(
        reverse("organisations:edit", args=[world.other_branch.pk]), data
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=world.other_branch.pk).is_active is True
    assert AuditEvent.objects.get(action="organisation.update").changes == {
        "is_active": [False, True]
    }


def test_edit_covered_areas_are_audited_as_codes(world: World, as_user: Any) -> None:
    data = _edit_data(world.branch, municipalities=["0301", "3201"], districts=["030101"])
    response = as_user(world.coordinator).post(
        reverse("organisations:edit", args=[world.branch.pk]), data
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="organisation.update").changes == {
        "municipalities": [["0301"], ["0301", "3201"]],
        "districts": [[], ["030101"]],
    }


def test_edit_without_changes_writes_no_audit_event(world: World, as_user: Any) -> None:
    before = _counts()
    response = as_user(world.coordinator).post(
        reverse("organisations:edit", args=[world.branch.pk]), _edit_data(world.branch)
    )
    assert response.status_code == 302
    assert _counts() == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"name": "narvik sanitetsforening"},
            {"name": ["Det finnes allerede en organisasjon med dette navnet."]},
        ),
        ({"name": ""}, {"name": ["Skriv inn navnet."]}),
        (
            {"municipalities": [], "districts": []},
            {"municipalities": ["En lokalforening må dekke minst én kommune eller bydel."]},
        ),
        (
            {"municipality": "1806", "districts": ["030101"]},
            {
                "districts": [
                    "Bydeler finnes bare i Oslo. Velg Oslo som vertskommune, eller fjern bydelene."
                ]
            },
        ),
    ],
)
def test_edit_with_bad_input_writes_nothing(
    world: World, as_user: Any, changes: dict[str, Any], expected: dict[str, list[str]]
) -> None:
    before = _counts()
    url = reverse("organisations:edit", args=[world.branch.pk])
    response = as_user(world.coordinator).post(url, _edit_data(world.branch, **changes))
    assert response.status_code == 200
    assert _errors(response) == expected
    assert _counts() == before
    assert Organisation.objects.get(pk=world.branch.pk).name == "Oslo Sanitetsforening"


def test_edit_keeps_own_name_in_another_case(world: World, as_user: Any) -> None:
    url = reverse("organisations:edit", args=[world.branch.pk])
    response = as_user(world.coordinator).post(
        url, _edit_data(world.branch, name="OSLO Sanitetsforening")
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=world.branch.pk).name == "OSLO Sanitetsforening"


def test_national_office_cannot_be_deactivated(world: World, as_user: Any) -> None:
    before = _counts()
    url = reverse("organisations:edit", args=[world.national.pk])
    response = as_user(world.coordinator).post(url, _edit_data(world.national, is_active=""))
    assert response.status_code == 200
    assert _errors(response) == {"is_active": ["N.K.S. sentralt kan ikke deaktiveres."]}
    assert _counts() == before


def test_edit_missing_organisation_is_404(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    assert client.get(reverse("organisations:edit", args=[99999])).status_code == 404
    assert (
        client.post(reverse("organisations:edit", args=[99999]), {"name": "x"}).status_code == 404
    )


# --- cooperations -----------------------------------------------------------------------------


def test_cooperation_form_offers_only_free_active_partners(world: World, as_user: Any) -> None:
    inactive = factories.crisis_centre("Stengt senter", "1103")
    Organisation.objects.filter(pk=inactive.pk).update(is_active=False)
    response = as_user(world.coordinator).get(
        reverse("organisations:cooperation_add", args=[world.branch.pk])
    )
    assert response.status_code == 200
    assert list(response.context["form"].fields["partner"].queryset) == [world.other_centre]


def test_add_cooperation_from_a_branch(world: World, as_user: Any) -> None:
    events = AuditEvent.objects.count()
    url = reverse("organisations:cooperation_add", args=[world.other_branch.pk])
    today = timezone.localdate()
    response = as_user(world.coordinator).post(
        url, {"partner": world.centre.pk, "started_on": today.isoformat()}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:detail", args=[world.other_branch.pk])
    cooperation = Cooperation.objects.get(branch=world.other_branch, crisis_centre=world.centre)
    assert cooperation.started_on == today
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.get(action="cooperation.add")
    assert (event.actor, event.organisation, event.object_id) == (
        world.coordinator,
        world.other_branch,
        str(cooperation.pk),
    )
    assert event.changes == {
        "branch_id": [None, world.other_branch.pk],
        "crisis_centre_id": [None, world.centre.pk],
        "started_on": [None, today.isoformat()],
    }


def test_add_cooperation_from_a_centre(world: World, as_user: Any) -> None:
    url = reverse("organisations:cooperation_add", args=[world.centre.pk])
    response = as_user(world.coordinator).post(
        url, {"partner": world.other_branch.pk, "started_on": "2024-08-15"}
    )
    assert response.status_code == 302
    cooperation = Cooperation.objects.get(branch=world.other_branch, crisis_centre=world.centre)
    assert cooperation.started_on == datetime.date(2024, 8, 15)
    assert AuditEvent.objects.filter(action="cooperation.add").count() == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"partner": ["Velg krisesenteret."], "started_on": ["Skriv inn startdatoen."]}),
        (
            {"partner": "CENTRE", "started_on": "2025-03-01"},
            {"partner": ["Velg en av de aktive organisasjonene i listen uten avtale fra før."]},
        ),
        (
            {"partner": "OTHER_CENTRE", "started_on": "FAR"},
            {"started_on": ["Startdatoen kan ikke være mer enn ett år fram i tid."]},
        ),
        (
            {"partner": "OTHER_CENTRE", "started_on": "31.02.2025"},
            {"started_on": ["Skriv inn en gyldig dato, som 31.12.2025."]},
        ),
        (
            {"partner": "NATIONAL", "started_on": "2025-03-01"},
            {"partner": ["Velg en av de aktive organisasjonene i listen uten avtale fra før."]},
        ),
    ],
)
def test_add_cooperation_with_bad_input_writes_nothing(
    world: World, as_user: Any, data: dict[str, str], expected: dict[str, list[str]]
) -> None:
    far = timezone.localdate() + datetime.timedelta(days=400)
    ids = {
        "CENTRE": world.centre.pk,
        "OTHER_CENTRE": world.other_centre.pk,
        "NATIONAL": world.national.pk,
    }
    data = {k: str(ids.get(v, far.isoformat() if v == "FAR" else v)) for k, v in data.items()}
    before = _counts()
    url = reverse("organisations:cooperation_add", args=[world.branch.pk])
    response = as_user(world.coordinator).post(url, data)
    assert response.status_code == 200
    assert _errors(response) == expected
    assert _counts() == before


def test_add_cooperation_for_an_inactive_organisation_is_refused(
    world: World, as_user: Any
) -> None:
    Organisation.objects.filter(pk=world.other_branch.pk).update(is_active=False)
    before = _counts()
    url = reverse("organisations:cooperation_add", args=[world.other_branch.pk])
    response = as_user(world.coordinator).post(
        url, {"partner": world.centre.pk, "started_on": "2025-01-01"}
    )
    assert response.status_code == 200
    assert _errors(response) == {"__all__": ["Begge partene må være aktive."]}
    assert "Begge partene må være aktive." in response.content.decode()
    assert _counts() == before


def test_add_cooperation_for_national_or_missing_is_404(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    for pk in (world.national.pk, 99999):
        url = reverse("organisations:cooperation_add", args=[pk])
        assert client.get(url).status_code == 404
        assert (
            client.post(url, {"partner": world.centre.pk, "started_on": "2025-01-01"}).status_code
            == 404
        )


def test_end_cooperation(world: World, as_user: Any) -> None:
    cooperation = _coop(world)
    events = AuditEvent.objects.count()
    url = reverse("organisations:cooperation_end", args=[cooperation.pk])
    response = as_user(world.coordinator).post(url, {"from": world.centre.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:detail", args=[world.centre.pk])
    assert not Cooperation.objects.filter(pk=cooperation.pk).exists()
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.get(action="cooperation.end")
    assert (event.actor, event.organisation, event.object_id) == (
        world.coordinator,
        world.branch,
        str(cooperation.pk),
    )
    assert event.changes["started_on"] == ["2025-01-01", None]


def test_end_cooperation_goes_back_to_the_branch_by_default(world: World, as_user: Any) -> None:
    url = reverse("organisations:cooperation_end", args=[_coop(world).pk])
    response = as_user(world.coordinator).post(url)
    assert response["Location"] == reverse("organisations:detail", args=[world.branch.pk])


def test_end_cooperation_is_post_only_and_404_when_missing(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    before = _counts()
    assert (
        client.get(reverse("organisations:cooperation_end", args=[_coop(world).pk])).status_code
        == 405
    )
    assert client.post(reverse("organisations:cooperation_end", args=[99999])).status_code == 404
    assert _counts() == before


@pytest.mark.parametrize("principal", REFUSED)
def test_end_cooperation_is_refused(world: World, as_user: Any, principal: str) -> None:
    before = _counts()
    url = reverse("organisations:cooperation_end", args=[_coop(world).pk])
    assert as_user(getattr(world, principal)).post(url).status_code == 403
    assert _counts() == before


def test_national_office_form_has_no_area_fields(world: World, as_user: Any) -> None:
    url = reverse("organisations:edit", args=[world.national.pk])
    html = as_user(world.coordinator).get(url).content.decode()
    assert ('name="municipalities"' in html, 'name="districts"' in html) == (False, False)
    assert 'name="is_active"' in html
