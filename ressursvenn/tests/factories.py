"""factory_boy factories for the foundation's models."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.apps import apps as django_apps
from django_otp.plugins.otp_totp.models import TOTPDevice

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.organisations import reference
from ressursvenn.organisations.models import Cooperation, Municipality, Organisation

PASSWORD = "riktig-hest-batteri-stift"


def ensure_reference_data() -> None:
    """Reload counties and municipalities when a transactional test has flushed them."""
    if not Municipality.objects.exists():
        reference.load(django_apps)


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


__all__ = ["PASSWORD", "Role", "UserFactory", "member"]
