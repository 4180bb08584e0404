"""Invitation links and password reset: one-time, expiring, never revealing an address."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ressursvenn.accounts import actions
from ressursvenn.accounts.models import Invitation, Role, User
from ressursvenn.conftest import World

NEW_PASSWORD = "et-langt-og-godt-passord"


def _invite(world: World) -> tuple[User, str]:
    user = actions.invite_staff(
        by=world.coordinator,
        email="ny.leder@example.no",
        full_name="Ny Leder",
        organisation=world.branch,
        role=Role.GROUP_LEADER,
    )
    match = re.search(r"/invitasjon/([^/]+)/", mail.outbox[-1].body)
    assert match is not None
    return user, match.group(1)


def _accept(client: Client, token: str, password: str = NEW_PASSWORD) -> Any:
    url = reverse("accounts:accept_invitation", args=[token])
    return client.post(url, {"new_password1": password, "new_password2": password})


def test_invitation_sets_the_password_once(client: Client, world: World) -> None:
    user, token = _invite(world)
    assert not user.has_usable_password()
    response = _accept(client, token)
    assert response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    again = _accept(Client(), token, "enda-et-nytt-passord-her")
    assert again.status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_invitation_email_is_discreet(world: World) -> None:
    _invite(world)
    message = mail.outbox[-1]
    assert message.subject == "Invitasjon til Ressursvenn"
    assert "Ny Leder" not in message.body
    assert world.branch.name not in message.body


def test_only_a_hash_of_the_token_is_stored(world: World) -> None:
    _, token = _invite(world)
    assert Invitation.objects.filter(token_hash=token).count() == 0
    assert Invitation.objects.filter(token_hash=actions.hash_token(token)).count() == 1


def test_expired_invitation_is_refused(client: Client, world: World) -> None:
    user, token = _invite(world)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("accounts:accept_invitation", args=[token]))
    assert response.status_code == 410
    assert "Lenken virker ikke lenger" in response.content.decode()
    assert _accept(client, token).status_code == 410
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_resending_makes_the_old_link_useless(client: Client, world: World) -> None:
    user, old = _invite(world)
    actions.resend_invitation(user, by=world.coordinator)
    new = re.search(r"/invitasjon/([^/]+)/", mail.outbox[-1].body)
    assert new is not None
    assert _accept(client, old).status_code == 410
    assert _accept(client, new.group(1)).status_code == 302


def test_weak_or_mismatched_password_is_refused(client: Client, world: World) -> None:
    user, token = _invite(world)
    url = reverse("accounts:accept_invitation", args=[token])
    weak = client.post(url, {"new_password1": "123456789012", "new_password2": "123456789012"})
    assert weak.status_code == 200
    assert "new_password1" in weak.context["form"].errors
    mismatch = client.post(
        url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert mismatch.context["form"].errors == {"new_password2": ["Passordene er ikke like."]}
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_deactivated_user_cannot_use_the_invitation(client: Client, world: World) -> None:
    user, token = _invite(world)
    actions.set_user_active(user, by=world.coordinator, active=False)
    assert _accept(client, token).status_code == 410


def test_password_reset_does_not_reveal_whether_an_address_exists(
    client: Client, world: World
) -> None:
    url = reverse("accounts:password_reset")
    known = client.post(url, {"email": world.leader.email})
    unknown = client.post(url, {"email": "finnes.ikke@example.no"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [[world.leader.email]]
    assert mail.outbox[0].subject == "Nytt passord til Ressursvenn"


def test_password_reset_link_works_once_and_ends_sessions(client: Client, world: World) -> None:
    from ressursvenn.conftest import login

    elsewhere = login(Client(), world.leader)
    client.post(reverse("accounts:password_reset"), {"email": world.leader.email})
    link = re.search(r"https?://[^/]+(/passord/nytt/\S+)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    world.leader.refresh_from_db()
    assert world.leader.check_password(NEW_PASSWORD)
    assert elsewhere.get(reverse("home")).status_code == 302
    reused = Client().get(link.group(1), follow=True)
    assert reused.context["validlink"] is False
