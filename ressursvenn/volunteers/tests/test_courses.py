"""Courses: creation, sessions, enrolment (capacity), sign-up, attendance and completion."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.tests import factories
from ressursvenn.volunteers.actions import courses as actions
from ressursvenn.volunteers.models import Attendance, Course, CourseSession, Enrolment, Volunteer

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def _course(world: World, *, capacity: int = 10, title: str = "Grunnkurs") -> Course:
    return actions.create_course(
        by=world.leader, branch=world.branch, title=title, capacity=capacity
    )


def _session(course: Course, by: Any, *, start: datetime.datetime, mandatory: bool = True) -> Any:
    return actions.add_session(
        course,
        by=by,
        starts_at=start,
        ends_at=start + 3 * HOUR,
        place="Sal 2",
        is_mandatory=mandatory,
    )


def _applicant(world: World, name: str = "Sara Søker", status: str = "screening") -> Volunteer:
    return factories.volunteer(world.branch, status=status, full_name=name)


# --- actions -----------------------------------------------------------------------------


def test_leader_creates_course_and_sessions(world: World) -> None:
    course = _course(world)
    start = timezone.now() + 7 * DAY
    session = _session(course, world.leader, start=start)
    assert (course.branch, course.capacity, session.course, session.is_mandatory) == (
        world.branch,
        10,
        course,
        True,
    )


def test_other_branch_leader_cannot_create_course(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_course(by=world.other_leader, branch=world.branch, title="X", capacity=3)
    assert Course.objects.count() == 0


@pytest.mark.parametrize(
    ("start_offset", "length", "place", "link", "field"),
    [
        (7 * DAY, -HOUR, "Sal", "", "ends_at"),
        (7 * DAY, 3 * HOUR, "", "", "place"),
        (-400 * DAY, 3 * HOUR, "Sal", "", "starts_at"),
        (800 * DAY, 3 * HOUR, "Sal", "", "starts_at"),
        (7 * DAY, 30 * HOUR, "Sal", "", "ends_at"),
    ],
)
def test_bad_sessions_are_refused(
    world: World, start_offset: Any, length: Any, place: str, link: str, field: str
) -> None:
    course = _course(world)
    start = timezone.now() + start_offset
    with pytest.raises(ValidationError) as error:
        actions.add_session(
            course,
            by=world.leader,
            starts_at=start,
            ends_at=start + length,
            place=place,
            digital_link=link,
        )
    assert list(error.value.message_dict) == [field]
    assert CourseSession.objects.count() == 0


def test_digital_session_needs_no_place(world: World) -> None:
    course = _course(world)
    start = timezone.now() + DAY
    session = actions.add_session(
        course,
        by=world.leader,
        starts_at=start,
        ends_at=start + HOUR,
        digital_link="https://meet.jit.si/abc",
    )
    assert session.digital_link == "https://meet.jit.si/abc"


def test_enrol_until_full_then_clear_message(world: World) -> None:
    course = _course(world, capacity=1)
    first, second = _applicant(world, "Anne A"), _applicant(world, "Berit B")
    actions.enrol_volunteer(course, first, by=world.leader)
    with pytest.raises(ValidationError) as error:
        actions.enrol_volunteer(course, second, by=world.leader)
    assert error.value.messages == ["Kurset er fullt (1 plasser)."]
    assert list(course.enrolments.values_list("volunteer_id", flat=True)) == [first.pk]


def test_enrol_twice_is_refused(world: World) -> None:
    course = _course(world)
    applicant = _applicant(world)
    actions.enrol_volunteer(course, applicant, by=world.leader)
    with pytest.raises(ValidationError):
        actions.enrol_volunteer(course, applicant, by=world.leader)
    assert Enrolment.objects.count() == 1


def test_enrol_refuses_other_branch_and_wrong_status(world: World) -> None:
    course = _course(world)
    foreign = factories.volunteer(world.other_branch, status="screening", full_name="Ola")
    rejected = _applicant(world, status="rejected")
    for volunteer in (foreign, rejected):
        with pytest.raises(ValidationError):
            actions.enrol_volunteer(course, volunteer, by=world.leader)
    with pytest.raises(PermissionDenied):
        actions.enrol_volunteer(course, _applicant(world), by=world.other_leader)
    assert Enrolment.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_when_two_sign_ups_race() -> None:
    """Two threads enrol at once into the last place: the course row lock lets one through."""
    factories.ensure_reference_data()
    branch = factories.branch("Oslo Sanitetsforening", "0301")
    leader = factories.member(branch, "group_leader")
    course = actions.create_course(by=leader, branch=branch, title="Kurs", capacity=1)
    people = [
        factories.volunteer(branch, status="screening", full_name=f"V{n}", email=f"v{n}@e.no")
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def enrol(volunteer: Volunteer) -> None:
        barrier.wait()
        try:
            actions.enrol_volunteer(course, volunteer, by=leader)
            results.append("ok")
        except ValidationError as error:
            results.append(error.messages[0])
        except Exception as error:  # SQLite: "database is locked" is also a refusal
            results.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(v,)) for v in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results).count("ok") == 1
    assert Enrolment.objects.filter(course=course).count() == 1


def _attend(world: World, session: Any, **present: bool) -> None:
    people = {v.full_name: v.pk for v in Volunteer.objects.all()}
    actions.record_attendance(
        session, by=world.leader, attended={people[name]: value for name, value in present.items()}
    )


@pytest.fixture
def running(world: World) -> dict[str, Any]:
    """A course with two mandatory sessions (past) and one optional, and one enrolled applicant."""
    course = _course(world)
    now = timezone.now()
    first = _session(course, world.leader, start=now - 10 * DAY)
    second = _session(course, world.leader, start=now - 3 * DAY)
    optional = _session(course, world.leader, start=now - 2 * DAY, mandatory=False)
    sara = _applicant(world)
    actions.enrol_volunteer(course, sara, by=world.leader)
    return {"course": course, "first": first, "second": second, "optional": optional, "sara": sara}


def _state(running: dict[str, Any]) -> tuple[Any, Any]:
    sara = Volunteer.objects.get(pk=running["sara"].pk)
    enrolment = Enrolment.objects.get(volunteer=sara)
    return enrolment.completed_on, sara.course_completed_on


def test_completion_when_every_mandatory_session_attended(
    world: World, running: dict[str, Any]
) -> None:
    sara = running["sara"]
    actions.record_attendance(running["first"], by=world.leader, attended={sara.pk: True})
    assert _state(running) == (None, None)
    actions.record_attendance(running["second"], by=world.leader, attended={sara.pk: True})
    day = timezone.localdate(running["second"].starts_at)
    assert _state(running) == (day, day)


def test_optional_session_missed_still_completes(world: World, running: dict[str, Any]) -> None:
    sara = running["sara"]
    for key in ("first", "second"):
        actions.record_attendance(running[key], by=world.leader, attended={sara.pk: True})
    actions.record_attendance(running["optional"], by=world.leader, attended={sara.pk: False})
    day = timezone.localdate(running["second"].starts_at)
    assert _state(running) == (day, day)


def test_one_mandatory_missing_is_not_completed(world: World, running: dict[str, Any]) -> None:
    sara = running["sara"]
    actions.record_attendance(running["first"], by=world.leader, attended={sara.pk: True})
    actions.record_attendance(running["second"], by=world.leader, attended={sara.pk: False})
    assert _state(running) == (None, None)


def test_correction_to_absent_clears_completion(world: World, running: dict[str, Any]) -> None:
    sara = running["sara"]
    for key in ("first", "second"):
        actions.record_attendance(running[key], by=world.leader, attended={sara.pk: True})
    actions.record_attendance(running["first"], by=world.leader, attended={sara.pk: False})
    assert _state(running) == (None, None)
    assert Attendance.objects.get(session=running["first"]).attended is False


def test_correction_keeps_an_imported_completion(world: World, running: dict[str, Any]) -> None:
    sara = running["sara"]
    imported = timezone.localdate() - 400 * DAY
    Volunteer.objects.filter(pk=sara.pk).update(course_completed_on=imported)
    actions.record_attendance(running["first"], by=world.leader, attended={sara.pk: True})
    actions.record_attendance(running["second"], by=world.leader, attended={sara.pk: False})
    assert _state(running) == (None, imported)


def test_new_mandatory_session_reopens_completion(world: World, running: dict[str, Any]) -> None:
    sara = running["sara"]
    for key in ("first", "second"):
        actions.record_attendance(running[key], by=world.leader, attended={sara.pk: True})
    _session(running["course"], world.leader, start=timezone.now() + DAY)
    assert _state(running) == (None, None)


def test_attendance_refused_before_start_and_for_strangers(
    world: World, running: dict[str, Any]
) -> None:
    future = _session(running["course"], world.leader, start=timezone.now() + DAY)
    with pytest.raises(ValidationError):
        actions.record_attendance(future, by=world.leader, attended={running["sara"].pk: True})
    stranger = _applicant(world, "Stine Fremmed")
    with pytest.raises(ValidationError):
        actions.record_attendance(running["first"], by=world.leader, attended={stranger.pk: True})
    with pytest.raises(PermissionDenied):
        actions.record_attendance(
            running["first"], by=world.other_leader, attended={running["sara"].pk: True}
        )
    assert Attendance.objects.count() == 0


def test_capacity_cannot_drop_below_enrolled(world: World, running: dict[str, Any]) -> None:
    course = running["course"]
    actions.enrol_volunteer(course, _applicant(world, "To"), by=world.leader)
    with pytest.raises(ValidationError):
        actions.update_course(
            course, by=world.leader, title="X", capacity=1, is_open_for_signup=True
        )
    assert Course.objects.get(pk=course.pk).capacity == 10


# --- volunteer sign-up -------------------------------------------------------------------


@pytest.fixture
def open_course(world: World) -> Course:
    course = _course(world, capacity=2)
    _session(course, world.leader, start=timezone.now() + 7 * DAY)
    return course


def test_volunteer_signs_up_and_cancels(world: World, open_course: Course) -> None:
    actions.sign_up_for_course(open_course, by=world.volunteer)
    assert list(open_course.enrolments.values_list("volunteer__user", flat=True)) == [
        world.volunteer.pk
    ]
    actions.cancel_signup(open_course, by=world.volunteer)
    assert open_course.enrolments.count() == 0


def test_sign_up_refused_when_closed_full_or_started(world: World, open_course: Course) -> None:
    for n in range(2):
        actions.enrol_volunteer(open_course, _applicant(world, f"P{n}"), by=world.leader)
    with pytest.raises(ValidationError) as error:
        actions.sign_up_for_course(open_course, by=world.volunteer)
    assert error.value.messages == ["Kurset er fullt (2 plasser)."]
    started = _course(world, title="Startet")
    _session(started, world.leader, start=timezone.now() - DAY)
    with pytest.raises(ValidationError):
        actions.sign_up_for_course(started, by=world.volunteer)
    Course.objects.filter(pk=open_course.pk).update(is_open_for_signup=False, capacity=10)
    open_course.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.sign_up_for_course(open_course, by=world.volunteer)


def test_cancel_refused_after_start(world: World) -> None:
    course = _course(world)
    session = _session(course, world.leader, start=timezone.now() + DAY)
    actions.sign_up_for_course(course, by=world.volunteer)
    CourseSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - HOUR)
    with pytest.raises(ValidationError):
        actions.cancel_signup(course, by=world.volunteer)
    assert course.enrolments.count() == 1


# --- views -------------------------------------------------------------------------------


def test_volunteer_of_other_branch_gets_404_on_sign_up(
    world: World, open_course: Course, as_user: Any
) -> None:
    response = as_user(world.other_volunteer).post(
        reverse("volunteers:course_signup", args=[open_course.pk])
    )
    assert response.status_code == 404
    assert open_course.enrolments.count() == 0


def test_volunteer_signs_up_through_the_page(
    world: World, open_course: Course, as_user: Any
) -> None:
    client = as_user(world.volunteer)
    page = client.get(reverse("volunteers:courses")).content.decode()
    assert "Grunnkurs" in page
    assert "Meld meg på" in page
    response = client.post(reverse("volunteers:course_signup", args=[open_course.pk]), follow=True)
    assert "Du er meldt på «Grunnkurs»." in response.content.decode()
    assert open_course.enrolments.count() == 1
    again = client.post(reverse("volunteers:course_signup", args=[open_course.pk]), follow=True)
    assert "allerede påmeldt" in again.content.decode()
    assert open_course.enrolments.count() == 1


def test_other_volunteer_does_not_see_the_course(
    world: World, open_course: Course, as_user: Any
) -> None:
    page = as_user(world.other_volunteer).get(reverse("volunteers:courses")).content.decode()
    assert "Grunnkurs" not in page


def test_leader_sees_detail_other_leader_gets_404(
    world: World, running: dict[str, Any], as_user: Any
) -> None:
    url = reverse("volunteers:course_detail", args=[running["course"].pk])
    page = as_user(world.leader).get(url).content.decode()
    assert "Sara Søker" in page
    response = as_user(world.other_leader).get(url)
    assert response.status_code == 404
    assert "Sara Søker" not in response.content.decode()


def test_course_full_message_on_enrol_page(world: World, as_user: Any) -> None:
    course = _course(world, capacity=1)
    actions.enrol_volunteer(course, _applicant(world, "Anne A"), by=world.leader)
    other = _applicant(world, "Berit B")
    response = as_user(world.leader).post(
        reverse("volunteers:enrol", args=[course.pk]), {"volunteer": other.pk}
    )
    assert response.status_code == 200
    assert "Kurset er fullt (1 plasser)." in response.content.decode()
    assert course.enrolments.count() == 1


def test_enrol_page_refuses_a_foreign_volunteer_id(world: World, as_user: Any) -> None:
    course = _course(world)
    foreign = factories.volunteer(world.other_branch, status="screening", full_name="Ola")
    response = as_user(world.leader).post(
        reverse("volunteers:enrol", args=[course.pk]), {"volunteer": foreign.pk}
    )
    assert response.status_code == 200
    assert course.enrolments.count() == 0


def test_session_form_bad_input(world: World, as_user: Any) -> None:
    course = _course(world)
    response = as_user(world.leader).post(
        reverse("volunteers:session_add", args=[course.pk]),
        {"day": "2026-13-40", "start_time": "18:00", "end_time": "17:00"},
    )
    assert response.status_code == 200
    assert "Skriv inn en gyldig dato" in response.content.decode()
    response = as_user(world.leader).post(
        reverse("volunteers:session_add", args=[course.pk]),
        {
            "day": (timezone.localdate() + 7 * DAY).isoformat(),
            "start_time": "18:00",
            "end_time": "17:00",
        },
    )
    page = response.content.decode()
    assert "Slutten må være etter starten." in page
    assert "Skriv inn et sted eller en lenke" in page
    assert CourseSession.objects.count() == 0


def test_attendance_page_records_and_completes(
    world: World, running: dict[str, Any], as_user: Any
) -> None:
    client = as_user(world.leader)
    sara = running["sara"]
    for key in ("first", "second"):
        url = reverse("volunteers:attendance", args=[running[key].pk])
        response = client.post(url, {"shown": str(sara.pk), f"v{sara.pk}": "on"})
        assert response.status_code == 302
    day = timezone.localdate(running["second"].starts_at)
    assert _state(running) == (day, day)


def test_attendance_page_stale_list(world: World, running: dict[str, Any], as_user: Any) -> None:
    url = reverse("volunteers:attendance", args=[running["first"].pk])
    response = as_user(world.leader).post(url, {"shown": "", f"v{running['sara'].pk}": "on"})
    assert response.status_code == 200
    assert "endret siden du åpnet siden" in response.content.decode()
    assert Attendance.objects.count() == 0


def _count_queries(client: Any, url: str, django_assert_num_queries: Any, n: int) -> None:
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


def test_leader_course_list_query_count_is_constant(
    world: World, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.leader)
    url = reverse("volunteers:courses")
    course = _course(world)
    _session(course, world.leader, start=timezone.now() + DAY)
    client.get(url)
    with CaptureQueriesContext(conn) as one:
        assert client.get(url).status_code == 200
    for n in range(5):
        more = _course(world, title=f"Kurs {n}")
        _session(more, world.leader, start=timezone.now() + DAY)
        actions.enrol_volunteer(more, _applicant(world, f"P{n}"), by=world.leader)
    with CaptureQueriesContext(conn) as several:
        page = client.get(url)
    assert page.context["page"].paginator.count == 6
    assert len(several) == len(one)


def test_volunteer_course_list_query_count_is_constant(world: World, as_user: Any) -> None:
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.volunteer)
    url = reverse("volunteers:courses")
    course = _course(world)
    _session(course, world.leader, start=timezone.now() + DAY)
    client.get(url)
    with CaptureQueriesContext(conn) as one:
        assert client.get(url).status_code == 200
    for n in range(5):
        more = _course(world, title=f"Kurs {n}")
        _session(more, world.leader, start=timezone.now() + DAY)
        _session(more, world.leader, start=timezone.now() + 2 * DAY)
    with CaptureQueriesContext(conn) as several:
        page = client.get(url)
    assert len(page.context["items"]) == 6
    assert len(several) == len(one)


def test_course_pages_title_and_heading_agree(world: World, as_user: Any) -> None:
    """Issue 8, item 18: the page title says "Opplæringskurs" like the heading."""
    import re

    course = _course(world)
    for user, url in [
        (world.volunteer, reverse("volunteers:courses")),
        (world.leader, reverse("volunteers:courses")),
        (world.leader, reverse("volunteers:course_detail", args=[course.pk])),
    ]:
        page = as_user(user).get(url).content.decode()
        title = re.search(r"<title>\s*(.*?)\s*–", page, re.S)
        assert title is not None, url
        assert title.group(1) == "Opplæringskurs", url


def test_courses_visible_to_each_role(world: World) -> None:
    """Issue 8, item 21: `Course.objects.visible_to` is the scope the course pages fetch in."""
    from django.contrib.auth.models import AnonymousUser

    from ressursvenn.lib.access import is_scoped

    ours = _course(world)
    theirs = actions.create_course(
        by=world.other_leader, branch=world.other_branch, title="Nordkurs", capacity=5
    )
    seen = {
        who: list(Course.objects.visible_to(getattr(world, who)).order_by("pk"))
        for who in (
            "leader",
            "volunteer",
            "other_leader",
            "other_volunteer",
            "staff",
            "coordinator",
        )
    }
    assert seen == {
        "leader": [ours],
        "volunteer": [ours],
        "other_leader": [theirs],
        "other_volunteer": [theirs],
        "staff": [],
        "coordinator": [],
    }
    assert list(Course.objects.visible_to(AnonymousUser())) == []
    assert is_scoped(Course.objects.visible_to(world.leader), world.leader)


def test_a_course_of_another_branch_is_a_404_for_sign_up(world: World, as_user: Any) -> None:
    theirs = actions.create_course(
        by=world.other_leader, branch=world.other_branch, title="Nordkurs", capacity=5
    )
    client = as_user(world.volunteer)
    assert client.post(reverse("volunteers:course_signup", args=[theirs.pk])).status_code == 404
    assert Enrolment.objects.count() == 0
