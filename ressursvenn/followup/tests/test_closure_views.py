"""Extension and closure pages, and the closure section of the match page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.followup.actions import closure as actions
from ressursvenn.followup.models import ClosingConversation, Closure, Extension
from ressursvenn.followup.tests.builders import active_match, other_branch_match
from ressursvenn.matching.actions.meetings import add_months
from ressursvenn.matching.models import Match

DAY = datetime.timedelta(days=1)
NOTE = "Hemmelig notat om Amina"
REASON = "Forlenget fordi Amina flytter"


def _today() -> datetime.date:
    return timezone.localdate()


def _detail(match: Match) -> str:
    return reverse("matching:match_detail", args=[match.pk])


def _record_both(match: Match, leader: Any) -> None:
    for party in ("volunteer", "woman"):
        actions.record_closing_conversation(
            match, by=leader, party=party, held_on=_today(), mode="video", notes=NOTE
        )


def _closed_match(world: Any) -> Match:
    match = active_match(world)
    actions.extend_match(
        match, by=world.leader, new_end_on=match.planned_end_on + DAY, reason=REASON
    )
    _record_both(match, world.leader)
    actions.close_match(
        match,
        by=world.leader,
        reason=Closure.Reason.WOMAN_MOVED,
        ended_on=_today(),
        keep_in_touch=Closure.KeepInTouch.YES,
        volunteer_next=Closure.VolunteerNext.AVAILABLE,
        note="Avslutningsmerknad om Amina",
    )
    match.refresh_from_db()
    return match


def _close_data(**overrides: Any) -> dict[str, Any]:
    return {
        "close-reason": "completed",
        "close-ended_on": _today().isoformat(),
        "close-keep_in_touch": "no",
        "close-volunteer_next": "available",
        "close-note": "",
        **overrides,
    }


# --- extend -------------------------------------------------------------------------------------


def test_leader_extends(world: Any, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.leader)
    url = reverse("followup:extend", args=[match.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Forleng koblingen" in page.content.decode()
    new_end = match.planned_end_on + datetime.timedelta(days=30)
    response = client.post(url, {"new_end_on": new_end.isoformat(), "reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == _detail(match)
    match.refresh_from_db()
    assert match.planned_end_on == new_end
    assert Extension.objects.get().reason == REASON


def test_extension_past_the_maximum_is_explained_next_to_the_field(
    world: Any, as_user: Any
) -> None:
    match = active_match(world)
    old_end = match.planned_end_on
    limit = add_months(match.started_on, settings.MATCH_EXTENDED_MAX_MONTHS)
    response = as_user(world.leader).post(
        reverse("followup:extend", args=[match.pk]),
        {"new_end_on": (limit + DAY).isoformat(), "reason": REASON},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["new_end_on"]
    assert actions.day_text(limit) in errors["new_end_on"][0]
    match.refresh_from_db()
    assert match.planned_end_on == old_end
    assert Extension.objects.count() == 0


def test_extension_not_later_than_the_current_end(world: Any, as_user: Any) -> None:
    match = active_match(world)
    response = as_user(world.leader).post(
        reverse("followup:extend", args=[match.pk]),
        {"new_end_on": match.planned_end_on.isoformat(), "reason": REASON},
    )
    assert response.status_code == 200
    assert "etter dagens planlagte slutt" in response.context["form"].errors["new_end_on"][0]
    assert Extension.objects.count() == 0


def test_extend_of_a_closed_match_goes_back_with_a_message(world: Any, as_user: Any) -> None:
    match = _closed_match(world)
    end = match.planned_end_on
    client = as_user(world.leader)
    response = client.post(
        reverse("followup:extend", args=[match.pk]),
        {"new_end_on": (end + DAY).isoformat(), "reason": REASON},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Koblingen er avsluttet og kan ikke endres." in page.content.decode()
    match.refresh_from_db()
    assert match.planned_end_on == end
    assert Extension.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"), [("staff", 403), ("volunteer", 403), ("other_leader", 404)]
)
@pytest.mark.parametrize("name", ["followup:extend", "followup:close"])
def test_others_may_not_extend_or_close(
    world: Any, as_user: Any, who: str, status: int, name: str
) -> None:
    match = active_match(world)
    actions.extend_match(
        match, by=world.leader, new_end_on=match.planned_end_on + DAY, reason=REASON
    )
    client = as_user(getattr(world, who))
    url = reverse(name, args=[match.pk])
    page = client.get(url)
    assert page.status_code == status
    assert REASON not in page.content.decode()
    assert client.post(url, _close_data()).status_code == status
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert Closure.objects.count() == 0


def test_other_volunteer_gets_404(world: Any, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.other_volunteer)
    assert client.get(reverse("followup:close", args=[match.pk])).status_code == 404
    assert client.get(reverse("followup:extend", args=[match.pk])).status_code == 404


def test_leader_of_the_other_branch_is_refused_on_her_own_pages(world: Any, as_user: Any) -> None:
    match = other_branch_match(world)
    client = as_user(world.leader)
    assert client.get(reverse("followup:close", args=[match.pk])).status_code == 404


# --- close page ---------------------------------------------------------------------------------


def test_leader_records_the_conversations_then_closes(world: Any, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.leader)
    close_url = reverse("followup:close", args=[match.pk])
    page = client.get(close_url).content.decode()
    assert "Avslutningssamtale med ressursvennen" in page
    assert "Registrer begge avslutningssamtalene" in page
    assert 'name="close-reason"' not in page
    assert "Amina" not in page  # no names on this page

    for party in ("volunteer", "woman"):
        response = client.post(
            reverse("followup:closing_conversation", args=[match.pk, party]),
            {
                f"{party}-held_on": _today().isoformat(),
                f"{party}-mode": "phone",
                f"{party}-notes": NOTE,
            },
        )
        assert response.status_code == 302
        assert response["Location"] == close_url
    match.refresh_from_db()
    assert match.status == Match.Status.ENDING
    page = client.get(close_url).content.decode()
    assert 'name="close-reason"' in page

    response = client.post(close_url, _close_data(**{"close-note": "Takk"}))
    assert response.status_code == 302
    assert response["Location"] == _detail(match)
    match.refresh_from_db()
    assert match.status == Match.Status.CLOSED
    assert Closure.objects.get().note == "Takk"


def test_conversation_in_the_future_is_refused_next_to_the_field(world: Any, as_user: Any) -> None:
    match = active_match(world)
    response = as_user(world.leader).post(
        reverse("followup:closing_conversation", args=[match.pk, "woman"]),
        {"woman-held_on": (_today() + DAY).isoformat(), "woman-mode": "phone"},
    )
    assert response.status_code == 200
    assert "Datoen kan ikke være fram i tid." in response.content.decode()
    assert ClosingConversation.objects.count() == 0
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE


def test_unknown_party_goes_back(world: Any, as_user: Any) -> None:
    match = active_match(world)
    response = as_user(world.leader).post(
        reverse("followup:closing_conversation", args=[match.pk, "someone"]), {}
    )
    assert response.status_code == 302
    assert ClosingConversation.objects.count() == 0


def test_close_without_conversations_says_so(world: Any, as_user: Any) -> None:
    match = active_match(world)
    response = as_user(world.leader).post(reverse("followup:close", args=[match.pk]), _close_data())
    assert response.status_code == 200
    assert "både ressursvennen og kvinnen" in response.content.decode()
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert Closure.objects.count() == 0


def test_close_with_a_date_before_the_start(world: Any, as_user: Any) -> None:
    match = active_match(world)
    _record_both(match, world.leader)
    before = match.started_on - DAY
    response = as_user(world.leader).post(
        reverse("followup:close", args=[match.pk]),
        _close_data(**{"close-ended_on": before.isoformat()}),
    )
    assert response.status_code == 200
    assert "før koblingen startet" in response.context["form"].errors["ended_on"][0]
    assert Closure.objects.count() == 0


def test_closing_twice_goes_back_with_a_message(world: Any, as_user: Any) -> None:
    match = _closed_match(world)
    client = as_user(world.leader)
    response = client.post(reverse("followup:close", args=[match.pk]), _close_data())
    assert response.status_code == 302
    assert response["Location"] == _detail(match)
    page = client.get(response["Location"]).content.decode()
    assert "Koblingen er avsluttet og kan ikke endres." in page
    assert Closure.objects.get().reason == Closure.Reason.WOMAN_MOVED


def test_close_page_of_a_proposed_match_goes_back(world: Any, as_user: Any) -> None:
    match = active_match(world, status="proposed")
    response = as_user(world.leader).get(reverse("followup:close", args=[match.pk]))
    assert response.status_code == 302


# --- the match page's section ---------------------------------------------------------------------


def test_leader_sees_links_and_the_end_notice(world: Any, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.leader)
    page = client.get(_detail(match)).content.decode()
    assert reverse("followup:close", args=[match.pk]) in page
    assert reverse("followup:extend", args=[match.pk]) in page
    assert "Koblingen nærmer seg planlagt slutt" not in page
    Match.objects.filter(pk=match.pk).update(
        planned_end_on=_today() + datetime.timedelta(days=settings.MATCH_END_NOTICE_DAYS)
    )
    page = client.get(_detail(match)).content.decode()
    assert "Koblingen nærmer seg planlagt slutt" in page


def test_volunteer_sees_the_end_notice_but_no_links(world: Any, as_user: Any) -> None:
    match = active_match(world)
    Match.objects.filter(pk=match.pk).update(planned_end_on=_today() + 5 * DAY)
    page = as_user(world.volunteer).get(_detail(match)).content.decode()
    assert "Koblingen nærmer seg planlagt slutt" in page
    assert reverse("followup:close", args=[match.pk]) not in page
    assert reverse("followup:extend", args=[match.pk]) not in page


def test_closed_summary_for_the_leader(world: Any, as_user: Any) -> None:
    match = _closed_match(world)
    page = as_user(world.leader).get(_detail(match)).content.decode()
    assert "Kvinnen flyttet" in page
    assert "Ja, de har avtalt å holde kontakten" in page
    assert NOTE in page
    assert "Avslutningsmerknad om Amina" in page
    assert "Koblingen er avsluttet og kan ikke endres." in page
    assert reverse("followup:close", args=[match.pk]) not in page
    assert reverse("followup:extend", args=[match.pk]) not in page


def test_closed_summary_for_the_centre_shows_reason_and_date_only(world: Any, as_user: Any) -> None:
    match = _closed_match(world)
    page = as_user(world.staff).get(_detail(match)).content.decode()
    assert "Kvinnen flyttet" in page
    assert 'data-field="closure_ended_on"' in page
    assert NOTE not in page
    assert "Avslutningsmerknad" not in page
    assert REASON not in page
    assert "holde kontakten" not in page


def test_closed_summary_for_the_volunteer_shows_the_date_only(world: Any, as_user: Any) -> None:
    match = _closed_match(world)
    page = as_user(world.volunteer).get(_detail(match)).content.decode()
    assert 'data-field="closure_ended"' in page
    assert "Kvinnen flyttet" not in page
    assert NOTE not in page
    assert "Avslutningsmerknad" not in page
    assert REASON not in page


def _section_queries(client: Any, match: Match) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_detail(match)).status_code == 200
    return len(queries)


@pytest.mark.parametrize("ending", [False, True])
def test_section_queries_do_not_grow_with_extensions(
    world: Any, as_user: Any, ending: bool
) -> None:
    match = active_match(world)
    client = as_user(world.leader)
    end = match.planned_end_on
    actions.extend_match(match, by=world.leader, new_end_on=end + DAY, reason=REASON)
    if ending:
        _record_both(match, world.leader)
    client.get(_detail(match))  # warm caches (session, permissions)
    one = _section_queries(client, match)
    for days in (2, 3, 4):
        actions.extend_match(match, by=world.leader, new_end_on=end + days * DAY, reason=REASON)
    assert _section_queries(client, match) == one
