from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from crte.actions.models import Action
from crte.contracts.models import Contract, ordered_years, plausible_year
from crte.core.models import Organisation


class Scheme(models.Model):
    """A dispositif or call for projects: DSIL, DETR, Fonds vert, AAP Friches, volet
    territorial du CPER, LEADER..."""

    name = models.CharField("nom", max_length=200, unique=True)
    short_name = models.CharField("abréviation", max_length=40, blank=True)
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schemes",
        verbose_name="financeur",
    )
    description = models.TextField("description", blank=True)
    aliases = models.JSONField(
        "autres noms", default=list, blank=True, help_text="Comme les documents l'écrivent"
    )
    source = models.CharField("source", max_length=200, blank=True)

    class Meta:
        verbose_name = "dispositif"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class FundingLineQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FundingLineQuerySet":
        return self.filter(action__contract__in=Contract.objects.visible_to(user))


class FundingLine(models.Model):
    """One financer's part in an action's financing plan: an amount and/or a share of the
    action's amount. Amounts written in the contract are forecasts (Art. 6-1)."""

    class Status(models.TextChoices):
        PREVU = "prevu", "Prévu"
        DEMANDE = "demande", "Demandé"
        EN_INSTRUCTION = "en_instruction", "En instruction"
        SOUS_RESERVE = "sous_reserve", "Sous réserve"
        ACCORDE = "accorde", "Accordé"
        VERSE = "verse", "Versé"
        REFUSE = "refuse", "Refusé"

    class CreditType(models.TextChoices):
        RELANCE = "relance", "Crédits du plan de relance"
        CONTRACTUALISE = "contractualise", "Crédits contractualisés"
        VALORISE = "valorise", "Crédits valorisés"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="funding_lines")
    external_id = models.CharField("identifiant stable", max_length=80)
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_lines",
        verbose_name="financeur",
    )
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funding_lines",
        verbose_name="dispositif",
    )
    amount = models.DecimalField(
        "montant (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    share = models.DecimalField(
        "part du montant de l'action", max_digits=9, decimal_places=8, null=True, blank=True
    )
    is_annual = models.BooleanField("montant par an", default=False)
    start_year = models.PositiveSmallIntegerField("année de début", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("année de fin", null=True, blank=True)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PREVU)
    status_changed_on = models.DateField("date du statut", null=True, blank=True)
    credit_type = models.CharField(
        "nature des crédits", max_length=20, choices=CreditType.choices, blank=True
    )
    source_text = models.CharField("texte source", max_length=400, blank=True)
    note = models.TextField("commentaire", blank=True)
    revision = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FundingLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne de financement"
        verbose_name_plural = "lignes de financement"
        ordering = ["action", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "external_id"], name="funding_external_id"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="funding_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | (Q(share__gte=0) & Q(share__lte=1)),
                name="funding_share_between_0_and_1",
            ),
            models.CheckConstraint(condition=plausible_year("start_year"), name="funding_start"),
            models.CheckConstraint(condition=plausible_year("end_year"), name="funding_end"),
            models.CheckConstraint(
                condition=ordered_years("start_year", "end_year"), name="funding_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder or 'Financeur non identifié'} · {self.action}"

    def get_absolute_url(self) -> str:
        return reverse("actions:action_detail", args=[self.action_id]) + f"#financement-{self.pk}"

    def resolved_amount(self) -> Decimal | None:
        """The amount in euros: as written, or the share of the action's amount. Exact;
        rounding to the cent happens only for display."""
        if self.amount is not None:
            return self.amount
        if self.share is not None and self.action.amount is not None:
            return self.share * self.action.amount
        return None
