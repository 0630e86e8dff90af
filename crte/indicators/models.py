from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from crte.actions.models import Action
from crte.contracts.models import Contract, Orientation, plausible_year
from crte.core.limits import MEASURE_YEAR_MIN, YEAR_MAX


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user) -> "IndicatorQuerySet":
        return self.filter(contract__in=Contract.objects.visible_to(user))


class Indicator(models.Model):
    """An indicator followed at the contract, orientation or action level. Catalogue
    entries (the 2021 national CRTE set) have no contract."""

    class Level(models.TextChoices):
        CONTRAT = "contrat", "Contrat"
        ORIENTATION = "orientation", "Orientation"
        ACTION = "action", "Action"

    class Direction(models.TextChoices):
        HAUSSE = "hausse", "À la hausse"
        BAISSE = "baisse", "À la baisse"
        MAINTIEN = "maintien", "Maintien"

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    code = models.CharField("identifiant", max_length=60)
    name = models.CharField("nom", max_length=300)
    unit = models.CharField("unité", max_length=40)
    direction = models.CharField("sens souhaité", max_length=10, choices=Direction.choices)
    level = models.CharField("niveau", max_length=12, choices=Level.choices, default=Level.CONTRAT)
    orientation = models.ForeignKey(
        Orientation, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    source = models.CharField("source des valeurs", max_length=300, blank=True)
    description = models.TextField("description", blank=True)
    baseline_year = models.PositiveSmallIntegerField("année de référence", null=True, blank=True)
    baseline_value = models.DecimalField(
        "valeur de référence", max_digits=20, decimal_places=6, null=True, blank=True
    )
    baseline_is_demo = models.BooleanField("référence de démonstration", default=False)
    catalogue_entry = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="indicateur national",
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "code"],
                condition=Q(contract__isnull=False),
                name="indicator_code_per_contract",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(contract__isnull=True), name="indicator_code_catalogue"
            ),
            models.CheckConstraint(
                condition=Q(level="contrat", orientation__isnull=True, action__isnull=True)
                | Q(level="orientation", orientation__isnull=False, action__isnull=True)
                | Q(level="action", orientation__isnull=True, action__isnull=False),
                name="indicator_level_matches_object",
            ),
            models.CheckConstraint(condition=plausible_year("baseline_year"), name="indicator_baseline_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def get_absolute_url(self) -> str:
        return reverse("indicators:indicator_detail", args=[self.pk])


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField("année")
    value = models.DecimalField("valeur cible", max_digits=20, decimal_places=6, null=True, blank=True)
    relative_change = models.DecimalField(
        "évolution visée par rapport à la référence",
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="En fraction : -0,13 pour « -13 % », 4 pour « multiplier par 5 »",
    )
    note = models.CharField("commentaire", max_length=300, blank=True)

    class Meta:
        verbose_name = "cible"
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_unique_year"),
            models.CheckConstraint(condition=plausible_year("year"), name="target_year"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(relative_change__isnull=False),
                name="target_value_or_change",
            ),
            models.CheckConstraint(
                condition=Q(relative_change__isnull=True) | Q(relative_change__gte=-1),
                name="target_change_above_minus_100_percent",
            ),
        ]

    def __str__(self) -> str:
        goal = self.value if self.value is not None else f"{self.relative_change:+}"
        return f"{self.indicator} : {goal} en {self.year}"


class Measurement(models.Model):
    """A value of an indicator at a date, with its provenance. Corrections are kept in the
    history."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField("date")
    value = models.DecimalField("valeur", max_digits=20, decimal_places=6)
    source = models.CharField("source", max_length=300, blank=True)
    is_demo = models.BooleanField("donnée de démonstration", default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField("saisie le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "valeur"
        ordering = ["indicator", "date"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "date"], name="measurement_unique_date"),
            models.CheckConstraint(
                condition=Q(date__year__gte=MEASURE_YEAR_MIN) & Q(date__year__lte=YEAR_MAX),
                name="measurement_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} au {self.date:%d/%m/%Y} : {self.value}"
