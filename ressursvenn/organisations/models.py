"""Reference geography (counties, municipalities, Oslo districts) and the organisations."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.access import scoped


class County(models.Model):
    code = models.CharField(_("fylkesnummer"), max_length=2, primary_key=True)
    name = models.CharField(_("navn"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("fylke")
        verbose_name_plural = _("fylker")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("kommunenummer"), max_length=4, primary_key=True)
    name = models.CharField(_("navn"), max_length=100)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")
    lat = models.FloatField(_("breddegrad"))
    lon = models.FloatField(_("lengdegrad"))
    population = models.PositiveIntegerField(_("folketall"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """An urban district (bydel) of Oslo."""

    code = models.CharField(_("bydelsnummer"), max_length=6, primary_key=True)
    name = models.CharField(_("navn"), max_length=100)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="districts"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("bydel")
        verbose_name_plural = _("bydeler")

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def branches(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.BRANCH)

    def crisis_centres(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.CRISIS_CENTRE)

    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: Any) -> OrganisationQuerySet:
        """Every organisation for those who manage them (the national coordinator); for anyone
        else the organisations where she holds an active role."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        if user.has_perm("organisations.manage"):
            return scoped(self.all(), user)
        mine = self.filter(memberships__user_id=user.pk, memberships__is_active=True)
        return scoped(self.filter(pk__in=mine.values("pk")), user)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("N.K.S. sentralt")
        BRANCH = "branch", _("Lokalforening")
        CRISIS_CENTRE = "crisis_centre", _("Krisesenter")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("navn"), max_length=150, unique=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        help_text=_("Kommunen organisasjonen hører til (vertskommune). Aldri en adresse."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("dekker kommunene"),
        blank=True,
        related_name="covering_organisations",
    )
    districts = models.ManyToManyField(
        District,
        verbose_name=_("dekker bydelene"),
        blank=True,
        related_name="covering_organisations",
    )
    email = models.EmailField(_("e-post til organisasjonen"), blank=True)
    phone = models.CharField(
        _("telefon"),
        max_length=20,
        blank=True,
        default="",
        help_text=_("Krisesenterets døgnåpne nummer vises på siden for bekymringsmeldinger."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisasjon")
        verbose_name_plural = _("organisasjoner")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["national", "branch", "crisis_centre"]),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CooperationQuerySet(models.QuerySet["Cooperation"]):
    def visible_to(self, user: Any) -> CooperationQuerySet:
        """Cooperations of the organisations `user` sees (Organisation.objects.visible_to)."""
        organisations = Organisation.objects.visible_to(user).values("pk")
        return scoped(
            self.filter(
                models.Q(branch_id__in=organisations) | models.Q(crisis_centre_id__in=organisations)
            ),
            user,
        )


class Cooperation(models.Model):
    """A cooperation agreement (samarbeidsavtale) between a branch and a crisis centre."""

    branch = models.ForeignKey(
        Organisation,
        verbose_name=_("lokalforening"),
        on_delete=models.PROTECT,
        related_name="cooperations_as_branch",
    )
    crisis_centre = models.ForeignKey(
        Organisation,
        verbose_name=_("krisesenter"),
        on_delete=models.PROTECT,
        related_name="cooperations_as_centre",
    )
    started_on = models.DateField(_("fra dato"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CooperationQuerySet.as_manager()

    class Meta:
        ordering = ["branch__name", "crisis_centre__name"]
        verbose_name = _("samarbeidsavtale")
        verbose_name_plural = _("samarbeidsavtaler")
        constraints = [
            models.UniqueConstraint(fields=["branch", "crisis_centre"], name="cooperation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.branch} – {self.crisis_centre}"
