"""Pause and resume pages, and the pause section of the match page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.followup.actions import pauses as actions
from ressursvenn.followup.models import Pause
from ressursvenn.followup.tests.access_pauses import paused_match
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.models import Match

REASON = "Eksen til Amina har funnet ut hvor hun bor"
DAY = datetime.timedelta(days=1)


def _pause(match: Match) -> str:
    return reverse("followup:pause", args=[match.pk])


def _resume(match: Match) -> str:
    return reverse("followup:resume", args=[match.pk])


def _page(match: Match) -> str:
    return reverse("matching:match_detail", args=[match.pk])


def _text(response: Any) -> str:
    return str(response.content.decode())


@pytest.mark.parametrize("who", ["leader", "staff"])
def test_leader_and_centre_pause(world: Any, as_user: Any, who: str) -> None:
    match = active_match(world)
    client = as_user(getattr(world, who))
    assert client.get(_pause(match)).status_code == 200
    response = client.post(_pause(match), {"reason": REASON}, follow=True)
    assert response.redirect_chain[-1][0] == _page(match)
    assert "Koblingen er satt på pause." in _text(response)
    match.refresh_from_db()
    assert match.status == Match.Status.PAUSED
    assert Pause.objects.get().reason == REASON


def test_pause_without_reason_shows_the_message_and_changes_nothing(
    world: Any, as_user: Any
) -> None:
    match = active_match(world)
    response = as_user(world.leader).post(_pause(match), {"reason": " "})
    assert response.status_code == 200
    assert "Skriv hvorfor koblingen settes på pause." in _text(response)
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert Pause.objects.count() == 0


def test_volunteer_may_not_pause(world: Any, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.volunteer)
    assert client.get(_pause(match)).status_code == 403
    assert client.post(_pause(match), {"reason": REASON}).status_code == 403
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE


@pytest.mark.parametrize("who", ["other_leader", "other_staff", "other_volunteer", "coordinator"])
def test_outsiders_get_404(world: Any, as_user: Any, who: str) -> None:
    match = paused_match(world)
    client = as_user(getattr(world, who))
    assert client.post(_pause(match), {"reason": REASON}).status_code == 404
    response = client.get(_resume(match))
    assert response.status_code == 404
    assert "Amina" not in _text(response)
    assert Pause.objects.get().leader_confirmed_at is None


def test_pausing_a_paused_or_closed_match_is_refused(world: Any, as_user: Any) -> None:
    paused = paused_match(world)
    client = as_user(world.leader)
    response = client.post(_pause(paused), {"reason": REASON}, follow=True)
    assert "Koblingen er allerede satt på pause." in _text(response)
    assert Pause.objects.count() == 1
    closed = active_match(world, status="closed")
    response = client.post(_pause(closed), {"reason": REASON}, follow=True)
    assert "Bare en kobling som er i gang kan settes på pause." in _text(response)
    assert Pause.objects.count() == 1


def test_the_volunteer_sees_only_that_it_is_paused(world: Any, as_user: Any) -> None:
    match = paused_match(world)
    html = _text(as_user(world.volunteer).get(_page(match)))
    assert "Koblingen er satt på pause." in html
    assert REASON not in html
    assert "Ny trussel" not in html
    assert _resume(match) not in html
    assert 'data-field="woman-contact_value"' not in html


def test_leader_sees_reason_confirmations_and_the_button(
    world: Any, as_user: Any, client: Any
) -> None:
    match = paused_match(world)
    html = _text(as_user(world.leader).get(_page(match)))
    assert "Ny trussel mot Amina" in html
    assert "Gruppelederen har ikke bekreftet ennå." in html
    assert "Krisesenteret har ikke bekreftet ennå." in html
    assert _resume(match) in html
    actions.confirm_resume(match, by=world.leader)
    html = _text(client.get(_page(match)))
    assert "Gruppelederen har bekreftet (Gro Leder" in html
    assert _resume(match) not in html  # her side has confirmed
    client.logout()
    html = _text(as_user(world.staff).get(_page(match)))
    assert _resume(match) in html


def test_an_active_match_offers_the_pause_link_to_leader_and_centre(
    world: Any, as_user: Any, client: Any
) -> None:
    match = active_match(world)
    assert _pause(match) in _text(as_user(world.leader).get(_page(match)))
    client.logout()
    assert _pause(match) in _text(as_user(world.staff).get(_page(match)))
    client.logout()
    assert _pause(match) not in _text(as_user(world.volunteer).get(_page(match)))


def test_two_step_resume_through_the_pages(world: Any, as_user: Any, client: Any) -> None:
    match = paused_match(world, days_ago=7)
    end = match.planned_end_on
    assert end is not None
    pause = Pause.objects.get()
    staff = as_user(world.staff)
    html = _text(staff.get(_resume(match)))
    assert 'name="move_end"' not in html  # the leader chooses when hers resumes it
    response = staff.post(_resume(match), {"pause": pause.pk}, follow=True)
    assert "Koblingen gjenopptas når gruppelederen også har bekreftet." in _text(response)
    match.refresh_from_db()
    assert match.status == Match.Status.PAUSED
    # The same side again: a clear message, nothing changed.
    response = staff.post(_resume(match), {"pause": pause.pk}, follow=True)
    assert "Krisesenteret har allerede bekreftet." in _text(response)
    assert AuditEvent.objects.filter(action=AuditAction.MATCH_RESUME_CONFIRM).count() == 1

    client.logout()
    leader = as_user(world.leader)
    html = _text(leader.get(_resume(match)))
    assert 'name="move_end"' in html
    assert "checked" in html.split('name="move_end"')[1].split(">")[0]
    response = leader.post(_resume(match), {"pause": pause.pk, "move_end": "on"}, follow=True)
    assert "Koblingen er gjenopptatt." in _text(response)
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert match.planned_end_on == end + 7 * DAY
    # Confirming again once resumed: a message, nothing changed.
    response = leader.post(_resume(match), {"pause": pause.pk}, follow=True)
    assert "Koblingen er ikke satt på pause lenger." in _text(response)
    assert AuditEvent.objects.filter(action=AuditAction.MATCH_RESUME).count() == 1


def test_leader_resumes_without_moving_the_end(world: Any, as_user: Any) -> None:
    match = paused_match(world, days_ago=7)
    end = match.planned_end_on
    actions.confirm_resume(match, by=world.staff)
    pause = Pause.objects.get()
    as_user(world.leader).post(_resume(match), {"pause": pause.pk})
    match.refresh_from_db()
    assert (match.status, match.planned_end_on) == (Match.Status.ACTIVE, end)


def test_a_stale_resume_form_is_refused(world: Any, as_user: Any) -> None:
    match = paused_match(world)
    response = as_user(world.leader).post(_resume(match), {"pause": 999999}, follow=True)
    assert "Skjemaet er utdatert." in _text(response)
    assert Pause.objects.get().leader_confirmed_at is None


def test_volunteer_may_not_confirm(world: Any, as_user: Any) -> None:
    match = paused_match(world)
    pause = Pause.objects.get()
    assert as_user(world.volunteer).post(_resume(match), {"pause": pause.pk}).status_code == 403
    pause.refresh_from_db()
    assert pause.leader_confirmed_at is None


def test_earlier_pauses_show_their_days(world: Any, as_user: Any) -> None:
    match = active_match(world)
    today = timezone.localdate()
    Pause.objects.create(
        match=match,
        reason="tidligere",
        started_on=today - 30 * DAY,
        ended_on=today - 26 * DAY,
        paused_by=world.leader,
    )
    html = _text(as_user(world.leader).get(_page(match)))
    assert "Koblingen har vært på pause i 4 dager til sammen." in html


def test_section_queries_are_constant(world: Any, as_user: Any) -> None:
    match = paused_match(world)
    client = as_user(world.leader)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(_page(match))
        return len(queries)

    one = count()
    today = timezone.localdate()
    for index in range(3):
        Pause.objects.create(
            match=match,
            reason="før",
            started_on=today - (40 + index * 5) * DAY,
            ended_on=today - (38 + index * 5) * DAY,
            paused_by=world.leader,
        )
    assert count() == one


def test_resume_page_after_her_side_confirmed_says_who_we_wait_for(
    world: Any, as_user: Any
) -> None:
    match = paused_match(world)
    actions.confirm_resume(match, by=world.leader)
    html = _text(as_user(world.leader).get(_resume(match)))
    assert "Gruppelederen har bekreftet. Nå venter vi på krisesenteret." in html
    assert 'name="pause"' not in html
