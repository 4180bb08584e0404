"""Whether a volunteer meets every screening requirement on a given day, and what is missing.

One place decides this for the approval guard, the group leader's checklist, the volunteer's
own page and the matching adapter. `checklist()` reads the rows already fetched on the
volunteer (use `with_checklist()` to prefetch them for many volunteers at once).

For many volunteers at once (the matching adapter: 20,000 in a branch) the same rules are
stored: `Volunteer.screening_valid_until` is the last day on which every requirement holds
(`valid_until_from`, from the same rows the checklist reads), NULL when one is not met at all.
`cleared_q(today)` is "every requirement holds today" as a filter on that column and the date
of birth. Every action that changes a checklist row or `course_completed_on` calls
`refresh_valid_until()` in its transaction; so must any code that writes those rows in bulk
(seeds, benchmarks) after it has written them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ressursvenn.volunteers.models import (
    BranchPolicy,
    ConfidentialityDeclaration,
    PoliceCertificate,
    Reference,
    SuitabilityInterview,
    Volunteer,
)

# Requirement codes, in the order the checklist shows them.
AGE = "age"
WOMAN = "woman"
POLICE_CERTIFICATE = "police_certificate"
COURSE = "course"
DECLARATION = "declaration"
INTERVIEW = "interview"
REFERENCES = "references"
REQUIREMENTS = (AGE, WOMAN, POLICE_CERTIFICATE, COURSE, DECLARATION, INTERVIEW, REFERENCES)

TITLES: dict[str, Promise] = {
    AGE: _("Alder"),
    WOMAN: _("Kvinne (egenerklæring)"),
    POLICE_CERTIFICATE: _("Politiattest"),
    COURSE: _("Opplæringskurs"),
    DECLARATION: _("Taushetserklæring"),
    INTERVIEW: _("Egnethetssamtale"),
    REFERENCES: _("Referanser"),
}


@dataclass(frozen=True)
class Item:
    code: str
    title: Promise
    done: bool
    detail: str


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def certificate_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.POLICE_CERTIFICATE_MAX_AGE_DAYS)


def certificate_renewal_due(seen_on: datetime.date) -> datetime.date | None:
    years = settings.POLICE_CERTIFICATE_RENEWAL_YEARS
    return add_years(seen_on, years) if years else None


def course_valid_until(completed_on: datetime.date) -> datetime.date | None:
    years = settings.COURSE_RENEWAL_YEARS
    return add_years(completed_on, years) if years else None


def with_checklist(volunteers: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    """Prefetch what `checklist()` reads, in a fixed number of queries for any number of rows."""
    return volunteers.select_related("branch__volunteer_policy").prefetch_related(
        Prefetch(
            "police_certificates",
            queryset=PoliceCertificate.objects.order_by("-seen_on", "-pk"),
        ),
        Prefetch(
            "declarations",
            queryset=ConfidentialityDeclaration.objects.select_related("text").order_by(
                "-signed_on", "-pk"
            ),
        ),
        Prefetch("interviews", queryset=SuitabilityInterview.objects.order_by("-held_on", "-pk")),
        Prefetch("references", queryset=Reference.objects.all()),
    )


def references_required(volunteer: Volunteer) -> int:
    """How many good references her branch requires (0: none)."""
    try:
        return volunteer.branch.volunteer_policy.references_required
    except BranchPolicy.DoesNotExist:
        return 0


def checklist(volunteer: Volunteer, today: datetime.date | None = None) -> list[Item]:
    """Every requirement with whether it holds on `today` and a short explanation."""
    today = today or timezone.localdate()
    items: list[Item] = []
    min_age = settings.VOLUNTEER_MIN_AGE
    age = volunteer.age(today)
    items.append(
        Item(
            AGE,
            TITLES[AGE],
            age >= min_age,
            str(_("%(age)s år (minst %(min)s)") % {"age": age, "min": min_age}),
        )
    )
    items.append(
        Item(
            WOMAN,
            TITLES[WOMAN],
            volunteer.self_declared_woman,
            str(_("Erklært i søknaden") if volunteer.self_declared_woman else _("Ikke erklært")),
        )
    )

    certificates = list(volunteer.police_certificates.all())
    certificate = certificates[0] if certificates else None
    if certificate is None:
        items.append(
            Item(POLICE_CERTIFICATE, TITLES[POLICE_CERTIFICATE], False, str(_("Ikke sett")))
        )
    else:
        due = certificate.renewal_due_on
        expired = due is not None and due < today
        items.append(
            Item(
                POLICE_CERTIFICATE,
                TITLES[POLICE_CERTIFICATE],
                not expired,
                str(
                    _("Må fornyes – fristen var %(due)s") % {"due": due.strftime("%d.%m.%Y")}
                    if expired and due
                    else _("Sett %(seen)s") % {"seen": certificate.seen_on.strftime("%d.%m.%Y")}
                ),
            )
        )

    completed = volunteer.course_completed_on
    if completed is None:
        items.append(Item(COURSE, TITLES[COURSE], False, str(_("Ikke fullført"))))
    else:
        valid_until = course_valid_until(completed)
        expired = valid_until is not None and valid_until < today
        items.append(
            Item(
                COURSE,
                TITLES[COURSE],
                not expired,
                str(
                    _("Må tas på nytt – gyldig til %(until)s")
                    % {"until": valid_until.strftime("%d.%m.%Y")}
                    if expired and valid_until
                    else _("Fullført %(day)s") % {"day": completed.strftime("%d.%m.%Y")}
                ),
            )
        )

    declarations = list(volunteer.declarations.all())
    items.append(
        Item(
            DECLARATION,
            TITLES[DECLARATION],
            bool(declarations),
            str(
                _("Signert %(day)s (versjon %(version)s)")
                % {
                    "day": declarations[0].signed_on.strftime("%d.%m.%Y"),
                    "version": declarations[0].text.version,
                }
                if declarations
                else _("Ikke signert")
            ),
        )
    )

    interviews = list(volunteer.interviews.all())
    interview = interviews[0] if interviews else None
    suitable = interview is not None and interview.outcome == SuitabilityInterview.Outcome.SUITABLE
    items.append(
        Item(
            INTERVIEW,
            TITLES[INTERVIEW],
            suitable,
            str(
                _("Ikke holdt")
                if interview is None
                else _("%(day)s: %(outcome)s")
                % {
                    "day": interview.held_on.strftime("%d.%m.%Y"),
                    "outcome": interview.get_outcome_display(),
                }
            ),
        )
    )

    required = references_required(volunteer)
    if required:
        positive = sum(1 for reference in volunteer.references.all() if reference.is_positive)
        items.append(
            Item(
                REFERENCES,
                TITLES[REFERENCES],
                positive >= required,
                str(
                    _("%(have)s av %(need)s gode referanser") % {"have": positive, "need": required}
                ),
            )
        )
    return items


def missing(volunteer: Volunteer, today: datetime.date | None = None) -> list[Item]:
    """The requirements that do not hold on `today` (empty: she may be approved)."""
    return [item for item in checklist(volunteer, today) if not item.done]


def is_cleared(volunteer: Volunteer, today: datetime.date | None = None) -> bool:
    """Every screening requirement holds today."""
    return not missing(volunteer, today)


# --- the stored form of the same rules -----------------------------------------------------

NEVER = datetime.date.max
"""`screening_valid_until` when nothing she has will lapse (no renewal years configured)."""

REFRESH_CHUNK = 500


def valid_until_from(
    *,
    woman: bool,
    course_completed_on: datetime.date | None,
    has_certificate: bool,
    certificate_due: datetime.date | None,
    declared: bool,
    interview_outcome: str | None,
    positive_references: int,
    references_required: int,
) -> datetime.date | None:
    """The last day on which every requirement but the age holds, or None if one never does.

    The inputs are what `checklist()` reads: the latest police certificate (by seen date) and
    its renewal day, the course completion, any declaration, the latest interview's outcome
    and the good references against the branch's requirement. For every day `d`:
    `is_cleared(v, d)` ⇔ age ≥ minimum on `d` and `d ≤ valid_until_from(...)`.
    """
    if not (
        woman
        and has_certificate
        and course_completed_on is not None
        and declared
        and interview_outcome == SuitabilityInterview.Outcome.SUITABLE
        and positive_references >= references_required
    ):
        return None
    return min(certificate_due or NEVER, course_valid_until(course_completed_on) or NEVER)


def valid_until(volunteer: Volunteer) -> datetime.date | None:
    """`valid_until_from` for one volunteer, from the rows `with_checklist()` prefetches."""
    certificates = list(volunteer.police_certificates.all())
    interviews = list(volunteer.interviews.all())
    required = references_required(volunteer)
    return valid_until_from(
        woman=volunteer.self_declared_woman,
        course_completed_on=volunteer.course_completed_on,
        has_certificate=bool(certificates),
        certificate_due=certificates[0].renewal_due_on if certificates else None,
        declared=bool(list(volunteer.declarations.all())),
        interview_outcome=interviews[0].outcome if interviews else None,
        positive_references=(
            sum(1 for reference in volunteer.references.all() if reference.is_positive)
            if required
            else 0
        ),
        references_required=required,
    )


def age_cutoff(today: datetime.date) -> datetime.date:
    """The latest date of birth of a volunteer old enough on `today`."""
    return add_years(today, -settings.VOLUNTEER_MIN_AGE)


def cleared_q(today: datetime.date | None = None) -> Q:
    """Every screening requirement holds on `today`, as a filter on indexed columns."""
    today = today or timezone.localdate()
    return Q(screening_valid_until__gte=today, date_of_birth__lte=age_cutoff(today))


def valid_until_map(
    volunteer_ids: Iterable[int], *, apps: Any = global_apps
) -> dict[int, datetime.date | None]:
    """`valid_until_from` for each volunteer, from the rows, in six queries per chunk.

    `apps` is the app registry: the data migration passes its historical one, so only field
    names are used here (no model methods, managers or prefetches).
    """
    model = apps.get_model("volunteers", "Volunteer")
    certificate_model = apps.get_model("volunteers", "PoliceCertificate")
    declaration_model = apps.get_model("volunteers", "ConfidentialityDeclaration")
    interview_model = apps.get_model("volunteers", "SuitabilityInterview")
    reference_model = apps.get_model("volunteers", "Reference")
    policy_model = apps.get_model("volunteers", "BranchPolicy")
    ids = sorted(set(volunteer_ids))
    result: dict[int, datetime.date | None] = {}
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        rows = list(
            model.objects.filter(pk__in=chunk).values_list(
                "pk", "branch_id", "self_declared_woman", "course_completed_on"
            )
        )
        due: dict[int, datetime.date | None] = {}
        for volunteer_id, renewal_due_on in (
            certificate_model.objects.filter(volunteer_id__in=chunk)
            .order_by("volunteer_id", "-seen_on", "-pk")
            .values_list("volunteer_id", "renewal_due_on")
        ):
            due.setdefault(volunteer_id, renewal_due_on)  # the first is the latest
        outcome: dict[int, str] = {}
        for volunteer_id, value in (
            interview_model.objects.filter(volunteer_id__in=chunk)
            .order_by("volunteer_id", "-held_on", "-pk")
            .values_list("volunteer_id", "outcome")
        ):
            outcome.setdefault(volunteer_id, value)
        declared = set(
            declaration_model.objects.filter(volunteer_id__in=chunk).values_list(
                "volunteer_id", flat=True
            )
        )
        required = dict(
            policy_model.objects.filter(
                branch_id__in={row[1] for row in rows}, references_required__gt=0
            ).values_list("branch_id", "references_required")
        )
        positive: dict[int, int] = {}
        if required:
            positive = dict(
                reference_model.objects.filter(volunteer_id__in=chunk, is_positive=True)
                .order_by()
                .values("volunteer_id")
                .annotate(n=Count("pk"))
                .values_list("volunteer_id", "n")
            )
        for pk, branch_id, woman, completed in rows:
            result[pk] = valid_until_from(
                woman=woman,
                course_completed_on=completed,
                has_certificate=pk in due,
                certificate_due=due.get(pk),
                declared=pk in declared,
                interview_outcome=outcome.get(pk),
                positive_references=positive.get(pk, 0),
                references_required=required.get(branch_id, 0),
            )
    return result


def refresh_valid_until(volunteer_ids: Iterable[int], *, apps: Any = global_apps) -> int:
    """Recompute and store `screening_valid_until` of these volunteers; returns how many changed.

    Actions call it in their transaction, with the volunteer's row locked, after they changed a
    checklist row. Not audited: the value is derived from rows whose changes are.
    """
    model = apps.get_model("volunteers", "Volunteer")
    computed = valid_until_map(volunteer_ids, apps=apps)
    stored = dict(
        model.objects.filter(pk__in=list(computed)).values_list("pk", "screening_valid_until")
    )
    by_value: dict[datetime.date | None, list[int]] = {}
    for pk, value in computed.items():
        if stored.get(pk) != value:
            by_value.setdefault(value, []).append(pk)
    for value, pks in by_value.items():
        for start in range(0, len(pks), REFRESH_CHUNK):
            model.objects.filter(pk__in=pks[start : start + REFRESH_CHUNK]).update(
                screening_valid_until=value
            )
    return sum(len(pks) for pks in by_value.values())


def refresh_all_valid_until(*, apps: Any = global_apps) -> int:
    """`refresh_valid_until` for every volunteer (the data migration; after a change of the
    renewal settings or of a branch's reference requirement)."""
    model = apps.get_model("volunteers", "Volunteer")
    return refresh_valid_until(model.objects.values_list("pk", flat=True), apps=apps)


def store_valid_until(volunteer: Volunteer) -> datetime.date | None:
    """Recompute and store one volunteer's value (a few queries and an update) and set it on
    the instance too. For an action, inside its transaction, with her row locked."""
    value = valid_until_map([volunteer.pk])[volunteer.pk]
    Volunteer.objects.filter(pk=volunteer.pk).update(screening_valid_until=value)
    volunteer.screening_valid_until = value
    return value
