"""Courses and guidance groups in the access matrix.

Leader pages: the branch's group leader only; another branch's leader gets 404 (the rows are
in world.branch); other roles 403. The course list also serves volunteers (their branch's
courses). Sign-up and cancel are POST only, for a volunteer of the course's branch.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ressursvenn.tests.access import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Entry,
    signed_in,
)
from ressursvenn.tests.factories import volunteer
from ressursvenn.volunteers.models import (
    Course,
    CourseSession,
    Enrolment,
    GuidanceGroup,
    GuidanceSession,
)


def _course(world: Any) -> Course:
    course = Course.objects.create(
        branch=world.branch, title="Grunnkurs", capacity=10, created_by=world.leader
    )
    start = timezone.now() + datetime.timedelta(days=7)
    CourseSession.objects.create(
        course=course, starts_at=start, ends_at=start + datetime.timedelta(hours=3), place="Sal 2"
    )
    sara = volunteer(world.branch, status="screening", full_name="Sara Søker")
    Enrolment.objects.create(course=course, volunteer=sara)
    return course


def _course_kwargs(world: Any) -> dict[str, Any]:
    return {"pk": _course(world).pk}


def _session_kwargs(world: Any) -> dict[str, Any]:
    course = _course(world)
    start = timezone.now() - datetime.timedelta(days=1)
    session = CourseSession.objects.create(
        course=course, starts_at=start, ends_at=start + datetime.timedelta(hours=3), place="Sal 2"
    )
    return {"pk": session.pk}


def _group(world: Any) -> GuidanceGroup:
    group = GuidanceGroup.objects.create(
        branch=world.branch, name="Veiledning høst", created_by=world.leader
    )
    group.members.add(world.volunteer.volunteer)
    return group


def _group_kwargs(world: Any) -> dict[str, Any]:
    return {"pk": _group(world).pk}


def _guidance_session_kwargs(world: Any) -> dict[str, Any]:
    session = GuidanceSession.objects.create(
        group=_group(world), starts_at=timezone.now() - datetime.timedelta(days=1), place="Sal 1"
    )
    return {"pk": session.pk}


REFUSED = (FORBIDDEN, FORBIDDEN)
HIDDEN = (NOT_FOUND, NOT_FOUND)


def _leader_form() -> dict[str, Any]:
    """GET shows the form, an empty POST re-renders it with errors."""
    return signed_in({"leader": (OK, OK), "other_leader": HIDDEN}, refused=REFUSED)


def _leader_page() -> dict[str, Any]:
    return signed_in(
        {"leader": (OK, NOT_ALLOWED), "other_leader": (NOT_FOUND, NOT_ALLOWED)}, refused=REFUSED
    )


def _refused_get_405(post: dict[str, Any]) -> dict[str, Any]:
    expect = signed_in({}, refused=(NOT_ALLOWED, FORBIDDEN))
    expect.update(post)
    return expect


ENTRIES = {
    "volunteers:courses": Entry(
        signed_in(
            {
                "leader": (OK, NOT_ALLOWED),
                "other_leader": (OK, NOT_ALLOWED),
                "volunteer": (OK, NOT_ALLOWED),
            },
            refused=(FORBIDDEN, NOT_ALLOWED),
        )
    ),
    "volunteers:course_create": Entry(
        signed_in({"leader": (OK, OK), "other_leader": (OK, OK)}, refused=REFUSED)
    ),
    "volunteers:course_detail": Entry(_leader_page(), kwargs=_course_kwargs),
    "volunteers:course_edit": Entry(_leader_form(), kwargs=_course_kwargs),
    "volunteers:session_add": Entry(_leader_form(), kwargs=_course_kwargs),
    "volunteers:enrol": Entry(_leader_form(), kwargs=_course_kwargs),
    "volunteers:attendance": Entry(_leader_form(), kwargs=_session_kwargs),
    # POST only: the volunteer of the branch signs up (or is told she is not enrolled).
    "volunteers:course_signup": Entry(
        _refused_get_405({"volunteer": (NOT_ALLOWED, REDIRECT)}), kwargs=_course_kwargs
    ),
    "volunteers:course_cancel_signup": Entry(
        _refused_get_405({"volunteer": (NOT_ALLOWED, REDIRECT)}), kwargs=_course_kwargs
    ),
    "volunteers:guidance_groups": Entry(
        signed_in({"leader": (OK, NOT_ALLOWED), "other_leader": (OK, NOT_ALLOWED)}, refused=REFUSED)
    ),
    "volunteers:guidance_create": Entry(
        signed_in({"leader": (OK, OK), "other_leader": (OK, OK)}, refused=REFUSED)
    ),
    "volunteers:guidance_detail": Entry(_leader_page(), kwargs=_group_kwargs),
    # An empty POST is a valid choice: nobody ticked, the group has no members.
    "volunteers:guidance_members": Entry(
        signed_in({"leader": (OK, REDIRECT), "other_leader": HIDDEN}, refused=REFUSED),
        kwargs=_group_kwargs,
    ),
    "volunteers:guidance_session_add": Entry(_leader_form(), kwargs=_group_kwargs),
    "volunteers:guidance_attendance": Entry(_leader_form(), kwargs=_guidance_session_kwargs),
}
