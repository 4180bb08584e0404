"""manage.py seed_scale at a tiny scale: counts, consistency and refusals."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.demo.management.commands.seed_scale import FULL_SCALE, scaled
from ressursvenn.matching.models import Match
from ressursvenn.organisations.models import Cooperation, Organisation
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def test_scaled_counts() -> None:
    assert scaled(1) == FULL_SCALE
    assert scaled(0.001) == {
        "branches": 1,
        "centres": 1,
        "volunteers": 20,
        "referrals": 10,
        "matches": 8,
    }


def test_tiny_scale_creates_consistent_data() -> None:
    output = run("--scale", "0.001")
    assert "branches 1, centres 1, volunteers 20, referrals 10" in output
    assert Organisation.objects.filter(kind=Organisation.Kind.BRANCH).count() == 1
    assert Organisation.objects.filter(kind=Organisation.Kind.CRISIS_CENTRE).count() == 1
    assert Cooperation.objects.count() == 1
    assert Volunteer.objects.count() == 20
    assert Referral.objects.count() == 10
    assert 1 <= Match.objects.count() <= 8
    assert not any(user.has_usable_password() for user in User.objects.all())
    assert set(Membership.objects.values_list("role", flat=True)) <= {
        Role.GROUP_LEADER,
        Role.CRISIS_STAFF,
        Role.VOLUNTEER,
    }

    for v in screening.with_checklist(Volunteer.objects.filter(status="approved")):
        assert screening.is_cleared(v), screening.missing(v)
    busy = Match.objects.open().values("volunteer").annotate(count=Count("pk"))
    for row in busy:
        assert row["count"] <= Volunteer.objects.get(pk=row["volunteer"]).capacity
    for match in Match.objects.select_related("referral", "volunteer"):
        assert match.volunteer.status == Volunteer.Status.APPROVED
        assert match.branch_id == match.referral.branch_id == match.volunteer.branch_id
        if match.status in Match.OPEN_STATUSES:
            assert match.referral.status in (Referral.Status.PROPOSED, Referral.Status.MATCHED)


def test_refuses_a_database_with_organisations_unless_forced() -> None:
    run("--scale", "0.001")
    with pytest.raises(CommandError, match="already holds organisations"):
        run("--scale", "0.001")
    assert Volunteer.objects.count() == 20
    run("--scale", "0.001", "--force")
    assert Volunteer.objects.count() == 40
    assert Organisation.objects.filter(kind=Organisation.Kind.BRANCH).count() == 2


@pytest.mark.parametrize("scale", ["0", "-1", "11"])
def test_refuses_a_nonsense_scale(scale: str) -> None:
    with pytest.raises(CommandError, match="--scale"):
        run("--scale", scale)
    assert not Organisation.objects.exists()


def test_refuses_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run("--scale", "0.001")
    assert not Organisation.objects.exists()
