"""Every change to training courses: courses, sessions, enrolments, attendance and completion.

Completion of a course is a fact derived from attendance: an enrolment is completed when every
mandatory session of the course was attended, on the date of the last mandatory session. The
volunteer's `course_completed_on` (read by the screening checklist) is the latest completion;
both, and her stored `screening_valid_until`, are updated in the same transaction as the
attendance that changed them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.accounts.models import Role
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import record_change, record_creation
from ressursvenn.organisations.models import Organisation
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    Volunteer,
)

MANAGE = "volunteers.manage_courses"
SIGN_UP = "volunteers.sign_up_for_course"

# Volunteers who may take the course: on their way in, or approved (renewal).
ENROLLABLE = (Volunteer.Status.APPLIED, Volunteer.Status.SCREENING, Volunteer.Status.APPROVED)

# Sessions further back or ahead than this are surely a typing error.
SESSION_PAST_LIMIT = datetime.timedelta(days=366)
SESSION_FUTURE_LIMIT = datetime.timedelta(days=2 * 366)

COURSE_FIELDS = ("branch", "title", "description", "capacity", "is_open_for_signup")
SESSION_FIELDS = ("course", "starts_at", "ends_at", "place", "digital_link", "is_mandatory")


def validate_session(
    *, starts_at: datetime.datetime, ends_at: datetime.datetime, place: str, digital_link: str
) -> None:
    """Raise a ValidationError (per field) for a session that cannot be right."""
    errors: dict[str, str] = {}
    now = timezone.now()
    if starts_at < now - SESSION_PAST_LIMIT:
        errors["starts_at"] = _("Kursdagen kan ikke ha vært for mer enn ett år siden.")
    elif starts_at > now + SESSION_FUTURE_LIMIT:
        errors["starts_at"] = _("Kursdagen kan ikke være mer enn to år fram i tid.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("Slutten må være etter starten.")
    elif ends_at - starts_at > datetime.timedelta(hours=24):
        errors["ends_at"] = _("En kursdag kan vare høyst ett døgn.")
    if not place.strip() and not digital_link.strip():
        errors["place"] = _("Skriv inn et sted eller en lenke til et digitalt møte.")
    if errors:
        raise ValidationError(errors)


def _validate_capacity(capacity: int) -> None:
    if capacity < 1:
        raise ValidationError({"capacity": _("Kurset må ha minst én plass.")})


@transaction.atomic
def create_course(
    *,
    by: Any,
    branch: Organisation,
    title: str,
    description: str = "",
    capacity: int,
    is_open_for_signup: bool = True,
) -> Course:
    """Create a course for one of the group leader's branches.

    Side effects: creates the course and writes the audit trail.
    """
    require(by, MANAGE, branch)
    if branch.kind != Organisation.Kind.BRANCH:
        raise ValidationError({"branch": _("Kurs hører til en lokalforening.")})
    _validate_capacity(capacity)
    course = Course.objects.create(
        branch=branch,
        title=title.strip(),
        description=description.strip(),
        capacity=capacity,
        is_open_for_signup=is_open_for_signup,
        created_by=by,
    )
    record_creation(
        course, by=by, action="course.create", fields=list(COURSE_FIELDS), organisation=branch
    )
    return course


@transaction.atomic
def update_course(
    course: Course,
    *,
    by: Any,
    title: str,
    description: str = "",
    capacity: int,
    is_open_for_signup: bool,
) -> None:
    """Change a course's title, description, capacity or whether volunteers may sign up.

    Side effects: updates the course and writes the audit trail. The capacity cannot go below
    the number of volunteers already enrolled.
    """
    require(by, MANAGE, course)
    locked = Course.objects.select_for_update().get(pk=course.pk)
    _validate_capacity(capacity)
    enrolled = locked.enrolments.count()
    if capacity < enrolled:
        raise ValidationError(
            {
                "capacity": _(
                    "%(enrolled)s er allerede påmeldt. Antall plasser kan ikke være lavere."
                )
                % {"enrolled": enrolled}
            }
        )
    new = {
        "title": title.strip(),
        "description": description.strip(),
        "capacity": capacity,
        "is_open_for_signup": is_open_for_signup,
    }
    changes = {
        name: [getattr(locked, name), value]
        for name, value in new.items()
        if getattr(locked, name) != value
    }
    if not changes:
        return
    for name, value in new.items():
        setattr(locked, name, value)
        setattr(course, name, value)
    locked.save(update_fields=list(new))
    record_change(
        locked, by=by, action="course.update", changes=changes, organisation=locked.branch
    )


@transaction.atomic
def add_session(
    course: Course,
    *,
    by: Any,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str = "",
    digital_link: str = "",
    is_mandatory: bool = True,
) -> CourseSession:
    """Add a session (kursdag) to a course.

    Side effects: creates the session, writes the audit trail and, for a mandatory session,
    recomputes the completion of every enrolled volunteer (a new mandatory session means the
    course is not completed until she has attended it too).
    """
    require(by, MANAGE, course)
    Course.objects.select_for_update().get(pk=course.pk)
    validate_session(starts_at=starts_at, ends_at=ends_at, place=place, digital_link=digital_link)
    session = CourseSession.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        digital_link=digital_link.strip(),
        is_mandatory=is_mandatory,
    )
    record_creation(
        session,
        by=by,
        action="course.add_session",
        fields=list(SESSION_FIELDS),
        organisation=course.branch,
    )
    if is_mandatory:
        volunteer_ids = list(course.enrolments.values_list("volunteer_id", flat=True))
        update_completion(course, volunteer_ids, by=by)
    return session


def _first_start(course: Course) -> datetime.datetime | None:
    first = course.sessions.order_by("starts_at").first()
    return first.starts_at if first else None


def _enrol(course: Course, volunteer: Volunteer, *, by: Any, action: str) -> Enrolment:
    """Enrol under a lock on the course row, so two enrolments cannot pass the capacity."""
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if volunteer.branch_id != locked.branch_id:
        raise ValidationError(_("Ressursvennen hører ikke til lokalforeningen som holder kurset."))
    if volunteer.status not in ENROLLABLE:
        raise ValidationError(
            _("Bare søkere, ressursvenner under vurdering og godkjente kan meldes på kurs.")
        )
    if locked.enrolments.filter(volunteer=volunteer).exists():
        raise ValidationError(_("Hun er allerede påmeldt dette kurset."))
    if locked.enrolments.count() >= locked.capacity:
        raise ValidationError(
            _("Kurset er fullt (%(capacity)s plasser).") % {"capacity": locked.capacity}
        )
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(course=locked, volunteer=volunteer)
    except IntegrityError:  # the same enrolment at the same moment
        raise ValidationError(_("Hun er allerede påmeldt dette kurset.")) from None
    record_change(
        enrolment,
        by=by,
        action=action,
        changes={"course_id": [None, locked.pk], "volunteer_id": [None, volunteer.pk]},
        organisation=locked.branch,
    )
    update_completion(locked, [volunteer.pk], by=by)
    return enrolment


@transaction.atomic
def enrol_volunteer(course: Course, volunteer: Volunteer, *, by: Any) -> Enrolment:
    """A group leader enrols a volunteer of the course's branch.

    Side effects: creates the enrolment (the course row is locked; a full course is refused)
    and writes the audit trail.
    """
    require(by, MANAGE, course)
    return _enrol(course, volunteer, by=by, action="course.enrol")


@transaction.atomic
def sign_up_for_course(course: Course, *, by: Any) -> Enrolment:
    """A volunteer signs herself up for an open course of her branch before it starts.

    Side effects: creates the enrolment (the course row is locked; a full course is refused)
    and writes the audit trail.
    """
    require(by, SIGN_UP, course)
    volunteer = Volunteer.objects.filter(user=by).first()
    if volunteer is None or volunteer.branch_id != course.branch_id:
        raise PermissionDenied
    if not course.is_open_for_signup:
        raise ValidationError(_("Kurset er ikke åpent for påmelding."))
    first = _first_start(course)
    if first is None:
        raise ValidationError(_("Kurset har ingen kursdager ennå."))
    if first <= timezone.now():
        raise ValidationError(_("Kurset har allerede begynt. Ta kontakt med gruppelederen."))
    return _enrol(course, volunteer, by=by, action="course.sign_up")


@transaction.atomic
def cancel_signup(course: Course, *, by: Any) -> None:
    """A volunteer cancels her own enrolment, not after the first session has started.

    Side effects: deletes the enrolment and writes the audit trail.
    """
    require(by, SIGN_UP, course)
    Course.objects.select_for_update().get(pk=course.pk)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(course=course, volunteer__user=by)
        .first()
    )
    if enrolment is None:
        raise ValidationError(_("Du er ikke påmeldt dette kurset."))
    first = _first_start(course)
    if first is not None and first <= timezone.now():
        raise ValidationError(
            _(
                "Kurset har allerede begynt, så du kan ikke melde deg av her. Ta kontakt med "
                "gruppelederen."
            )
        )
    record_change(
        enrolment,
        by=by,
        action="course.cancel_signup",
        changes={"course_id": [course.pk, None], "volunteer_id": [enrolment.volunteer_id, None]},
        organisation=course.branch,
    )
    enrolment.delete()


@transaction.atomic
def record_attendance(
    session: CourseSession, *, by: Any, attended: Mapping[int, bool]
) -> list[int]:
    """Record who attended a session: volunteer id → attended, for enrolled volunteers.

    Side effects: creates or updates attendance rows, writes the audit trail for each change,
    and sets or clears the enrolment's and the volunteer's course completion (same
    transaction). Returns the ids of the volunteers whose completion changed. Refused before
    the session has started and for volunteers not enrolled.
    """
    course = session.course
    require(by, MANAGE, course)
    Course.objects.select_for_update().get(pk=course.pk)
    if session.starts_at > timezone.now():
        raise ValidationError(_("Oppmøte kan registreres når kursdagen har begynt."))
    enrolled = set(course.enrolments.values_list("volunteer_id", flat=True))
    unknown = set(attended) - enrolled
    if unknown:
        raise ValidationError(_("Bare påmeldte kan få registrert oppmøte."))
    existing = {row.volunteer_id: row for row in session.attendance.select_for_update()}
    changed: list[int] = []
    for volunteer_id, present in attended.items():
        row = existing.get(volunteer_id)
        if row is None:
            row = Attendance.objects.create(
                session=session, volunteer_id=volunteer_id, attended=present, recorded_by=by
            )
            before: bool | None = None
        elif row.attended != present:
            before = row.attended
            row.attended = present
            row.recorded_by = by
            row.save(update_fields=["attended", "recorded_by", "recorded_at"])
        else:
            continue
        changed.append(volunteer_id)
        record_change(
            row,
            by=by,
            action="course.record_attendance",
            changes={"attended": [before, present], "volunteer_id": [volunteer_id, volunteer_id]},
            organisation=course.branch,
        )
    return update_completion(course, changed, by=by)


def _session_day(session: CourseSession) -> datetime.date:
    return timezone.localdate(session.starts_at)


def update_completion(course: Course, volunteer_ids: list[int], *, by: Any) -> list[int]:
    """Set or clear completion for these volunteers' enrolments in the course (in a transaction).

    Completed = the course has at least one mandatory session and every mandatory session was
    attended; the date is that of the last mandatory session. The volunteer's
    `course_completed_on` becomes the latest completion; a date not set by an enrolment (an
    import) is kept unless a later completion replaces it. Returns the volunteers changed.
    """
    if not volunteer_ids:
        return []
    mandatory = list(course.sessions.filter(is_mandatory=True).order_by("starts_at", "pk"))
    mandatory_ids = {s.pk for s in mandatory}
    completion_day = _session_day(mandatory[-1]) if mandatory else None
    present: dict[int, set[int]] = {}
    for volunteer_id, session_id in Attendance.objects.filter(
        session_id__in=mandatory_ids, volunteer_id__in=volunteer_ids, attended=True
    ).values_list("volunteer_id", "session_id"):
        present.setdefault(volunteer_id, set()).add(session_id)
    changed: list[int] = []
    enrolments = (
        Enrolment.objects.select_for_update()
        .filter(course=course, volunteer_id__in=volunteer_ids)
        .order_by("pk")
    )
    for enrolment in enrolments:
        done = bool(mandatory_ids) and present.get(enrolment.volunteer_id, set()) >= mandatory_ids
        new = completion_day if done else None
        if enrolment.completed_on == new:
            continue
        old = enrolment.completed_on
        enrolment.completed_on = new
        enrolment.save(update_fields=["completed_on"])
        record_change(
            enrolment,
            by=by,
            action="course.completion",
            changes={"completed_on": [_iso(old), _iso(new)]},
            organisation=course.branch,
        )
        _update_volunteer_completion(enrolment.volunteer_id, old=old, new=new, by=by)
        changed.append(enrolment.volunteer_id)
    return changed


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _update_volunteer_completion(
    volunteer_id: int, *, old: datetime.date | None, new: datetime.date | None, by: Any
) -> None:
    volunteer = (
        Volunteer.objects.select_for_update(of=("self",))
        .select_related("branch")
        .get(pk=volunteer_id)
    )
    current = volunteer.course_completed_on
    if new is not None:
        value = max(current, new) if current else new
    elif old is not None and current == old:
        # The completion that set the date was withdrawn: fall back to the latest other one.
        value = Enrolment.objects.filter(
            volunteer_id=volunteer_id, completed_on__isnull=False
        ).aggregate(latest=Max("completed_on"))["latest"]
    else:
        return
    if value == current:
        return
    volunteer.course_completed_on = value
    volunteer.save(update_fields=["course_completed_on"])
    screening.store_valid_until(volunteer)
    record_change(
        volunteer,
        by=by,
        action="volunteer.course_completed",
        changes={"course_completed_on": [_iso(current), _iso(value)]},
        organisation=volunteer.branch,
    )


def leader_branches(user: Any) -> Any:
    """The active branches the user leads (for choosing a course's or group's branch)."""
    return Organisation.objects.filter(
        pk__in=user.organisation_ids(Role.GROUP_LEADER), kind=Organisation.Kind.BRANCH
    ).order_by("name")
