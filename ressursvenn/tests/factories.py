"""factory_boy factories and builders for the models of every app."""

from __future__ import annotations

import datetime
import importlib
from typing import Any, cast

import factory
from django.apps import apps as django_apps
from django_otp.plugins.otp_totp.models import TOTPDevice

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.organisations import reference
from ressursvenn.organisations.models import Cooperation, Municipality, Organisation

PASSWORD = "riktig-hest-batteri-stift"


# Rows that data migrations load and a transactional test's flush removes.
_DATA_MIGRATIONS = (
    ("ressursvenn.volunteers.migrations.0002_declaration_text_v1", "volunteers.DeclarationText"),
    ("ressursvenn.participants.migrations.0002_consent_text_v1", "participants.ConsentText"),
)


def ensure_reference_data() -> None:
    """Reload the reference data (counties, municipalities, the declaration and consent texts)
    when a transactional test has flushed them."""
    if not Municipality.objects.exists():
        reference.load(django_apps)
    for module_name, model in _DATA_MIGRATIONS:
        if not django_apps.get_model(model).objects.exists():
            importlib.import_module(module_name).forward(django_apps, None)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    kind = Organisation.Kind.BRANCH
    name = factory.Sequence(lambda n: f"Sanitetsforening {n}")

    @factory.post_generation
    def areas(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.municipalities.set(extracted)


def branch(name: str, municipality_code: str) -> Organisation:
    ensure_reference_data()
    municipality = Municipality.objects.get(code=municipality_code)
    return OrganisationFactory(
        name=name, kind=Organisation.Kind.BRANCH, municipality=municipality, areas=[municipality]
    )


def crisis_centre(name: str, municipality_code: str) -> Organisation:
    ensure_reference_data()
    return OrganisationFactory(
        name=name,
        kind=Organisation.Kind.CRISIS_CENTRE,
        municipality=Municipality.objects.get(code=municipality_code),
    )


def national_office() -> Organisation:
    return OrganisationFactory(name="N.K.S. sentralt", kind=Organisation.Kind.NATIONAL)


def cooperation(branch: Organisation, centre: Organisation) -> Cooperation:
    return Cooperation.objects.create(
        branch=branch, crisis_centre=centre, started_on=datetime.date(2025, 1, 1)
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"bruker{n}@example.no")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def totp(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            TOTPDevice.objects.create(user=self, name="app", confirmed=True)
        if create:
            self.save()


def member(organisation: Organisation, role: str, **fields: Any) -> User:
    user = UserFactory(**fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def volunteer(
    branch: Organisation,
    *,
    status: str = "approved",
    user: User | None = None,
    cleared: bool | None = None,
    **fields: Any,
) -> Any:
    """A volunteer of `branch`. `cleared` (default: True when approved) records every screening
    requirement (certificate, course, declaration, suitable interview) as met today; her
    `screening_valid_until` is stored from the rows, as the actions store it."""
    from django.utils import timezone

    from ressursvenn.volunteers import screening
    from ressursvenn.volunteers.models import (
        ConfidentialityDeclaration,
        DeclarationText,
        PoliceCertificate,
        SuitabilityInterview,
        Volunteer,
    )

    today = timezone.localdate()
    municipality = fields.pop("municipality", None) or branch.municipality
    defaults: dict[str, Any] = {
        "full_name": user.full_name if user else "Vera Frivillig",
        "email": user.email if user else "vera@example.no",
        "date_of_birth": datetime.date(today.year - 40, 3, 14),
        "self_declared_woman": True,
        "languages": ["nb"],
        "interests": ["hiking"],
        "offers": ["social_network"],
        "availability": ["evenings"],
        "modes": ["in_person", "digital"],
    }
    defaults.update(fields)
    row = Volunteer.objects.create(
        branch=branch, user=user, status=status, municipality=municipality, **defaults
    )
    if cleared if cleared is not None else status == Volunteer.Status.APPROVED:
        leader = user or UserFactory(totp=False)
        PoliceCertificate.objects.create(
            volunteer=row,
            kind=PoliceCertificate.Kind.ORDINARY,
            issued_on=today - datetime.timedelta(days=30),
            seen_on=today - datetime.timedelta(days=20),
            seen_by=leader,
        )
        text = DeclarationText.objects.order_by("-version").first()
        assert text is not None
        ConfidentialityDeclaration.objects.create(
            volunteer=row,
            text=text,
            method=ConfidentialityDeclaration.Method.PAPER,
            signed_on=today - datetime.timedelta(days=10),
            recorded_by=leader,
        )
        SuitabilityInterview.objects.create(
            volunteer=row,
            held_on=today - datetime.timedelta(days=5),
            interviewer=leader,
            outcome=SuitabilityInterview.Outcome.SUITABLE,
        )
        row.course_completed_on = today - datetime.timedelta(days=15)
        if status == Volunteer.Status.APPROVED:
            row.approved_on = today - datetime.timedelta(days=1)
        row.save(update_fields=["course_completed_on", "approved_on"])
        # As the actions do (without these rows it stays NULL, as it should); a test that
        # changes checklist rows directly calls `screening.refresh_valid_until` again.
        screening.store_valid_until(row)
    return row


def referral(
    centre: Organisation,
    branch: Organisation,
    *,
    status: str = "accepted",
    contact: User | None = None,
    **fields: Any,
) -> Any:
    """A referral from `centre` to `branch` with safety clearance and consent recorded."""
    from django.utils import timezone

    from ressursvenn.participants.models import ConsentText, Referral

    today = timezone.localdate()
    contact = contact or cast(User, UserFactory(totp=False))
    municipality = fields.pop("municipality", None) or branch.municipality
    excluded_volunteers = fields.pop("excluded_volunteers", [])
    defaults: dict[str, Any] = {
        "first_name": "Amina",
        "birth_year": today.year - 35,
        "languages": ["nb"],
        "interests": ["hiking"],
        "needs": ["social_network"],
        "availability": ["evenings"],
        "modes": ["in_person", "digital"],
        "safety_assessed_on": today - datetime.timedelta(days=3),
        "safety_assessed_by": contact,
        "consent_text": ConsentText.objects.order_by("-version").first(),
        "consent_scope": ["matching"],
        "consent_given_on": today - datetime.timedelta(days=3),
    }
    if status != Referral.Status.DRAFT:
        defaults["submitted_at"] = timezone.now() - datetime.timedelta(days=2)
    if status in ("accepted", "proposed", "matched"):
        defaults["waiting_since"] = timezone.now() - datetime.timedelta(days=1)
    defaults.update(fields)
    row = Referral.objects.create(
        centre=centre,
        branch=branch,
        contact=contact,
        created_by=contact,
        status=status,
        municipality=municipality,
        **defaults,
    )
    if excluded_volunteers:
        row.excluded_volunteers.set(excluded_volunteers)
    return row


def match(referral_row: Any, volunteer_row: Any, *, status: str = "proposed", **fields: Any) -> Any:
    """A match between a referral and a volunteer of the referral's branch."""
    from ressursvenn.matching.models import Match

    proposed_by = fields.pop("proposed_by", None) or UserFactory(totp=False)
    return Match.objects.create(
        referral=referral_row,
        volunteer=volunteer_row,
        branch=referral_row.branch,
        status=status,
        proposed_by=proposed_by,
        **fields,
    )


__all__ = ["PASSWORD", "Role", "UserFactory", "match", "member", "referral", "volunteer"]
