"""Making, revoking and opening the woman's one-time link (surveys/actions/links.py)."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.models import Match
from ressursvenn.surveys.actions import links
from ressursvenn.surveys.models import Response, SurveyLink
from ressursvenn.surveys.tests.builders import at_midway, at_start, link_for

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _codes() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_staff_makes_a_link_that_stores_only_the_hash(world: Any) -> None:
    match = at_start(world)
    link, token = link_for(world, match)
    assert len(token) == 43
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(SurveyLink.objects.values()))
    assert link.expires_at - link.created_at == 14 * DAY
    assert link.time_point == "start"
    assert link.created_by == world.staff
    assert _codes() == ["survey_link.create"]
    event = AuditEvent.objects.get()
    assert token not in str(event.changes)
    assert event.changes["expires_at"][1] == link.expires_at.isoformat()


def test_a_new_link_revokes_the_older_one_and_its_draft(world: Any) -> None:
    match = at_start(world)
    first, token = link_for(world, match)
    links.open_link(token, device="d" * 43)
    assert Response.objects.filter(link=first).count() == 1
    second, _ = link_for(world, match)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None
    assert Response.objects.filter(link=first).count() == 0
    assert _codes() == ["survey_link.create", "survey_link.revoke", "survey_link.create"]


def test_the_volunteer_may_hand_over_unless_only_through_the_centre(world: Any) -> None:
    match = at_start(world)
    made, _ = links.make_link(match, by=world.volunteer, time_point="start", delivery="qr")
    assert made.created_by == world.volunteer
    via_centre = at_start(world, contact_channel="via_centre", contact_value="")
    with pytest.raises(PermissionDenied):
        links.make_link(via_centre, by=world.volunteer, time_point="start", delivery="qr")
    assert SurveyLink.objects.filter(match=via_centre).count() == 0


@pytest.mark.parametrize("who", ["leader", "other_staff", "other_volunteer", "coordinator"])
def test_others_may_not_make_a_link(world: Any, who: str) -> None:
    match = at_start(world)
    with pytest.raises(PermissionDenied):
        links.make_link(match, by=getattr(world, who), time_point="start", delivery="qr")
    assert SurveyLink.objects.count() == 0


def test_by_email_only_if_she_chose_email_and_the_mail_is_discreet(world: Any) -> None:
    phone = at_start(world)
    with pytest.raises(ValidationError) as refused:
        links.make_link(phone, by=world.staff, time_point="start", delivery="email")
    assert refused.value.message_dict == {"delivery": ["Velg en måte å gi henne lenken på."]}
    match = at_start(world, contact_channel="email", contact_value="amina@example.org")
    _link, token = links.make_link(match, by=world.staff, time_point="start", delivery="email")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@example.org"]
    assert message.subject == "Spørreskjema"
    assert links.link_url(token) in message.body
    for word in ("Amina", "krisesenter", "Ressursvenn", "Vera", "Oslo"):
        assert word not in message.body + message.subject
    assert _codes() == ["survey_link.create", "survey_link.email"]


def test_sms_text_only_if_she_chose_sms(world: Any) -> None:
    assert links.deliveries(at_start(world)) == ["qr"]
    assert links.deliveries(at_start(world, contact_channel="sms")) == ["qr", "sms"]
    assert links.deliveries(
        at_start(world, contact_channel="email", contact_value="a@example.org")
    ) == ["qr", "email"]


def test_no_link_while_paused_or_not_due(world: Any) -> None:
    paused = at_start(world, status=Match.Status.PAUSED)
    with pytest.raises(ValidationError) as refused:
        link_for(world, paused)
    assert refused.value.code == "stale"
    assert "pause" in refused.value.messages[0]
    midway = at_midway(world)
    with pytest.raises(ValidationError):
        link_for(world, midway, "start")  # the start window has passed
    with pytest.raises(ValidationError):
        link_for(world, midway, "closure")  # not ending yet
    with pytest.raises(ValidationError):
        link_for(world, midway, "whenever")
    assert SurveyLink.objects.count() == 0


def test_no_link_once_she_has_answered(world: Any) -> None:
    match = at_start(world)
    Response.objects.create(
        match=match, time_point="start", respondent="participant", submitted_at=timezone.now()
    )
    with pytest.raises(ValidationError) as refused:
        link_for(world, match)
    assert refused.value.messages == [
        "Hun har allerede svart på dette spørreskjemaet. Ingenting er endret."
    ]


def test_revoke(world: Any) -> None:
    match = at_start(world)
    link, _ = link_for(world, match)
    links.revoke_link(link, by=world.staff)
    link.refresh_from_db()
    assert link.revoked_at is not None
    with pytest.raises(ValidationError):
        links.revoke_link(link, by=world.staff)
    with pytest.raises(PermissionDenied):
        links.revoke_link(link, by=world.leader)


# --- opening -------------------------------------------------------------------------------------


def test_the_first_device_binds_the_link_and_may_come_back(world: Any) -> None:
    match = at_start(world)
    link, token = link_for(world, match)
    device = links.new_device_secret()
    opened = links.open_link(token, device=device)
    assert opened.pk == link.pk
    opened.refresh_from_db()
    assert opened.device_hash == hashlib.sha256(device.encode()).hexdigest()
    assert opened.opened_at is not None
    draft = Response.objects.get(link=link)
    assert (draft.respondent, draft.time_point, draft.step, draft.language) == (
        "participant",
        "start",
        0,
        "nb",
    )
    assert links.open_link(token, device=device).pk == link.pk
    assert Response.objects.filter(link=link).count() == 1
    assert links.device_link(device) == link


def test_another_device_is_refused_and_nothing_changes(world: Any) -> None:
    link, token = link_for(world, at_start(world))
    links.open_link(token, device="a" * 43)
    before = SurveyLink.objects.values().get(pk=link.pk)
    with pytest.raises(links.UnusableLinkError) as refused:
        links.open_link(token, device="b" * 43)
    assert refused.value.reason == links.IN_USE
    assert SurveyLink.objects.values().get(pk=link.pk) == before


@pytest.mark.parametrize(
    "bad", ["", "x", "forged-token-forged-token-forged-token-forge", "y" * 500]
)
def test_forged_or_truncated_tokens_are_unknown(world: Any, bad: str) -> None:
    _link, token = link_for(world, at_start(world))
    with pytest.raises(links.UnusableLinkError) as refused:
        links.open_link(bad or token[:-1], device="a" * 43)
    assert refused.value.reason == links.UNKNOWN
    assert Response.objects.count() == 0


def test_expired_used_and_revoked_links_are_gone(world: Any) -> None:
    match = at_start(world)
    link, token = link_for(world, match)
    SurveyLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - DAY)
    with pytest.raises(links.UnusableLinkError) as refused:
        links.open_link(token, device="a" * 43)
    assert refused.value.reason == links.GONE
    link, token = link_for(world, match)
    SurveyLink.objects.filter(pk=link.pk).update(submitted_at=timezone.now())
    with pytest.raises(links.UnusableLinkError):
        links.open_link(token, device="a" * 43)
    link, token = link_for(world, match)
    links.revoke_link(link, by=world.staff)
    with pytest.raises(links.UnusableLinkError):
        links.open_link(token, device="a" * 43)
    assert Response.objects.count() == 0


def test_a_paused_match_makes_the_link_unavailable(world: Any) -> None:
    match = at_start(world)
    _link, token = link_for(world, match)
    Match.objects.filter(pk=match.pk).update(status=Match.Status.PAUSED)
    with pytest.raises(links.UnusableLinkError) as refused:
        links.open_link(token, device="a" * 43)
    assert refused.value.reason == links.UNAVAILABLE
    assert Response.objects.count() == 0
