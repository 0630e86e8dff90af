from decimal import Decimal

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from crte.actions.models import Action
from crte.contracts.models import Contract, ordered_years, plausible_year
from crte.core.models import Organisation, RevisionOnSave
from crte.core.validators import plausible_date
from crte.finance.money import is_own_share, resolved


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
    funder_kind = models.CharField(
        "financeur selon le territoire",
        max_length=30,
        blank=True,
        help_text="Nature du financeur quand il dépend du territoire (agence de l'eau, DRAAF…)",
    )
    credit_type = models.CharField("type de crédits usuel", max_length=20, blank=True)
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

    def partners(self) -> "FundingLineQuerySet":
        """Lines of a named financer other than the action's owners: not the owner's own
        share (`money.is_own_share` in SQL)."""
        owned = Action.owners.through.objects.filter(
            action_id=OuterRef("action_id"), organisation_id=OuterRef("funder_id")
        )
        return self.filter(funder__isnull=False, is_own_funding=False).exclude(Exists(owned))


class FundingLine(RevisionOnSave, models.Model):
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
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    share = models.DecimalField(
        "part du montant de l'action", max_digits=9, decimal_places=8, null=True, blank=True
    )
    is_annual = models.BooleanField("montant par an", default=False)
    is_own_funding = models.BooleanField(
        "autofinancement",
        default=False,
        help_text="Part du maître d'ouvrage (fonds propres), même quand le financeur n'est pas nommé "
        "parmi les maîtres d'ouvrage : jamais dans une convention financière.",
    )
    start_year = models.PositiveSmallIntegerField("année de début", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("année de fin", null=True, blank=True)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PREVU)
    status_changed_on = models.DateField("date du statut", null=True, blank=True, validators=[plausible_date])
    credit_type = models.CharField(
        "nature des crédits", max_length=20, choices=CreditType.choices, blank=True
    )
    source_text = models.CharField("texte source", max_length=400, blank=True)
    note = models.TextField("commentaire", blank=True)
    revision = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FundingLineQuerySet.as_manager()
    # History is read by line, action and date: no index on the copies of the other keys.
    history = HistoricalRecords(no_db_index=["funder", "scheme"])

    class Meta:
        verbose_name = "ligne de financement"
        verbose_name_plural = "lignes de financement"
        ordering = ["action", "id"]
        indexes = [
            # The national roll-up lists the recovery-plan lines (Art. 7-3) among all others.
            models.Index(fields=["action"], condition=Q(credit_type="relance"), name="funding_relance"),
        ]
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
        """The amount in euros: as written, or the share of the action's amount to the
        cent (`money.resolved`)."""
        return resolved(self.amount, self.share, self.action.amount)

    def is_own_share(self, owner_ids: set[int]) -> bool:
        """The maître d'ouvrage's own share (`money.is_own_share`); `owner_ids` are the
        action's owners, read once for all its lines."""
        return is_own_share(self.funder_id, owner_ids, self.is_own_funding)


class FundingAgreement(models.Model):
    """The annual financing convention (Art. 4-2): for a year, each partner's participation
    in the ready and validated actions. Once signed, its figures are copied into its lines
    (frozen) and the financing lines move to « accordé »."""

    class Status(models.TextChoices):
        PROJET = "projet", "En projet"
        SIGNEE = "signee", "Signée"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="agreements")
    year = models.PositiveSmallIntegerField("année")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROJET)
    financers_committee_on = models.DateField(
        "validation par le comité des financeurs", null=True, blank=True, validators=[plausible_date]
    )
    signed_on = models.DateField("date de signature", null=True, blank=True, validators=[plausible_date])
    is_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "convention financière annuelle"
        verbose_name_plural = "conventions financières annuelles"
        ordering = ["contract", "year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="agreement_year_unique"),
            models.CheckConstraint(condition=plausible_year("year"), name="agreement_year"),
            models.CheckConstraint(
                condition=~Q(status="signee") | Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Convention financière {self.year} — {self.contract}"

    def get_absolute_url(self) -> str:
        return reverse("finance:agreement_detail", args=[self.contract.slug, self.year])


class FundingAgreementLine(models.Model):
    """A partner's participation in an action, copied at signature (not referenced)."""

    agreement = models.ForeignKey(FundingAgreement, on_delete=models.CASCADE, related_name="lines")
    action_external_id = models.CharField(max_length=80)
    action_title = models.CharField(max_length=400)
    orientation = models.CharField(max_length=200)
    funder = models.CharField("partenaire", max_length=200)
    scheme = models.CharField("dispositif", max_length=200, blank=True)
    amount = models.DecimalField("participation (€)", max_digits=14, decimal_places=2)
    action_amount = models.DecimalField(
        "montant de l'action (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    funding_line = models.ForeignKey(
        FundingLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "participation"
        ordering = ["agreement", "orientation", "action_title", "funder"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="agreement_line_amount")]

    def __str__(self) -> str:
        return f"{self.funder} : {self.amount} € pour « {self.action_title} »"


class ContractSummary(models.Model):
    """A contract's figures for the roll-ups (its count of actions, its amount over its
    period), computed by `crte.finance.summaries` from its actions and lines. Every write to
    the contract, its actions or its lines moves `writes`; the figures are those of the
    moment `writes` was `computed`, so they are stale while the two differ."""

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    writes = models.PositiveBigIntegerField(default=1)
    computed = models.PositiveBigIntegerField(default=0)
    n_actions = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=20, decimal_places=2, null=True)  # none: no figure

    class Meta:
        verbose_name = "synthèse d'un contrat"
        verbose_name_plural = "synthèses des contrats"

    def __str__(self) -> str:
        return f"Synthèse du contrat {self.contract_id}"


class ContractFunding(models.Model):
    """A contract's financing by financer and first year (of the line, else of its action),
    over the contract's period, abandoned actions left out: the roll-up's financer × year
    table sums these rows."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="funding_summary")
    funder = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, related_name="+")
    year = models.PositiveSmallIntegerField(null=True)
    total = models.DecimalField(max_digits=20, decimal_places=2)

    class Meta:
        verbose_name = "financement d'un contrat par financeur et année"
        verbose_name_plural = "financements des contrats par financeur et année"

    def __str__(self) -> str:
        return f"Contrat {self.contract_id}, financeur {self.funder_id}, {self.year} : {self.total}"
