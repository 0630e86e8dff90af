from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from crte.contracts.models import (
    Contract,
    Orientation,
    Priority,
    ordered_years,
    plausible_year,
)
from crte.core.formats import format_euros
from crte.core.models import Commune, Organisation, RevisionOnSave
from crte.core.validators import plausible_date


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActionQuerySet":
        return self.filter(contract__in=Contract.objects.visible_to(user))

    def for_listing(self) -> "ActionQuerySet":
        """What list pages show, in a constant number of queries."""
        return self.select_related("orientation", "priority").prefetch_related("owners")


class Action(RevisionOnSave, models.Model):
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
    maturity = models.CharField("maturité", max_length=20, choices=Maturity.choices, default=Maturity.IDEE)
    financing_gap_reason = models.TextField(
        "raison d'un plan de financement incomplet",
        blank=True,
        help_text="Art. 4-2 : pourquoi l'action peut être validée sans financement complet",
    )
    progress_note = models.TextField("avancement", blank=True)
    progress_percent = models.PositiveSmallIntegerField("avancement (%)", null=True, blank=True)
    source = models.CharField("provenance", max_length=300, blank=True)
    added_by = models.ForeignKey(
        "contracts.Amendment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="added_actions",
        verbose_name="ajoutée par l'avenant",
    )
    removed_by = models.ForeignKey(
        "contracts.Amendment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="removed_actions",
        verbose_name="retirée par l'avenant",
    )
    order = models.PositiveIntegerField("rang", default=0)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()
    # History is read by action, contract and date: the copies of the other keys need no
    # index (each costs every write; an import writes thousands).
    history = HistoricalRecords(no_db_index=["orientation", "priority", "added_by", "removed_by"])

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

    # --- Art. 4-2 readiness and the lifecycle ----------------------------------------------

    def readiness(self) -> list["ReadinessCheck"]:
        """What Art. 4-2 asks before validation: an owner, a description, a financing plan
        that covers the amount (or a recorded reason), an indicator, a start."""
        lines = list(self.funding_lines.all())
        for line in lines:
            line.action = self  # resolved_amount() reads the action: no query per line
        total = sum((line.resolved_amount() or Decimal(0) for line in lines), Decimal(0))
        if self.financing_gap_reason:
            financed, detail = True, f"plan incomplet justifié : {self.financing_gap_reason}"
        elif self.amount is None:
            financed, detail = False, "montant non chiffré"
        else:
            financed = total >= self.amount - 1
            detail = f"{format_euros(total)} financés sur {format_euros(self.amount)}"
        return [
            ReadinessCheck("Un maître d'ouvrage", self.owners.exists(), ""),
            ReadinessCheck("Une description", bool(self.description.strip()), ""),
            ReadinessCheck("Un plan de financement qui couvre le montant", financed, detail),
            ReadinessCheck("Au moins un indicateur", self.indicators.exists(), ""),
            ReadinessCheck("Une année de démarrage", bool(self.start_year), ""),
        ]

    def lateness(self, year: int) -> str:
        """Why the action is late in `year` ("" when it is not): validated but not engaged
        after its start year, or under way past its end year."""
        M = self.Maturity
        if self.maturity == M.VALIDEE and self.start_year and self.start_year < year:
            return f"validée, non engagée ; démarrage prévu en {self.start_year}"
        if self.maturity == M.EN_COURS and self.end_year and self.end_year < year:
            return f"en cours ; achèvement prévu en {self.end_year}"
        return ""

    def is_draft(self) -> bool:
        """An idea or an action being matured that no committee has decided on."""
        drafts = (self.Maturity.IDEE, self.Maturity.EN_MATURATION)
        return (
            self.maturity in drafts
            and not self.decisions.exists()
            and not self.transitions.filter(decision__isnull=False).exists()
        )

    def missing_for_validation(self) -> list[str]:
        return [check.label for check in self.readiness() if not check.ok]

    def _move(self, to_state: str, *, allowed: set[str], by, reason: str = "", ready=False):
        """Change the maturity if the current one allows it (and, for `ready`, if nothing
        is missing), and write the history row, in one transaction."""
        with transaction.atomic():
            current = Action.objects.select_for_update().get(pk=self.pk).maturity
            if current not in allowed:
                raise TransitionError(
                    f"Impossible de passer de « {self.Maturity(current).label} » à "
                    f"« {self.Maturity(to_state).label} »."
                )
            if ready:
                missing = self.missing_for_validation()
                if missing:
                    raise TransitionError("Il manque : " + ", ".join(m.lower() for m in missing) + ".")
            self.maturity = to_state
            self.save(update_fields=["maturity", "updated_at"])
            return ActionTransition.objects.create(
                action=self, from_state=current, to_state=to_state, by=by, reason=reason
            )

    def available_moves(self) -> dict[str, str]:
        """The manual moves allowed from the current maturity, with their labels."""
        return {
            move: label for move, label in MANUAL_TRANSITIONS.items() if self.maturity in allowed_from(move)
        }

    def start_maturation(self, *, by, reason: str = "") -> "ActionTransition":
        return self._move(
            self.Maturity.EN_MATURATION, allowed=allowed_from("start_maturation"), by=by, reason=reason
        )

    def mark_ready(self, *, by, reason: str = "") -> "ActionTransition":
        return self._move(
            self.Maturity.PRETE, allowed=allowed_from("mark_ready"), by=by, reason=reason, ready=True
        )

    def validate(self, *, by, reason: str) -> "ActionTransition":
        """Only a committee decision validates (governance.Decision.apply calls this)."""
        M = self.Maturity
        allowed = {M.EN_MATURATION, M.PRETE}
        return self._move(M.VALIDEE, allowed=allowed, by=by, reason=reason, ready=True)

    def awaits_validation(self) -> bool:
        """Not validated yet: an idea, a project being matured or a ready action."""
        M = self.Maturity
        return self.maturity in (M.IDEE, M.EN_MATURATION, M.PRETE)

    def integrate_by_amendment(
        self, *, by, reason: str, derogation: bool = False
    ) -> "ActionTransition | None":
        """An approved amendment brings the action into the contract: validated by the
        signatories (no committee decision needed), if it meets Art. 4-2's conditions or
        if the committee recorded a derogation for it (its reason is in `reason`)."""
        M = self.Maturity
        if not self.awaits_validation():
            return None
        allowed = {M.IDEE, M.EN_MATURATION, M.PRETE}
        return self._move(M.VALIDEE, allowed=allowed, by=by, reason=reason, ready=not derogation)

    def commit(self, *, by, reason: str = "") -> "ActionTransition":
        return self._move(self.Maturity.ENGAGEE, allowed=allowed_from("commit"), by=by, reason=reason)

    def start(self, *, by, reason: str = "") -> "ActionTransition":
        return self._move(self.Maturity.EN_COURS, allowed=allowed_from("start"), by=by, reason=reason)

    def complete(self, *, by, reason: str = "") -> "ActionTransition":
        return self._move(self.Maturity.ACHEVEE, allowed=allowed_from("complete"), by=by, reason=reason)

    def abandon(self, *, by, reason: str) -> "ActionTransition":
        if not reason.strip():
            raise TransitionError("Indiquez pourquoi l'action est abandonnée.")
        return self._move(self.Maturity.ABANDONNEE, allowed=allowed_from("abandon"), by=by, reason=reason)

    def take_progress(self, report: "ProgressReport") -> None:
        """The latest progress report's note and percentage become the action's (saved
        through the model: history, revision and the contract's figures follow)."""
        self.progress_note = report.note or self.progress_note
        if report.percent is not None:
            self.progress_percent = report.percent
        self.save(update_fields=["progress_note", "progress_percent"])

    def clean(self) -> None:
        if self.orientation_id and self.orientation.contract_id != self.contract_id:
            raise ValidationError({"orientation": "Cette orientation appartient à un autre contrat."})
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


