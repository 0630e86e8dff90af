from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from crte.contracts.models import (
    Contract,
    Orientation,
    Priority,
    ordered_years,
    plausible_year,
)
from crte.core.models import Commune, Organisation


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActionQuerySet":
        return self.filter(contract__in=Contract.objects.visible_to(user))

    def for_listing(self) -> "ActionQuerySet":
        """What list pages show, in a constant number of queries."""
        return self.select_related("orientation", "priority").prefetch_related("owners")


class Action(models.Model):
    """A fiche action / opération of the contract."""

    class Maturity(models.TextChoices):
        IDEE = "idee", "Idée"
        EN_MATURATION = "en_maturation", "En maturation"
        PRETE = "prete", "Prête"
        VALIDEE = "validee", "Validée"
        ENGAGEE = "engagee", "Engagée"
        EN_COURS = "en_cours", "En cours"
        ACHEVEE = "achevee", "Achevée"
        ABANDONNEE = "abandonnee", "Abandonnée"

    class AmountBasis(models.TextChoices):
        TOTAL = "total", "Montant total"
        ANNUAL = "annuel", "Montant par an"
        GLOBAL = "globalise", "Montant globalisé"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="actions")
    external_id = models.CharField(
        "identifiant stable", max_length=80, help_text="Identifiant stable, utilisé par les imports"
    )
    title = models.CharField("intitulé", max_length=400)
    description = models.TextField("contenu", blank=True)
    orientation = models.ForeignKey(
        Orientation, on_delete=models.PROTECT, related_name="actions", verbose_name="orientation"
    )
    priority = models.ForeignKey(
        Priority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="enjeu prioritaire",
    )
    owners = models.ManyToManyField(
        Organisation, related_name="owned_actions", blank=True, verbose_name="maîtres d'ouvrage"
    )
    communes = models.ManyToManyField(
        Commune, related_name="actions", blank=True, verbose_name="communes concernées"
    )
    amount = models.DecimalField(
        "montant prévisionnel HT (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_basis = models.CharField(
        "nature du montant", max_length=10, choices=AmountBasis.choices, default=AmountBasis.TOTAL
    )
    amount_text = models.CharField("montant tel qu'écrit", max_length=300, blank=True)
    calendar_text = models.CharField("calendrier tel qu'écrit", max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField("année de début", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("année de fin", null=True, blank=True)
    maturity = models.CharField(
        "maturité", max_length=20, choices=Maturity.choices, default=Maturity.IDEE
    )
    progress_note = models.TextField("avancement", blank=True)
    progress_percent = models.PositiveSmallIntegerField("avancement (%)", null=True, blank=True)
    source = models.CharField("provenance", max_length=300, blank=True)
    order = models.PositiveIntegerField("rang", default=0)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "action"
        ordering = ["orientation__order", "order", "id"]
        indexes = [models.Index(fields=["contract", "maturity"], name="action_contract_maturity")]
        constraints = [
            models.UniqueConstraint(fields=["contract", "external_id"], name="action_external_id"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="action_amount_positive"
            ),
            models.CheckConstraint(condition=plausible_year("start_year"), name="action_start"),
            models.CheckConstraint(condition=plausible_year("end_year"), name="action_end"),
            models.CheckConstraint(
                condition=ordered_years("start_year", "end_year"), name="action_years_ordered"
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__isnull=True) | Q(progress_percent__lte=100),
                name="action_progress_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actions:action_detail", args=[self.pk])

    def clean(self) -> None:
        if self.orientation_id and self.orientation.contract_id != self.contract_id:
            raise ValidationError(
                {"orientation": "Cette orientation appartient à un autre contrat."}
            )
        if self.priority_id and self.priority.orientation_id != self.orientation_id:
            raise ValidationError(
                {"priority": "Cet enjeu prioritaire ne relève pas de l'orientation choisie."}
            )

    @property
    def is_annual(self) -> bool:
        return self.amount_basis == self.AmountBasis.ANNUAL

    @property
    def years_label(self) -> str:
        if self.start_year and self.end_year and self.end_year != self.start_year:
            return f"{self.start_year}-{self.end_year}"
        return str(self.start_year or self.end_year or "")
