"""Whether a volunteer meets every screening requirement on a given day, and what is missing.

One place decides this for the approval guard, the group leader's checklist, the volunteer's
own page and the matching adapter. `checklist()` reads the rows already fetched on the
volunteer (use `with_checklist()` to prefetch them for many volunteers at once).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
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