class TransitionError(Exception):
    """A lifecycle move that the current state or Art. 4-2 does not allow (French message)."""


@dataclass(frozen=True)
class ReadinessCheck:
    label: str
    ok: bool
    detail: str


# The moves a manager makes from the action page (validation goes through a committee).
MANUAL_TRANSITIONS = {  # move -> label (validation is a committee's decision)
    "start_maturation": "Passer en maturation",
    "mark_ready": "Déclarer prête",
    "commit": "Déclarer engagée",
    "start": "Déclarer en cours",
    "complete": "Déclarer achevée",
    "abandon": "Abandonner",
}
IRREVERSIBLE = {"complete", "abandon"}  # asked for confirmation


def allowed_from(move: str) -> set[str]:
    """The maturities a manual move starts from."""
    M = Action.Maturity
    return {
        "start_maturation": {M.IDEE},
        "mark_ready": {M.IDEE, M.EN_MATURATION},
        "commit": {M.VALIDEE},
        "start": {M.VALIDEE, M.ENGAGEE},
        "complete": {M.EN_COURS},
        "abandon": set(M.values) - {M.ACHEVEE, M.ABANDONNEE},
    }[move]


class ActionTransition(models.Model):
    """The history of an action's maturity: who moved it, when, from what, to what, why."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField("de", max_length=20, choices=Action.Maturity.choices)
    to_state = models.CharField("vers", max_length=20, choices=Action.Maturity.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField("le", default=timezone.now)
    reason = models.TextField("motif", blank=True)

    class Meta:
        verbose_name = "changement de maturité"
        verbose_name_plural = "changements de maturité"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} : {self.get_from_state_display()} → {self.get_to_state_display()}"


class ActionChangeQuerySet(models.QuerySet):
    def pending(self) -> "ActionChangeQuerySet":
        return self.filter(status__in=[ActionChange.Status.PROPOSEE, ActionChange.Status.ETUDIEE])


class ActionChange(models.Model):
    """A proposed change to a fiche action (Art. 4-3): a reviewable diff, studied by the
    COTECH and validated by the COPIL without an amendment."""

    class Status(models.TextChoices):
        PROPOSEE = "proposee", "Proposée"
        ETUDIEE = "etudiee", "Avis favorable du comité technique"
        ACCEPTEE = "acceptee", "Validée et appliquée"
        REFUSEE = "refusee", "Refusée"

    EDITABLE_FIELDS = {
        "title": "Intitulé",
        "description": "Contenu",
        "amount": "Montant prévisionnel HT",
        "calendar_text": "Calendrier",
        "start_year": "Année de début",
        "end_year": "Année de fin",
    }

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="changes")
    changes = models.JSONField("modifications", help_text="{champ: [avant, après]}")
    reason = models.TextField("motif")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSEE)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)

    objects = ActionChangeQuerySet.as_manager()

    class Meta:
        verbose_name = "proposition d'évolution d'une fiche"
        verbose_name_plural = "propositions d'évolution des fiches"
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"Évolution de « {self.action} »"

    def rows(self) -> list[tuple[str, object, object]]:
        return [(self.EDITABLE_FIELDS.get(f, f), old, new) for f, (old, new) in self.changes.items()]

    def apply(self) -> None:
        """Write the new values on the action (its history keeps the old ones)."""
        for field, (_old, new) in self.changes.items():
            value = Decimal(new) if field == "amount" and new is not None else new
            setattr(self.action, field, value)
        self.action.revision += 1
        self.action.save()
        self.status = self.Status.ACCEPTEE
        self.save(update_fields=["status"])


class MaturationAssessment(models.Model):
    """Art. 4-3: a maturing project judged on four criteria before it is proposed to the
    next COPIL."""

    SCORE = [MaxValueValidator(5)]
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="assessments")
    compatibility = models.PositiveSmallIntegerField(
        "compatibilité avec les objectifs du contrat (0 à 5)", validators=SCORE
    )
    compatibility_comment = models.TextField("commentaire", blank=True)
    feasibility = models.PositiveSmallIntegerField("faisabilité (0 à 5)", validators=SCORE)
    feasibility_comment = models.TextField("commentaire", blank=True)
    exemplarity = models.PositiveSmallIntegerField("valeur d'exemple (0 à 5)", validators=SCORE)
    exemplarity_comment = models.TextField("commentaire", blank=True)
    collective = models.PositiveSmallIntegerField(
        "dimension collective, effet d'entraînement (0 à 5)", validators=SCORE
    )
    collective_comment = models.TextField("commentaire", blank=True)
    propose_to_copil = models.BooleanField("proposer au prochain comité de pilotage", default=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "évaluation d'un projet en maturation"
        verbose_name_plural = "évaluations des projets en maturation"
        ordering = ["-assessed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(compatibility__lte=5)
                & Q(feasibility__lte=5)
                & Q(exemplarity__lte=5)
                & Q(collective__lte=5),
                name="assessment_scores_0_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"Évaluation de « {self.action} »"

    @property
    def total(self) -> int:
        return self.compatibility + self.feasibility + self.exemplarity + self.collective


class ProgressReport(models.Model):
    """A dated report of an action's progress by its maître d'ouvrage (or a manager): how
    far, how much spent, a note; it may declare the action engaged or under way, which a
    manager then confirms (or not). The action shows the latest report."""

    class Declared(models.TextChoices):
        ENGAGEE = "engagee", "Engagée"
        EN_COURS = "en_cours", "En cours"

    class Status(models.TextChoices):
        A_CONFIRMER = "a_confirmer", "À confirmer"
        CONFIRMEE = "confirmee", "Confirmée"
        REFUSEE = "refusee", "Non confirmée"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_reports")
    on = models.DateField("date", validators=[plausible_date])
    percent = models.PositiveSmallIntegerField(
        "avancement (%)", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    spent = models.DecimalField("montant dépensé (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField("commentaire", blank=True)
    declared = models.CharField("maturité déclarée", max_length=10, choices=Declared.choices, blank=True)
    status = models.CharField("confirmation", max_length=12, choices=Status.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "déclaration d'avancement"
        verbose_name_plural = "déclarations d'avancement"
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100), name="progress_report_percent"
            ),
            models.CheckConstraint(
                condition=Q(spent__isnull=True) | Q(spent__gte=0), name="progress_report_spent_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Avancement du {self.on:%d/%m/%Y} — {self.action}"

    def confirm(self, *, by) -> None:
        """A manager confirms the declared maturity: the action moves (with its history)."""
        move = {self.Declared.ENGAGEE: "commit", self.Declared.EN_COURS: "start"}[self.declared]
        with transaction.atomic():
            getattr(self.action, move)(by=by, reason=f"Déclaré par le maître d'ouvrage le {self.on:%d/%m/%Y}")
            self.status, self.confirmed_by = self.Status.CONFIRMEE, by
            self.save(update_fields=["status", "confirmed_by"])
