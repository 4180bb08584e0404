"""The woman's pages through her link (surveys/views/public.py), with the test client."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ressursvenn.matching.models import Match
from ressursvenn.surveys.models import Answer, Response, SurveyLink
from ressursvenn.surveys.tests.builders import at_start, link_for
from ressursvenn.surveys.views.public import COOKIE

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
PUBLIC = "/skjema/"


def _enter(client: Client, token: str) -> Any:
    return client.get(reverse("surveys:public_link", args=[token]))


def _post(client: Client, **data: Any) -> Any:
    return client.post(PUBLIC, data)


def _neutral(html: str) -> None:
    for word in ("Amina", "Vera", "Ressursvenn", "krisesenter", "Oslo", "Sanitets"):
        assert word not in html, word


def test_the_whole_questionnaire_through_her_link(world: Any) -> None:
    match = at_start(world)
    link, token = link_for(world, match)
    client = Client()
    entered = _enter(client, token)
    assert entered.status_code == 302
    assert entered["Location"] == PUBLIC
    cookie = entered.cookies[COOKIE]
    assert cookie["httponly"] is True
    assert cookie["path"] == PUBLIC
    assert cookie["samesite"] == "Lax"

    intro = client.get(PUBLIC)
    html = intro.content.decode()
    assert intro.status_code == 200
    assert "<title>Spørreskjema</title>" in html
    assert 'name="robots" content="noindex' in html
    assert "Forlat siden raskt" in html
    assert 'href="https://www.yr.no/"' in html
    assert "js/quick-exit.js" in html
    assert token not in html
    assert "no-store" in intro["Cache-Control"]
    _neutral(html)

    english = _post(client, step=0, action="language", language="en")
    assert english.status_code == 302
    page = client.get(PUBLIC).content.decode()
    assert '<html lang="en"' in page
    assert _post(client, step=0, action="next").status_code == 302
    step1 = client.get(PUBLIC).content.decode()
    assert ">Loneliness</h1>" in step1  # her language (the instruments are translated)
    assert 'name="ucla3_1"' in step1
    assert _post(client, step=1, action="next", ucla3_1="2", ucla3_2="skip").status_code == 302
    assert (
        _post(client, step=2, action="next", osss3_1="4", osss3_2="5", osss3_3="3").status_code
        == 302
    )
    assert _post(client, step=3, action="back", safety_1="4").status_code == 302  # back saves too
    assert (
        _post(client, step=2, action="next", osss3_1="4", osss3_2="5", osss3_3="3").status_code
        == 302
    )
    assert _post(client, step=3, action="next", safety_1="4").status_code == 302
    assert _post(client, step=4, action="next", life_satisfaction_1="7").status_code == 302
    last = client.get(PUBLIC).content.decode()
    assert 'value="send"' in last
    sent = _post(client, step=5, action="send")
    assert sent.status_code == 302
    thanks = client.get(PUBLIC)
    assert thanks.status_code == 200
    _neutral(thanks.content.decode())
    response = Response.objects.get(link=link)
    assert response.submitted_at is not None
    assert response.language == "en"
    assert dict(response.answers.values_list("item", "value")) == {
        "ucla3_1": 2,
        "ucla3_2": None,
        "ucla3_3": None,
        "osss3_1": 4,
        "osss3_2": 5,
        "osss3_3": 3,
        "safety_1": 4,
        "life_satisfaction_1": 7,
    }
    # Used up: the token now gives the neutral page, and a new send changes nothing.
    again = _enter(client, token)
    assert again.status_code == 410
    _post(client, step=5, action="send")
    assert Response.objects.filter(submitted_at__isnull=False).count() == 1


def test_another_device_gets_in_use_and_stores_nothing(world: Any) -> None:
    _link, token = link_for(world, at_start(world))
    assert _enter(Client(), token).status_code == 302
    other = _enter(Client(), token)
    assert other.status_code == 409
    assert "Lenken er allerede i bruk" in other.content.decode()
    assert COOKIE not in other.cookies
    assert Response.objects.count() == 1


@pytest.mark.parametrize("token", ["abc", "A" * 43])
def test_forged_or_truncated_tokens(world: Any, token: str) -> None:
    link_for(world, at_start(world))
    page = _enter(Client(), token)
    assert page.status_code == 404
    assert "Lenken virker ikke" in page.content.decode()
    _neutral(page.content.decode())
    assert SurveyLink.objects.exclude(device_hash="").count() == 0


def test_truncated_real_token(world: Any) -> None:
    _link, token = link_for(world, at_start(world))
    assert _enter(Client(), token[:20]).status_code == 404
    assert Response.objects.count() == 0


def test_expired_and_revoked(world: Any) -> None:
    match = at_start(world)
    link, token = link_for(world, match)
    SurveyLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - DAY)
    page = _enter(Client(), token)
    assert page.status_code == 410
    assert "Lenken virker ikke" in page.content.decode()
    assert Response.objects.count() == 0


def test_expiry_while_answering_keeps_her_out(world: Any) -> None:
    link, token = link_for(world, at_start(world))
    client = Client()
    _enter(client, token)
    SurveyLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - DAY)
    assert client.get(PUBLIC).status_code == 410
    assert _post(client, step=0, action="next").status_code == 410
    assert Response.objects.get().step == 0


def test_paused_match_is_not_available(world: Any) -> None:
    match = at_start(world)
    _link, token = link_for(world, match)
    client = Client()
    _enter(client, token)
    Match.objects.filter(pk=match.pk).update(status=Match.Status.PAUSED)
    page = client.get(PUBLIC)
    assert page.status_code == 410
    assert "ikke tilgjengelig nå" in page.content.decode()
    assert _post(client, step=0, action="next").status_code == 410
    assert Response.objects.get().step == 0


def test_tampered_value_is_refused_with_a_message(world: Any) -> None:
    _link, token = link_for(world, at_start(world))
    client = Client()
    _enter(client, token)
    _post(client, step=0, action="next")
    page = _post(client, step=1, action="next", ucla3_1="9")
    assert page.status_code == 400
    assert "Velg et av svarene, eller «Hopp over»." in page.content.decode()
    assert Answer.objects.count() == 0
    assert Response.objects.get().step == 1


def test_double_submit_of_a_step_is_stale(world: Any) -> None:
    _link, token = link_for(world, at_start(world))
    client = Client()
    _enter(client, token)
    _post(client, step=0, action="next")
    _post(client, step=1, action="next", ucla3_1="1")
    again = _post(client, step=1, action="next", ucla3_1="3")
    assert again.status_code == 302
    assert "Siden var utdatert" in client.get(PUBLIC).content.decode()
    assert dict(Answer.objects.values_list("item", "value"))["ucla3_1"] == 1
    assert Response.objects.get().step == 2


def test_garbage_post_is_stale_not_a_500(world: Any) -> None:
    _link, token = link_for(world, at_start(world))
    client = Client()
    _enter(client, token)
    assert _post(client, step="x").status_code == 302
    assert _post(client, step=0, action="language", language="xx").status_code == 400
    assert Response.objects.get().language == "nb"


def test_without_a_bound_link(world: Any) -> None:
    assert Client().get(PUBLIC).status_code == 404
    client = Client()
    client.cookies[COOKIE] = "z" * 43
    assert client.get(PUBLIC).status_code == 404
    assert client.post(PUBLIC, {"step": 0}).status_code == 404


def test_a_new_link_on_the_same_device_replaces_the_old(world: Any) -> None:
    match = at_start(world)
    _first, token = link_for(world, match)
    client = Client()
    _enter(client, token)
    second, token2 = link_for(world, match)
    assert client.get(PUBLIC).status_code == 410  # the old one was revoked
    assert _enter(client, token2).status_code == 302
    assert client.get(PUBLIC).status_code == 200
    assert Response.objects.get().link_id == second.pk


def test_her_language_does_not_stick_to_the_device(world: Any) -> None:
    _link, token = link_for(world, at_start(world))
    client = Client()
    _enter(client, token)
    _post(client, step=0, action="language", language="en")
    assert "django_language" not in client.cookies
    assert client.get("/om/").headers["Content-Language"] == "nb"
