"""The start page of each role: real counts, open tasks, nothing from other organisations."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.tests import factories

HOME = reverse("home")
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def test_national_coordinator_sees_programme_counts_and_tasks(world: World, as_user: Any) -> None:
    lonely = factories.OrganisationFactory(name="Alta Sanitetsforening")  # no leader, no area
    response = as_user(world.coordinator).get(HOME)
    context = response.context
    assert (
        context["branch_count"],
        context["centre_count"],
        context["cooperation_count"],
        context["staff_count"],
    ) == (3, 2, 2, 5)
    assert context["branches_without_leader"] == [lonely]
    assert context["branches_without_area"] == [lonely]
    assert "Alta Sanitetsforening" in response.content.decode()


def test_group_leader_sees_only_her_branch(world: World, as_user: Any) -> None:
    response = as_user(world.leader).get(HOME)
    [item] = response.context["branches"]
    assert (item["organisation"], item["volunteer_count"], item["centres"]) == (
        world.branch,
        1,
        [world.centre],
    )
    page = response.content.decode()
    assert world.other_branch.name not in page
    assert world.other_centre.name not in page


def test_crisis_staff_sees_the_branches_she_can_refer_to(world: World, as_user: Any) -> None:
    response = as_user(world.staff).get(HOME)
    [item] = response.context["centres"]
    assert (item["organisation"], item["branches"]) == (world.centre, [world.branch])
    assert world.other_branch.name not in response.content.decode()


def test_volunteer_sees_her_group_leader(world: World, as_user: Any) -> None:
    response = as_user(world.volunteer).get(HOME)
    [item] = response.context["branches"]
    assert (item["organisation"], item["leaders"]) == (
        world.branch,
        [("Gro Leder", world.leader.email)],
    )
    page = response.content.decode()
    assert f'href="mailto:{world.leader.email}"' in page
    assert "Nora Nord" not in page
    assert world.other_leader.email not in page


def test_user_without_roles_gets_a_clear_message(world: World, as_user: Any) -> None:
    user = factories.UserFactory()
    response = as_user(user).get(HOME)
    assert response.context["role"] is None
    assert "ingen aktive roller" in response.content.decode()


def _queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_national_start_page_query_count_does_not_grow(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    client.get(HOME)
    before = _queries(client)
    for n in range(10):
        branch = factories.OrganisationFactory(name=f"Ekstra {n}")
        factories.member(branch, Role.VOLUNTEER)
    assert _queries(client) == before


def test_group_leader_start_page_query_count_does_not_grow(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    client.get(HOME)
    before = _queries(client)
    for _ in range(10):
        factories.member(world.branch, Role.VOLUNTEER)
    centre = factories.crisis_centre("Ekstra krisesenter", "0301")
    factories.cooperation(world.branch, centre)
    assert _queries(client) == before


def test_group_leader_sees_her_tasks_with_links(world: World, as_user: Any) -> None:
    from django.utils import timezone

    now = timezone.now()
    factories.volunteer(
        world.branch, status="applied", full_name="Gammel Søknad", applied_at=now - 30 * DAY
    )
    factories.volunteer(world.branch, status="screening", full_name="Uten Samtale")
    factories.volunteer(
        world.other_branch, status="applied", full_name="Nord Søknad", applied_at=now - 30 * DAY
    )
    response = as_user(world.leader).get(HOME)
    [item] = response.context["branches"]
    assert (item["tasks"]["application_waiting"], item["tasks"]["interview_missing"]) == (1, 1)
    assert item["task_count"] == 2
    page = response.content.decode()
    assert "1 søknad har ventet mer enn 7 dager." in page
    assert "?status=applied" in page
    assert "?status=screening" in page
    assert "Gammel Søknad" not in page
    assert "Nord Søknad" not in page


def test_group_leader_without_tasks_is_told_so(world: World, as_user: Any) -> None:
    page = as_user(world.leader).get(HOME).content.decode()
    assert "Ingen oppgaver venter." in page
    assert reverse("volunteers:courses") in page


def test_group_leader_task_queries_do_not_grow(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    client.get(HOME)
    before = _queries(client)
    from django.utils import timezone

    for n in range(5):
        factories.volunteer(
            world.branch,
            status="applied",
            full_name=f"S {n}",
            applied_at=timezone.now() - 30 * DAY,
        )
        factories.volunteer(world.branch, status="screening", full_name=f"V {n}")
    assert _queries(client) == before


def test_volunteer_next_course_dates(world: World) -> None:
    from django.utils import timezone

    from ressursvenn.reports import start
    from ressursvenn.volunteers.actions import courses

    course = courses.create_course(
        by=world.leader, branch=world.branch, title="Grunnkurs", capacity=5
    )
    soon = timezone.now() + 2 * DAY
    session = courses.add_session(
        course, by=world.leader, starts_at=soon, ends_at=soon + HOUR, place="Sal 2"
    )
    courses.sign_up_for_course(course, by=world.volunteer)
    [item] = start.volunteer_summary({world.branch.pk}, user=world.volunteer)
    assert item["next_sessions"] == [session]
    [other] = start.volunteer_summary({world.other_branch.pk}, user=world.other_volunteer)
    assert other["next_sessions"] == []


def test_volunteer_start_page_links_to_courses(world: World, as_user: Any) -> None:
    page = as_user(world.volunteer).get(HOME).content.decode()
    assert "Dine neste kursdager" in page
    assert reverse("volunteers:courses") in page


def test_group_leader_sees_referral_and_match_counts(world: World, as_user: Any) -> None:
    factories.referral(world.centre, world.branch, status="submitted")
    factories.referral(world.centre, world.branch, status="accepted")
    factories.referral(world.centre, world.branch, status="accepted")
    factories.referral(world.other_centre, world.other_branch, status="accepted")
    matched = factories.referral(world.centre, world.branch, status="matched")
    factories.match(matched, world.volunteer.volunteer, status="active")
    response = as_user(world.leader).get(HOME)
    [item] = response.context["branches"]
    assert (item["referrals"], item["active_matches"], item["volunteer_count"]) == (
        {"submitted": 1, "accepted": 2, "matched": 1},
        1,
        1,
    )
    page = response.content.decode()
    assert "1 ny henvisning venter på svar" in page
    assert "2 kvinner venter på en ressursvenn" in page


def test_the_waiting_count_is_the_waiting_list_without_withdrawn_consent(
    world: World, as_user: Any
) -> None:
    """The start page counts the waiting women by the dashboard's one definition: a woman
    whose consent is withdrawn is not waiting, even before her referral is closed."""
    factories.referral(world.centre, world.branch, status="accepted")
    withdrawn = factories.referral(world.centre, world.branch, status="accepted")
    withdrawn.consent_withdrawn_at = timezone.now()
    withdrawn.save(update_fields=["consent_withdrawn_at"])
    response = as_user(world.leader).get(HOME)
    [item] = response.context["branches"]
    assert (item["referrals"]["accepted"], item["waiting"]) == (2, 1)
    assert "1 kvinne venter på en ressursvenn" in response.content.decode()


def test_crisis_staff_sees_her_referrals_by_status(world: World, as_user: Any) -> None:
    factories.referral(world.centre, world.branch, status="draft")
    factories.referral(world.centre, world.branch, status="accepted")
    factories.referral(world.other_centre, world.other_branch, status="submitted")
    response = as_user(world.staff).get(HOME)
    [item] = response.context["centres"]
    assert [(status, count) for status, _label, count in item["referrals"]] == [
        ("draft", 1),
        ("accepted", 1),
    ]


def test_crisis_staff_start_page_query_count_does_not_grow(world: World, as_user: Any) -> None:
    client = as_user(world.staff)
    factories.referral(world.centre, world.branch, status="draft")
    client.get(HOME)
    before = _queries(client)
    for status in ("submitted", "accepted", "declined", "withdrawn"):
        factories.referral(world.centre, world.branch, status=status)
    assert _queries(client) == before


# --- the volunteer's start page puts what waits for her first (issue 8, item 9) ---------------


def _proposal_for(world: World, **fields: Any) -> Any:
    referral = factories.referral(world.centre, world.branch, status="proposed")
    return factories.match(referral, world.volunteer.volunteer, proposed_by=world.leader, **fields)


def test_volunteer_sees_her_waiting_proposal_first(world: World, as_user: Any) -> None:
    match = _proposal_for(world)
    response = as_user(world.volunteer).get(HOME)
    assert response.context["first"]["proposals"] == [match]
    page = response.content.decode()
    link = reverse("matching:proposal", args=[match.pk])
    assert link in page
    assert page.index("Dette venter på deg") < page.index(world.branch.name, page.index("<main"))
    assert page.index(link) < page.index("Dine neste kursdager")
    assert "Amina" not in page  # nothing about the woman on the start page


def test_an_answered_proposal_and_other_volunteers_proposals_are_not_listed(
    world: World, as_user: Any
) -> None:
    from django.utils import timezone

    _proposal_for(world, volunteer_answer="yes", answered_at=timezone.now())
    other = factories.referral(world.other_centre, world.other_branch, status="proposed")
    factories.match(other, world.other_volunteer.volunteer)
    response = as_user(world.volunteer).get(HOME)
    assert response.context["first"]["proposals"] == []
    assert "Dette venter på deg" not in response.content.decode()


def test_volunteer_sees_her_coming_koblingsmote_with_a_link_to_the_match(
    world: World, as_user: Any
) -> None:
    from django.utils import timezone

    from ressursvenn.matching.models import MatchingMeeting

    match = _proposal_for(
        world, status="meeting_planned", volunteer_answer="yes", answered_at=timezone.now()
    )
    starts = timezone.localtime(timezone.now() + 3 * DAY).replace(
        hour=18, minute=30, second=0, microsecond=0
    )
    meeting = MatchingMeeting.objects.create(
        match=match, starts_at=starts, mode="video", planned_by=world.leader
    )
    response = as_user(world.volunteer).get(HOME)
    assert response.context["first"]["meetings"] == [meeting]
    page = response.content.decode()
    assert "kl. 18:30." in page
    assert reverse("matching:match_detail", args=[match.pk]) in page


def _applicant(world: World, *, declaration: bool = False) -> Any:
    """A volunteer-role user in screening with everything but the declaration."""
    from ressursvenn.accounts.models import Role as Roles

    user = factories.member(world.branch, Roles.VOLUNTEER, full_name="Sara Søker")
    row = factories.volunteer(world.branch, user=user, status="screening", cleared=True)
    if not declaration:
        row.declarations.all().delete()
    return user


def test_an_applicant_is_called_soker_and_sees_no_koblinger(world: World, as_user: Any) -> None:
    page = as_user(_applicant(world)).get(HOME).content.decode()
    assert "Søker, Oslo Sanitetsforening" in page
    assert "Ressursvenn, Oslo Sanitetsforening" not in page
    assert reverse("matching:matches") not in page
    assert reverse("volunteers:mine") in page


def test_an_approved_volunteer_keeps_her_role_and_koblinger(world: World, as_user: Any) -> None:
    page = as_user(world.volunteer).get(HOME).content.decode()
    assert "Ressursvenn, Oslo Sanitetsforening" in page
    assert reverse("matching:matches") in page


def test_the_applicant_start_page_says_what_is_missing(world: World, as_user: Any) -> None:
    response = as_user(_applicant(world)).get(HOME)
    first = response.context["first"]
    assert [item.code for item in first["missing"]] == ["declaration"]
    page = response.content.decode()
    assert "Dette gjenstår før du kan bli godkjent som ressursvenn:" in page
    assert reverse("volunteers:sign_declaration") in page


def test_an_applicant_with_everything_in_place_is_told_so(world: World, as_user: Any) -> None:
    page = as_user(_applicant(world, declaration=True)).get(HOME).content.decode()
    assert "Alt er oppfylt. Gruppelederen kan nå godkjenne deg som ressursvenn." in page


def test_an_approved_volunteer_gets_no_screening_section(world: World, as_user: Any) -> None:
    response = as_user(world.volunteer).get(HOME)
    assert (response.context["first"]["applicant"], response.context["first"]["missing"]) == (
        None,
        [],
    )
    assert "Søknaden din" not in response.content.decode()


# --- wording (issue 8, item 18) ---------------------------------------------------------------


def test_the_interview_task_names_the_applicants(world: World, as_user: Any) -> None:
    factories.volunteer(world.branch, status="screening", full_name="Uten Samtale")
    page = as_user(world.leader).get(HOME).content.decode()
    assert "1 søker under vurdering har ikke hatt egnethetssamtale." in page
    factories.volunteer(
        world.branch, status="screening", full_name="Uten Samtale 2", email="b@x.no"
    )
    page = as_user(world.leader).get(HOME).content.decode()
    assert "2 søkere under vurdering har ikke hatt egnethetssamtale." in page


# --- follow-up on the start pages (issue 9, items 4, 9 and 10) --------------------------------


def _follow_up(world: World, *, n: int = 1) -> list[Any]:
    """n active matches of world.branch / world.volunteer, each with a task of every kind."""
    from django.utils import timezone

    from ressursvenn.followup.models import CheckIn, Concern, PlannedMeeting, SocialEvent
    from ressursvenn.followup.tests.builders import active_match

    matches = []
    for _ in range(n):
        match = active_match(world)
        CheckIn.objects.create(match=match, party="volunteer", due_on=timezone.localdate() - DAY)
        Concern.objects.create(
            match=match,
            category="safety",
            severity="urgent",
            description="Eksen sto utenfor døren",
            reported_by=world.volunteer,
            reported_at=timezone.now() - 30 * HOUR,
        )
        PlannedMeeting.objects.create(
            match=match,
            starts_at=timezone.now() + 2 * DAY,
            mode="digital",
            created_by=world.volunteer,
        )
        SocialEvent.objects.create(
            branch=world.branch,
            title="Kaffetreff",
            starts_at=timezone.now() + 3 * DAY,
            capacity=10,
            audience="pairs",
            organiser=world.leader,
            place="Frivillighetshuset",
        )
        matches.append(match)
    return matches


def test_leader_sees_her_tasks_first_and_urgent_concerns_in_red(world: World, as_user: Any) -> None:
    [match] = _follow_up(world)
    concern = match.concerns.get()
    response = as_user(world.leader).get(HOME)
    context = response.context
    assert [t.kind for t in context["tasks"]] == ["concern", "inactive", "checkin"]
    assert (context["task_count"], context["urgent_concerns"]) == (3, [concern])
    page = response.content.decode()
    main = page[page.index("<main") :]
    assert main.index('data-color="danger"') < main.index("Dine oppgaver")
    assert main.index("Dine oppgaver") < main.index(world.branch.name)
    assert reverse("followup:concern_detail", args=[concern.pk]) in page
    assert reverse("followup:tasks") in page
    assert "døren" not in page


def test_a_recent_urgent_concern_is_a_task_but_not_yet_red(world: World, as_user: Any) -> None:
    from django.utils import timezone

    from ressursvenn.followup.models import Concern

    [match] = _follow_up(world)
    Concern.objects.filter(match=match).update(reported_at=timezone.now() - 23 * HOUR)
    response = as_user(world.leader).get(HOME)
    assert response.context["urgent_concerns"] == []
    assert response.context["tasks"][0].urgent
    Concern.objects.filter(match=match).update(status="acknowledged")
    assert as_user(world.leader).get(HOME).context["urgent_concerns"] == []


def test_leader_summary_counts_paused_matches_and_overdue_checkins(
    world: World, as_user: Any
) -> None:
    from ressursvenn.matching.models import Match

    _first, second = _follow_up(world, n=2)
    Match.objects.filter(pk=second.pk).update(status="paused")
    [item] = as_user(world.leader).get(HOME).context["branches"]
    assert (item["active_matches"], item["paused_matches"], item["overdue_checkins"]) == (1, 1, 2)
    page = as_user(world.leader).get(HOME).content.decode()
    assert "1 kobling på pause" in page
    assert "2 oppfølgingssamtaler har passert fristen" in page
    assert reverse("followup:checkins_due") in page


def test_the_start_page_shows_ten_tasks_and_links_to_all(world: World, as_user: Any) -> None:
    _follow_up(world, n=4)  # 12 tasks
    response = as_user(world.leader).get(HOME)
    assert (len(response.context["tasks"]), response.context["task_count"]) == (10, 12)
    assert "Se alle 12 oppgavene" in response.content.decode()


def test_centre_sees_her_tasks_before_the_summary(world: World, as_user: Any) -> None:
    [match] = _follow_up(world)
    response = as_user(world.staff).get(HOME)
    assert [t.key for t in response.context["tasks"]] == [f"concern:{match.concerns.get().pk}"]
    page = response.content.decode()
    main = page[page.index("<main") :]
    assert main.index("Dine oppgaver") < main.index("Deres henvisninger")
    assert "døren" not in page
    other = as_user(world.other_staff).get(HOME)
    assert other.context["tasks"] == []


def test_volunteer_start_page_puts_her_match_and_logging_first(world: World, as_user: Any) -> None:
    [match] = _follow_up(world)
    response = as_user(world.volunteer).get(HOME)
    [item] = response.context["matches"]
    meeting = match.planned_meetings.get()
    assert (item["match"], item["first_name"], item["next_meeting"], item["may_log"]) == (
        match,
        "Amina",
        meeting,
        True,
    )
    page = response.content.decode()
    main = page[page.index("<main") :]
    log = reverse("followup:activity_new", args=[match.pk])
    first_button = main.index('class="ds-button"')
    assert main.index(f'href="{log}"') > first_button
    assert main[first_button : main.index("</a>", first_button)].endswith("Registrer en aktivitet")
    assert "Du og Amina" in page
    assert "Dere har vært koblet i 1" in page  # 40 days: "1 måned, ..."
    assert "Neste møte:" in page
    assert [t.kind for t in response.context["tasks"]] == ["quiet", "event"]
    assert [e.title for e in response.context["events"]] == ["Kaffetreff"]
    assert reverse("followup:event_detail", args=[response.context["events"][0].pk]) in page
    assert 'href="tel:112"' in page
    assert "I en nødsituasjon:" in page
    assert "døren" not in page
    assert "Dine neste kursdager" in page  # what was there stays


def test_a_paused_match_tells_the_volunteer_only_that(world: World, as_user: Any) -> None:
    from ressursvenn.matching.models import Match

    [match] = _follow_up(world)
    Match.objects.filter(pk=match.pk).update(status="paused")
    response = as_user(world.volunteer).get(HOME)
    [item] = response.context["matches"]
    assert (item["paused"], item["may_log"]) == (True, False)
    page = response.content.decode()
    assert "Koblingen er satt på pause." in page
    assert reverse("followup:activity_new", args=[match.pk]) not in page
    assert "Neste møte:" not in page


def test_another_volunteer_sees_nothing_of_this_match(world: World, as_user: Any) -> None:
    _follow_up(world)
    response = as_user(world.other_volunteer).get(HOME)
    assert (response.context["matches"], response.context["tasks"], response.context["events"]) == (
        [],
        [],
        [],
    )
    assert "Amina" not in response.content.decode()


def test_follow_up_start_pages_keep_their_query_counts(world: World, as_user: Any) -> None:
    _follow_up(world)
    counts = {}
    for user in (world.leader, world.staff, world.volunteer):
        client = as_user(user)
        client.get(HOME)
        counts[user.pk] = _queries(client)
    _follow_up(world, n=3)
    for user in (world.leader, world.staff, world.volunteer):
        client = as_user(user)
        client.get(HOME)
        assert _queries(client) == counts[user.pk], user
