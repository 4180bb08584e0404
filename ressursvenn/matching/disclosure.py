"""Staged disclosure: what each role may see of the other party of a match, by match state.

The match pages show only the facts this module returns; templates never reach into the
referral or the volunteer themselves. The rules (issue 4, part 5; DESIGN.md §2):

| viewer              | of the woman                                   | of the volunteer          |
| ------------------- | ---------------------------------------------- | ------------------------- |
| group leader        | everything the match needs (her branch)        | everything (her branch)   |
| crisis-centre staff | everything (the centre's own referral)         | first name, age band;     |
|                     |                                                | after the koblingsmøte    |
|                     |                                                | also e-mail and phone     |
| the volunteer       | first name, age band, general area, interests, | (herself: nothing shown)  |
|                     | what she wants help with, when and how she can |                           |
|                     | meet; after the koblingsmøte also the contact  |                           |
|                     | ways                                           |                           |
|                     | the woman agreed to ("via the centre" → only   |                           |
|                     | that)                                          |                           |

"After the koblingsmøte" means `contact_shared()`: the match is active, paused or ending. A
closed match shows the history, not the contact details any more; a paused match (for safety)
hides the woman's contact ways from the volunteer until it resumes. Why the
centre gets the volunteer's e-mail and phone then: once the pair is active the centre contact
is the woman's safety net and must be able to reach the volunteer directly (concerns, a
paused match) without going through the branch. Before it, the centre needs only enough to
prepare the woman (first name, age band).

Nobody else sees anything: `Match.objects.visible_to` keeps other branches, centres and
volunteers out (404) before this module is asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ressursvenn.accounts.models import Role
from ressursvenn.lib.vocabulary import (
    Availability,
    Interest,
    Language,
    Need,
    age_band,
    labels,
)
from ressursvenn.lib.vocabulary import (
    Mode as ProfileMode,
)
from ressursvenn.participants.models import Referral

LEADER = "leader"
CENTRE = "centre"
VOLUNTEER = "volunteer"

# Role stored in the access log for each viewer kind.
ACCESS_ROLE = {LEADER: Role.GROUP_LEADER, CENTRE: Role.CRISIS_STAFF, VOLUNTEER: Role.VOLUNTEER}

# Field keys per viewer and stage; the template renders them in this order.
# What the volunteer needs to decide on a proposal: who (roughly), what help, when and how.
WOMAN_BASIC = (
    "first_name",
    "age_band",
    "area",
    "interests",
    "needs",
    "availability",
    "modes",
)
WOMAN_CONTACT = ("contact_channel", "contact_value", "contact_times", "may_leave_message")
WOMAN_FULL = (
    "first_name",
    "age",
    "area",
    "languages",
    "required_languages",
    "interpreter",
    "interests",
    "needs",
    "availability",
    "modes",
    "children",
    *WOMAN_CONTACT,
)
VOLUNTEER_BASIC = ("first_name", "age_band")
VOLUNTEER_CONTACT = ("email", "phone")
VOLUNTEER_FULL = ("full_name", "age", "area", "interests", "offers", *VOLUNTEER_CONTACT)


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    value: str
    phone: bool = False
    """The value is a phone number: shown grouped, as a `tel:` link."""


@dataclass(frozen=True)
class Disclosure:
    viewer: str  # LEADER, CENTRE or VOLUNTEER
    woman: list[Fact] = field(default_factory=list)
    volunteer: list[Fact] = field(default_factory=list)

    @property
    def woman_keys(self) -> list[str]:
        return [fact.key for fact in self.woman]

    @property
    def volunteer_keys(self) -> list[str]:
        return [fact.key for fact in self.volunteer]


def viewer_kind(user: Any, match: Any) -> str | None:
    """The most informed role in which `user` sees `match` (None: she may not see it)."""
    if match.branch_id in user.organisation_ids(Role.GROUP_LEADER):
        return LEADER
    if match.referral.centre_id in user.organisation_ids(Role.CRISIS_STAFF):
        return CENTRE
    if user.has_role(Role.VOLUNTEER) and match.volunteer.user_id == user.pk:
        return VOLUNTEER
    return None


def contact_shared(match: Any) -> bool:
    """The two may reach each other: after the koblingsmøte led to a match, until it is closed
    (a closed match shows the history, not the contact details)."""
    return bool(match.meeting_held and match.status != match.Status.CLOSED)


def woman_keys(viewer: str, match: Any) -> tuple[str, ...]:
    """Which of the woman's facts `viewer` may see in the match's present state. While the
    match is paused (for safety) the volunteer does not see the woman's contact ways."""
    keys: tuple[str, ...]
    if viewer in (LEADER, CENTRE):
        keys = WOMAN_FULL
    elif viewer == VOLUNTEER:
        paused = match.status == match.Status.PAUSED
        keys = WOMAN_BASIC + (WOMAN_CONTACT if contact_shared(match) and not paused else ())
    else:
        return ()
    if match.referral.contact_channel == Referral.Channel.VIA_CENTRE:
        # "Only through the crisis centre": the channel says so, and nothing else is shown.
        keys = tuple(key for key in keys if key not in WOMAN_CONTACT[1:])
    return keys


