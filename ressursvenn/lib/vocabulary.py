"""The shared words of volunteer and participant profiles, as translatable choices.

The codes are the ones the matching engine knows (`matching.engine.labels`); a test keeps the
two lists the same. Profiles store lists of codes in JSON fields.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Need(models.TextChoices):
    """What a woman needs help with = what a volunteer can help with."""

    JOB_SEARCH = "job_search", _("Jobbsøking")
    HOUSING = "housing", _("Bolig")
    PUBLIC_SERVICES = "public_services", _("NAV og offentlige tjenester")
    NORWEGIAN_PRACTICE = "norwegian_practice", _("Norsktrening")
    FINANCES = "finances", _("Økonomi")
    CHILDREN_ACTIVITIES = "children_activities", _("Aktiviteter for barn")
    PHYSICAL_ACTIVITY = "physical_activity", _("Fysisk aktivitet")
    SOCIAL_NETWORK = "social_network", _("Sosialt nettverk")


class Availability(models.TextChoices):
    WEEKDAY_DAYTIME = "weekday_daytime", _("Hverdager på dagtid")
    EVENINGS = "evenings", _("Kvelder")
    WEEKENDS = "weekends", _("Helger")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("Fysisk oppmøte")
    DIGITAL = "digital", _("Digitalt (video eller telefon)")


class Language(models.TextChoices):
    NORWEGIAN = "nb", _("Norsk")
    ENGLISH = "en", _("Engelsk")
    ARABIC = "ar", _("Arabisk")
    SOMALI = "so", _("Somali")
    TIGRINYA = "ti", _("Tigrinja")
    PERSIAN = "fa", _("Persisk")
    DARI = "prs", _("Dari")
    PASHTO = "ps", _("Pashto")
    KURDISH = "ku", _("Kurdisk")
    TURKISH = "tr", _("Tyrkisk")
    URDU = "ur", _("Urdu")
    POLISH = "pl", _("Polsk")
    LITHUANIAN = "lt", _("Litauisk")
    UKRAINIAN = "uk", _("Ukrainsk")
    RUSSIAN = "ru", _("Russisk")
    SPANISH = "es", _("Spansk")
    FRENCH = "fr", _("Fransk")
    GERMAN = "de", _("Tysk")
    SWEDISH = "sv", _("Svensk")
    THAI = "th", _("Thai")


class Interest(models.TextChoices):
    HIKING = "hiking", _("Turgåing")
    NATURE = "nature", _("Natur")
    KNITTING = "knitting", _("Strikking")
    CRAFTS = "crafts", _("Håndarbeid")
    COOKING = "cooking", _("Matlaging")
    BAKING = "baking", _("Baking")
    READING = "reading", _("Lesing")
    MUSIC = "music", _("Musikk")
    SINGING = "singing", _("Sang")
    DANCING = "dancing", _("Dans")
    ART = "art", _("Kunst")
    GARDENING = "gardening", _("Hagearbeid")
    EXERCISE = "exercise", _("Trening")
    SWIMMING = "swimming", _("Svømming")
    CYCLING = "cycling", _("Sykling")
    SKIING = "skiing", _("Skigåing")
    FOOTBALL = "football", _("Fotball")
    FILMS = "films", _("Film")
    THEATRE = "theatre", _("Teater")
    CAFES = "cafes", _("Kafébesøk")
    FISHING = "fishing", _("Fiske")
    PHOTOGRAPHY = "photography", _("Fotografering")
    GAMES = "games", _("Spill")
    VOLUNTEERING = "volunteering", _("Frivillig arbeid")
    RELIGION = "religion", _("Tro og livssyn")


def labels(choices: type[models.TextChoices], codes: list[str] | None) -> list[str]:
    """The display labels of stored codes, in the choices' order; unknown codes as they are."""
    codes = list(codes or [])
    names = dict(choices.choices)
    known = [str(names[value]) for value in choices.values if value in codes]
    return known + [code for code in codes if code not in names]


def age_band(age: int) -> str:
    """A coarse age band shown instead of an age where only the band is needed ("30–39")."""
    low = (age // 10) * 10
    return f"{low}–{low + 9}"
