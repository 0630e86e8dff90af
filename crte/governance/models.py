from django.db import models
from django.db.models import Q

from crte.actions.models import Action
from crte.contracts.models import Amendment, Contract
from crte.core.models import Organisation


class Committee(models.Model):
    """A governance body of a contract (Art. 7)."""

    class Kind(models.TextChoices):
        COPIL = "COPIL", "Comité de pilotage"
        COTECH = "COTECH", "Comité technique"
        COMITE_FINANCEURS = "COMITE_FINANCEURS", "Comité des financeurs"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="committees")
    kind = models.CharField("instance", max_length=20, choices=Kind.choices)
    name = models.CharField("nom", max_length=200, blank=True)
    members = models.ManyToManyField(Organisation, related_name="+", blank=True)

    class Meta:
        verbose_name = "comité"
        ordering = ["contract", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "kind"], name="committee_kind_per_contract")
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class Meeting(models.Model):
    class Status(models.TextChoices):
        PREVUE = "prevue", "Prévue"
        TENUE = "tenue", "Tenue"
        ANNULEE = "annulee", "Annulée"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField("date")
    place = models.CharField("lieu", max_length=200, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=Status.choices, default=Status.PREVUE
    )
    attendees = models.TextField("participants", blank=True)
    attending_organisations = models.ManyToManyField(Organisation, related_name="+", blank=True)
    is_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "réunion"
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date__year__gte=2000) & Q(date__year__lte=2100), name="meeting_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee} du {self.date:%d/%m/%Y}"


class Decision(models.Model):
    class Kind(models.TextChoices):
        VALIDATION_ACTION = "validation_action", "Validation d'une action"
        INTEGRATION_PROJET = "integration_projet", "Intégration d'un projet mûri"
        EVOLUTION_FICHE = "evolution_fiche", "Évolution d'une fiche"
        MESURE_RECTIFICATIVE = "mesure_rectificative", "Mesure rectificative"
        VALIDATION_EVALUATION = "validation_evaluation", "Validation de l'évaluation annuelle"
        AVENANT = "avenant", "Avenant"
        ADHESION_CHARTE = "adhesion_charte", "Adhésion à la charte partenariale"
        AUTRE = "autre", "Autre"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField("nature", max_length=30, choices=Kind.choices)
    subject = models.CharField("objet", max_length=400)
    text = models.TextField("décision", blank=True)
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    amendment = models.ForeignKey(
        Amendment, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    order = models.PositiveSmallIntegerField("rang", default=0)

    class Meta:
        verbose_name = "décision"
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.subject
