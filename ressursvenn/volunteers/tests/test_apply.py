"""The public application page: form, abuse protection, branch shown, rows and e-mails."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.organisations.models import District, Organisation
from ressursvenn.volunteers.models import Volunteer

APPLY = "/bli-ressursvenn/"
DONE = "/bli-ressursvenn/takk/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Iterator[None]:
    """The rate limit counts in the (process-wide) cache: start and end each test empty."""
    cache.clear()
    yield
    cache.clear()


def applications() -> Any:
    """Volunteer rows from the form (the personas' own rows have a user)."""
    return Volunteer.objects.filter(user__isnull=True)


def without_csrf(content: bytes) -> str:
    """The page without its per-request CSRF tokens (they differ on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day - datetime.timedelta(days=days)


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "full_name": "Anne  Hansen",
        "email": "Anne.Hansen@Example.no",
        "phone": "912 34 567",
        "date_of_birth": years_ago(40).isoformat(),
        "municipality": "1806",
        "district": "",
        "self_declared_woman": "on",
        "motivation": "Jeg har selv fått hjelp en gang.",
        "languages": ["nb", "en"],
        "interests": ["hiking", "knitting"],
        "offers": ["job_search"],
        "availability": ["evenings"],
        "modes": ["in_person", "digital"],
        "max_travel_km": "30",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post(client: Client, django_capture_on_commit_callbacks: Any, **changes: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(APPLY, form_data(**changes))


def test_the_page_explains_the_role_and_needs_no_login(client: Client, world: World) -> None:
    response = client.get(APPLY)
    assert response.status_code == 200
    text = response.content.decode()
    for phrase in (
        "9 til 12 måneder",
        "2–4 ganger i måneden",
        "politiattest",
        "opplæringskurs om vold i nære relasjoner",
        "taushetserklæring",
        "egnethetssamtale",
        "Du har fylt 25 år.",
        "Slik behandler vi opplysningene dine",
    ):
        assert phrase in text, phrase
    assert "<title>\n      Bli ressursvenn\n    – Ressursvenn</title>" in text


def test_municipalities_are_sorted_by_name(client: Client, world: World) -> None:
    form = client.get(APPLY).context["form"]
    names = [m.name for m in form.fields["municipality"].queryset]
    assert len(names) == 357
    assert names == sorted(names)


def test_honeypot_is_hidden_from_people_and_screen_readers(client: Client, world: World) -> None:
    text = client.get(APPLY).content.decode()
    start = text.index('<div class="hp-field" aria-hidden="true">')
    honeypot = text[start : text.index("</div>", text.index('name="website"'))]
    assert 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot


def test_a_valid_application_is_stored_in_the_covering_branch(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    response = post(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == DONE
    volunteer = applications().get()
    assert volunteer.branch == world.other_branch
    assert volunteer.status == Volunteer.Status.APPLIED
    assert volunteer.user is None
    assert volunteer.full_name == "Anne Hansen"
    assert volunteer.email == "anne.hansen@example.no"
    assert volunteer.phone == "912 34 567"
    assert volunteer.self_declared_woman is True
    assert volunteer.languages == ["nb", "en"]
    assert volunteer.interests == ["hiking", "knitting"]
    assert volunteer.offers == ["job_search"]
    assert volunteer.availability == ["evenings"]
    assert volunteer.modes == ["in_person", "digital"]
    assert volunteer.max_travel_km == 30
    assert volunteer.district is None
    done = client.get(DONE).content.decode()
    assert "Søknaden går til Narvik Sanitetsforening, som dekker stedet der du bor." in done
    assert "Anne" not in done


def test_the_applicant_and_the_branch_leaders_get_discreet_mail(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    post(client, django_capture_on_commit_callbacks, municipality="0301", district="030103")

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(["anne.hansen@example.no", world.leader.email])
    for message in mail.outbox:
        content = message.subject + message.body
        for personal in ("Anne", "Hansen", "912", "anne.hansen", "Oslo", "Sagene", "hjelp en gang"):
            assert personal not in content, (personal, message.subject)
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["Ny oppgave i Ressursvenn", "Vi har mottatt søknaden din"]
    assert world.other_leader.email not in recipients


def test_an_oslo_application_goes_to_the_branch_covering_her_district(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    east = Organisation.objects.create(kind=Organisation.Kind.BRANCH, name="Grünerløkka Sanitet")
    east.districts.set([District.objects.get(code="030102")])

    post(client, django_capture_on_commit_callbacks, municipality="0301", district="030102")
    post(
        client,
        django_capture_on_commit_callbacks,
        municipality="0301",
        district="030105",
        email="b@example.no",
    )

    by_district = dict(applications().values_list("district_id", "branch__name"))
    assert by_district == {"030102": "Grünerløkka Sanitet", "030105": "Oslo Sanitetsforening"}


def test_without_a_covering_branch_the_nearest_is_chosen_and_said(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    response = post(client, django_capture_on_commit_callbacks, municipality="1853")  # Evenes

    assert response.status_code == 302
    assert applications().get().branch == world.other_branch
    done = client.get(DONE).content.decode()
    assert "Søknaden går derfor til den nærmeste: Narvik Sanitetsforening." in done


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date_of_birth": "2025-02-30"}, "date_of_birth", "Skriv inn en gyldig dato"),
        ({"date_of_birth": "nei"}, "date_of_birth", "Skriv inn en gyldig dato"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "for langt tilbake i tid"),
        ({"municipality": "0301"}, "district", "Velg bydelen du bor i."),
        ({"district": "030101"}, "district", "Bydel gjelder bare Oslo."),
        ({"municipality": "9999"}, "municipality", "Velg en kommune fra listen."),
        ({"district": "999999", "municipality": "0301"}, "district", "Velg en bydel fra listen."),
        ({"self_declared_woman": None}, "self_declared_woman", "bekrefte at du er kvinne"),
        ({"modes": None}, "modes", "Velg fysisk oppmøte, digitalt eller begge."),
        ({"modes": ["teleport"]}, "modes", "Velg bare blant alternativene"),
        ({"languages": None}, "languages", "Velg minst ett språk."),
        ({"email": "ikke-en-adresse"}, "email", "gyldig e-postadresse"),
        ({"phone": "12"}, "phone", "gyldig telefonnummer"),
        ({"max_travel_km": "-3"}, "max_travel_km", "kan ikke være negativt"),
        ({"max_travel_km": "100000"}, "max_travel_km", "høyst 500 km"),
        ({"full_name": ""}, "full_name", "Skriv inn navnet ditt."),
    ],
)
def test_bad_input_gives_a_message_next_to_the_field_and_stores_nothing(
    client: Client,
    world: World,
    django_capture_on_commit_callbacks: Any,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = post(client, django_capture_on_commit_callbacks, **changes)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert applications().count() == 0
    assert mail.outbox == []


def test_a_birth_date_in_the_future_is_refused(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post(client, django_capture_on_commit_callbacks, date_of_birth=tomorrow.isoformat())

    assert response.context["form"].errors["date_of_birth"] == [
        "Fødselsdatoen kan ikke være fram i tid."
    ]
    assert applications().count() == 0


def test_under_the_minimum_age_is_a_kind_refusal_and_nothing_is_stored(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    events = AuditEvent.objects.count()
    day_before_25 = years_ago(25, days=-1)  # turns 25 tomorrow

    response = post(client, django_capture_on_commit_callbacks, date_of_birth=day_before_25)

    assert response.status_code == 200
    text = response.content.decode()
    assert "For å bli ressursvenn må du ha fylt 25 år." in text
    assert "ingenting av det du skrev er lagret" in text
    assert "Anne" not in text
    assert applications().count() == 0
    assert AuditEvent.objects.count() == events
    assert mail.outbox == []


def test_the_minimum_age_follows_the_setting(
    client: Client, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VOLUNTEER_MIN_AGE = 30
    post(client, django_capture_on_commit_callbacks, date_of_birth=years_ago(29).isoformat())
    assert applications().count() == 0
    post(client, django_capture_on_commit_callbacks, date_of_birth=years_ago(30).isoformat())
    assert applications().count() == 1


def test_a_filled_honeypot_shows_the_same_answer_and_stores_nothing(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    events = AuditEvent.objects.count()

    response = post(client, django_capture_on_commit_callbacks, website="https://spam.example")

    assert response.status_code == 302
    assert response["Location"] == DONE
    assert client.get(DONE).status_code == 200
    assert applications().count() == 0
    assert AuditEvent.objects.count() == events
    assert mail.outbox == []


def test_the_rate_limit_answers_429_and_stores_nothing(
    client: Client, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.APPLICATION_RATE_LIMIT = "2/h"
    for number in range(2):
        response = post(client, django_capture_on_commit_callbacks, email=f"a{number}@example.no")
        assert response.status_code == 302

    response = post(client, django_capture_on_commit_callbacks, email="a3@example.no")

    assert response.status_code == 429
    assert "For mange søknader på kort tid" in response.content.decode()
    assert applications().count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    with django_capture_on_commit_callbacks(execute=True):
        assert other.post(APPLY, form_data(email="b@example.no")).status_code == 302
    assert applications().count() == 3


def test_the_default_limit_is_five_an_hour(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    statuses = [
        post(client, django_capture_on_commit_callbacks, email=f"a{n}@example.no").status_code
        for n in range(6)
    ]
    assert statuses == [302, 302, 302, 302, 302, 429]
    assert applications().count() == 5


def test_invalid_forms_do_not_use_up_the_limit(
    client: Client, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.APPLICATION_RATE_LIMIT = "1/h"
    for _ in range(3):
        assert client.post(APPLY, {}).status_code == 200
    assert post(client, django_capture_on_commit_callbacks).status_code == 302


def test_a_repeated_email_gets_exactly_the_same_answer(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    first = post(client, django_capture_on_commit_callbacks)
    first_page = without_csrf(client.get(DONE).content)
    second = post(client, django_capture_on_commit_callbacks)
    second_page = without_csrf(client.get(DONE).content)
    new = post(client, django_capture_on_commit_callbacks, email="ny@example.no")
    new_page = without_csrf(client.get(DONE).content)

    assert (first.status_code, first["Location"]) == (302, DONE)
    assert (second.status_code, second["Location"]) == (302, DONE)
    assert (new.status_code, new["Location"]) == (302, DONE)
    assert first_page == second_page == new_page


def test_back_then_send_again_creates_no_second_applicant(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Issue 8, item 8: the one-time token of the page makes the second submit a no-op."""
    page = client.get(APPLY)
    token = page.context["form"].initial["token"]
    assert f'name="token" value="{token}"' in page.content.decode()
    answers = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(APPLY, {**form_data(), "token": token})
        answers.append(
            (response.status_code, response["Location"], without_csrf(client.get(DONE).content))
        )
        if len(answers) == 1:
            sent, events = len(mail.outbox), AuditEvent.objects.count()
    assert answers[0] == answers[1]
    assert answers[0][:2] == (302, DONE)
    assert applications().count() == 1
    assert (len(mail.outbox), AuditEvent.objects.count()) == (sent, events)
    assert sent == 2  # the applicant and the branch's group leader, once


def test_every_page_view_has_its_own_token(client: Client, world: World) -> None:
    first = client.get(APPLY).context["form"].initial["token"]
    second = client.get(APPLY).context["form"].initial["token"]
    assert first != second
    assert len(first) >= 16


def test_a_name_with_invisible_characters_is_refused(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    for trick in ("\u202e", "\u200b"):
        response = post(client, django_capture_on_commit_callbacks, full_name=f"Anne{trick} Hansen")
        assert response.status_code == 200
        assert response.context["form"].errors["full_name"] == [
            "Teksten inneholder usynlige tegn eller tegn som snur skriveretningen. "
            "Skriv den inn på nytt uten å lime inn fra et annet sted."
        ]
    assert applications().count() == 0


def test_the_thank_you_page_works_without_an_application(client: Client, world: World) -> None:
    response = client.get(reverse("volunteers:apply_done"))
    assert response.status_code == 200
    assert "Takk for søknaden!" in response.content.decode()


def test_signed_in_users_may_open_the_form_too(as_user: Any, world: World) -> None:
    assert as_user(world.leader).get(APPLY).status_code == 200


def test_a_forged_token_is_ignored_not_an_error(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY, {**form_data(), "token": "<script>" * 20})
    assert (response.status_code, response["Location"]) == (302, DONE)
    assert applications().get().application_token is None