def volunteer_keys(viewer: str, match: Any) -> tuple[str, ...]:
    """Which of the volunteer's facts `viewer` may see in the match's present state."""
    if viewer == LEADER:
        return VOLUNTEER_FULL
    if viewer == CENTRE:
        return VOLUNTEER_BASIC + (VOLUNTEER_CONTACT if contact_shared(match) else ())
    return ()


def _area(municipality: Any, district: Any) -> str:
    if district is not None:
        return f"{district.name}, {municipality.name}"
    return str(municipality.name)


def _join(values: list[str]) -> str:
    return ", ".join(values) if values else _("Ikke oppgitt")


def _years(band: str) -> str:
    return _("%(band)s år") % {"band": band}


def _yes_no(value: bool) -> str:
    return _("Ja") if value else _("Nei")


def _woman_fact(key: str, referral: Any) -> Fact:
    values: dict[str, tuple[str, Any]] = {
        "first_name": (_("Fornavn"), lambda: referral.first_name),
        "age_band": (_("Alder"), lambda: _years(age_band(referral.age()))),
        "age": (_("Alder"), lambda: str(referral.age())),
        "area": (_("Område"), lambda: _area(referral.municipality, referral.district)),
        "languages": (_("Språk"), lambda: _join(labels(Language, referral.languages))),
        "required_languages": (
            _("Språk ressursvennen må snakke"),
            lambda: _join(labels(Language, referral.required_languages)),
        ),
        "interpreter": (_("Trenger tolk"), lambda: _yes_no(referral.interpreter_needed)),
        "interests": (_("Interesser"), lambda: _join(labels(Interest, referral.interests))),
        "needs": (_("Trenger hjelp med"), lambda: _join(labels(Need, referral.needs))),
        "availability": (
            _("Tilgjengelighet"),
            lambda: _join(labels(Availability, referral.availability)),
        ),
        "modes": (_("Møteform"), lambda: _join(labels(ProfileMode, referral.modes))),
        "children": (_("Antall barn"), lambda: str(referral.children_count)),
        "contact_channel": (
            _("Trygg måte å kontakte henne på"),
            lambda: referral.get_contact_channel_display(),
        ),
        "contact_value": (_("Telefonnummer eller e-post"), lambda: referral.contact_value),
        "contact_times": (
            _("Trygge tider"),
            lambda: _join(labels(Referral.ContactTime, referral.contact_times)),
        ),
        "may_leave_message": (
            _("Trygt å legge igjen beskjed"),
            lambda: _yes_no(referral.may_leave_message),
        ),
    }
    label, value = values[key]
    phone = key == "contact_value" and referral.contact_channel in (
        Referral.Channel.PHONE,
        Referral.Channel.SMS,
    )
    text = value()
    return Fact(key, str(label), str(text or _("Ikke oppgitt")), phone=bool(phone and text))


def _volunteer_fact(key: str, volunteer: Any) -> Fact:
    values: dict[str, tuple[str, Any]] = {
        "first_name": (_("Fornavn"), lambda: volunteer.first_name),
        "full_name": (_("Navn"), lambda: volunteer.full_name),
        "age_band": (_("Alder"), lambda: _years(age_band(volunteer.age()))),
        "age": (_("Alder"), lambda: str(volunteer.age())),
        "area": (_("Område"), lambda: _area(volunteer.municipality, volunteer.district)),
        "interests": (_("Interesser"), lambda: _join(labels(Interest, volunteer.interests))),
        "offers": (_("Kan hjelpe med"), lambda: _join(labels(Need, volunteer.offers))),
        "email": (_("E-post"), lambda: volunteer.email),
        "phone": (_("Telefon"), lambda: volunteer.phone),
    }
    label, value = values[key]
    text = value()
    return Fact(
        key, str(label), str(text or _("Ikke oppgitt")), phone=key == "phone" and bool(text)
    )


def disclose(user: Any, match: Any) -> Disclosure | None:
    """What `user` may see of the woman and of the volunteer of `match` (None: nothing).

    `match` should come with referral (municipality, district) and volunteer (municipality,
    district) selected, so this makes no queries of its own.
    """
    viewer = viewer_kind(user, match)
    if viewer is None:
        return None
    return Disclosure(
        viewer=viewer,
        woman=[_woman_fact(key, match.referral) for key in woman_keys(viewer, match)],
        volunteer=[_volunteer_fact(key, match.volunteer) for key in volunteer_keys(viewer, match)],
    )
