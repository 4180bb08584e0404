"""The access-log review page and its export: the coordinator only, the period's bad input,
a constant number of queries, the file's content and its audit event."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.conftest import World
from ressursvenn.lib.audit import record_access
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.reports.audit import OSLO
from ressursvenn.tests import factories
from ressursvenn.tests.factories import UserFactory

URL = reverse("reports:access_review")
MARCH = {"date_from": "2025-03-01", "date_to": "2025-03-31"}
OTHERS = ["leader", "other_leader", "staff", "other_staff", "volunteer"]


def _export_url(fmt: str) -> str:
    return reverse("reports:access_log_export", args=[fmt])


def _view(user: Any, record: Any, at: datetime.datetime, **kwargs: Any) -> AccessEvent:
    event = record_access(record, user=user, **kwargs)
    AccessEvent.objects.filter(pk=event.pk).update(at=at)
    return event


def _views(world: World, count: int) -> list[Any]:
    """`count` users (each with her own record) who viewed at night, outside their branch."""
    rows = []
    for n in range(count):
        user = factories.member(world.branch, Role.GROUP_LEADER, full_name=f"Leder {n}")
        woman = factories.referral(world.centre, world.branch)
        at = datetime.datetime(2025, 3, 5 + n % 20, 23, 30, tzinfo=OSLO)
        rows.append(_view(user, woman, at, role=Role.GROUP_LEADER, organisation=world.other_branch))
        _view(user, woman, at.replace(hour=12), role=Role.GROUP_LEADER, organisation=world.branch)
    Membership.objects.update(created_at=datetime.datetime(2024, 1, 1, tzinfo=OSLO))
    return rows


def _exports() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (event.object_type, event.object_id, event.changes)
        for event in AuditEvent.objects.filter(action=AuditAction.ACCESS_LOG_EXPORT)
    ]


# --- the page ---------------------------------------------------------------------------------


def test_coordinator_sees_the_findings(world: World, as_user: Any) -> None:
    _views(world, 2)
    response = as_user(world.coordinator).get(URL, MARCH)
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.total, result.night_total, result.outside_total) == (4, 2, 2)
    assert [row.name for row in result.many] == ["Leder 0", "Leder 1"]
    assert [row.name for row in result.night] == ["Leder 0", "Leder 1"]
    assert [(row.name, row.organisation) for row in result.outside] == [
        ("Leder 0", world.other_branch.name),
        ("Leder 1", world.other_branch.name),
    ]
    body = response.content.decode()
    assert "Gjennomgang av tilgangsloggen" in body
    assert "01.03.2025–31.03.2025: 4 innsyn i alt." in body
    assert "<svg" in body
    assert f"{_export_url('csv')}?date_from=2025-03-01&amp;date_to=2025-03-31" in body
    assert "/rapporter/revisjon/?logg=innsyn&amp;email=" in body


def test_default_period_is_the_last_30_days(world: World, as_user: Any) -> None:
    woman = factories.referral(world.centre, world.branch)
    _view(world.leader, woman, timezone.now(), role=Role.GROUP_LEADER, organisation=world.branch)
    _view(
        world.leader,
        woman,
        timezone.now() - datetime.timedelta(days=31),
        role=Role.GROUP_LEADER,
        organisation=world.branch,
    )
    response = as_user(world.coordinator).get(URL)
    assert response.status_code == 200
    result = response.context["result"]
    today = timezone.localdate()
    assert (result.period.starts_on, result.period.ends_on) == (
        today - datetime.timedelta(days=29),
        today,
    )
    assert result.total == 1
    form = response.context["form"]
    assert (form["date_from"].value(), form["date_to"].value()) == (
        today - datetime.timedelta(days=29),
        today,
    )


def test_one_date_alone_gives_30_days(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    period = client.get(URL, {"date_from": "2025-03-01"}).context["result"].period
    assert (period.starts_on, period.ends_on) == (
        datetime.date(2025, 3, 1),
        datetime.date(2025, 3, 30),
    )
    period = client.get(URL, {"date_to": "2025-03-30"}).context["result"].period
    assert (period.starts_on, period.ends_on) == (
        datetime.date(2025, 3, 1),
        datetime.date(2025, 3, 30),
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"date_from": "2025-03-31", "date_to": "2025-03-01"},
            "Til-datoen kan ikke være før fra-datoen.",
        ),
        ({"date_from": "31.02.2025"}, "Skriv datoen som dd.mm.åååå."),
        ({"date_from": "1899-01-01"}, "Velg en dato mellom 01.01.2000 og 31.12.2100."),
    ],
)
def test_bad_period_is_a_clear_message(
    world: World, as_user: Any, params: dict[str, str], message: str
) -> None:
    client = as_user(world.coordinator)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["result"] is None
    response = client.get(_export_url("csv"), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _exports() == []


def test_looking_is_not_a_view_of_anyones_record(world: World, as_user: Any) -> None:
    _views(world, 1)
    before = AccessEvent.objects.count(), AuditEvent.objects.count()
    as_user(world.coordinator).get(URL, MARCH)
    assert (AccessEvent.objects.count(), AuditEvent.objects.count()) == before


def test_queries_do_not_grow_with_the_log(
    world: World, as_user: Any, django_assert_num_queries: Any
) -> None:
    client = as_user(world.coordinator)
    _views(world, 1)
    client.get(URL, MARCH)  # the session and the user are cached as on every later page
    with django_assert_num_queries(QUERIES):
        assert client.get(URL, MARCH).status_code == 200
    _views(world, 12)
    with django_assert_num_queries(QUERIES):
        response = client.get(URL, MARCH)
    assert response.context["result"].total == 26


# Session, user, her authenticator, her roles (the permission), the membership she acts in (the
# header), and the six queries of the review (reports/access_review.py `review`).
QUERIES = 11


@pytest.mark.parametrize("persona", OTHERS)
def test_everyone_else_is_refused(world: World, as_user: Any, persona: str) -> None:
    _views(world, 1)
    client = as_user(getattr(world, persona))
    assert client.get(URL, MARCH).status_code == 403
    for fmt in ("csv", "xlsx"):
        response = client.get(_export_url(fmt), MARCH)
        assert response.status_code == 403
        assert b"Leder 0" not in response.content
    assert _exports() == []


# --- the export -------------------------------------------------------------------------------


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_of_the_period(world: World, as_user: Any) -> None:
    woman = factories.referral(world.centre, world.branch)
    trick: Any = UserFactory(full_name='=HYPERLINK("http://x")')
    _view(
        trick,
        woman,
        datetime.datetime(2025, 3, 2, 8, 0, tzinfo=OSLO),
        role=Role.GROUP_LEADER,
        organisation=world.branch,
    )
    _view(
        world.staff,
        woman,
        datetime.datetime(2025, 3, 3, 23, 45, tzinfo=OSLO),
        role=Role.CRISIS_STAFF,
        organisation=world.centre,
    )
    _view(
        world.staff,
        woman,
        datetime.datetime(2025, 4, 3, 9, 0, tzinfo=OSLO),
        role=Role.CRISIS_STAFF,
        organisation=world.centre,
    )  # after the period
    response = as_user(world.coordinator).get(_export_url("csv"), MARCH)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="tilgangslogg-2025-03-01-2025-03-31.csv"'
    )
    assert _csv_rows(response.content) == [
        ["Tidspunkt", "Bruker", "Rolle", "Organisasjon", "Type oppføring", "Oppføringens nummer"],
        ["02.03.2025 08:00:00", "'=HYPERLINK(\"http://x\")", "Gruppeleder", world.branch.name,
         "henvisning", str(woman.pk)],
        ["03.03.2025 23:45:00", world.staff.full_name, "Krisesenteransatt", world.centre.name,
         "henvisning", str(woman.pk)],
    ]  # fmt: skip
    assert _exports() == [
        (
            "reports.access_log",
            "csv",
            {"format": "csv", "starts_on": "2025-03-01", "ends_on": "2025-03-31"},
        )
    ]
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_LOG_EXPORT)
    assert event.actor_id == world.coordinator.pk


def test_xlsx_export_holds_the_same_rows_as_text(world: World, as_user: Any) -> None:
    from openpyxl import load_workbook

    woman = factories.referral(world.centre, world.branch)
    trick: Any = UserFactory(full_name="+47 kalkulator")
    _view(
        trick,
        woman,
        datetime.datetime(2025, 3, 2, 8, 0, tzinfo=OSLO),
        role=Role.GROUP_LEADER,
        organisation=world.branch,
    )
    response = as_user(world.coordinator).get(_export_url("xlsx"), MARCH)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="tilgangslogg-2025-03-01-2025-03-31.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [
        ["Tidspunkt", "Bruker", "Rolle", "Organisasjon", "Type oppføring", "Oppføringens nummer"],
        ["02.03.2025 08:00:00", "'+47 kalkulator", "Gruppeleder", world.branch.name, "henvisning",
         str(woman.pk)],
    ]  # fmt: skip
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row)
    assert [changes["format"] for _type, _id, changes in _exports()] == ["xlsx"]


def test_an_empty_period_is_a_file_with_its_header(world: World, as_user: Any) -> None:
    response = as_user(world.coordinator).get(_export_url("csv"), MARCH)
    assert _csv_rows(response.content) == [
        ["Tidspunkt", "Bruker", "Rolle", "Organisasjon", "Type oppføring", "Oppføringens nummer"]
    ]


def test_unknown_format_and_other_methods(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    assert client.get(_export_url("pdf"), MARCH).status_code == 404
    assert client.post(_export_url("csv"), MARCH).status_code == 405
    assert client.post(URL, MARCH).status_code == 405
    assert _exports() == []
