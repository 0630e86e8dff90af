from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from crte.actions.models import Action, ActionChange, ActionTransition
from crte.contracts.models import Amendment, Contract
from crte.core.limits import YEAR_MAX, YEAR_MIN
from crte.core.models import Organisation
from crte.core.validators import plausible_date


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


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MeetingQuerySet":
        return self.filter(committee__contract__in=Contract.objects.visible_to(user))


class Meeting(models.Model):
    class Status(models.TextChoices):
        PREVUE = "prevue", "Prévue"
        TENUE = "tenue", "Tenue"
        ANNULEE = "annulee", "Annulée"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField("date", validators=[plausible_date])
    place = models.CharField("lieu", max_length=200, blank=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PREVUE)
    attendees = models.TextField(
        "participants", blank=True, help_text="Une personne par ligne : nom, fonction, structure"
    )
    attending_organisations = models.ManyToManyField(
        Organisation, related_name="+", blank=True, verbose_name="structures représentées"
    )
    notes = models.TextField("relevé des échanges", blank=True)
    minutes_approved_on = models.DateField(
        "compte rendu approuvé le",
        null=True,
        blank=True,
        validators=[plausible_date],
        help_text="Tant qu'il n'est pas approuvé, le compte rendu porte la mention « projet »",
    )
    is_demo = models.BooleanField("donnée de démonstration", default=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "réunion"
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date__year__gte=YEAR_MIN) & Q(date__year__lte=YEAR_MAX), name="meeting_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee} du {self.date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting_detail", args=[self.pk])

    @property
    def contract(self) -> Contract:
        return self.committee.contract


class AgendaItem(models.Model):
    """A point of a meeting's agenda, built from the state of the contract and edited by
    the chef de projet; decisions are recorded against it."""

    class Kind(models.TextChoices):
        VALIDATION_ACTION = "validation_action", "Action prête à valider"
        ACTION_RETARD = "action_retard", "Action en retard ou bloquée"
        EVOLUTION_FICHE = "evolution_fiche", "Évolution d'une fiche"
        PROJET_MATURATION = "projet_maturation", "Projet en maturation proposé"
        VALEURS_INDICATEURS = "valeurs_indicateurs", "Valeurs d'indicateurs à saisir"
        EVALUATION_ANNUELLE = "evaluation_annuelle", "Évaluation annuelle à approuver"
        ADHESION_CHARTE = "adhesion_charte", "Demande d'adhésion à la charte"
        AVENANT = "avenant", "Projet d'avenant"
        AUTRE = "autre", "Autre point"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField("rang", default=0)
    kind = models.CharField("nature", max_length=30, choices=Kind.choices, default=Kind.AUTRE)
    title = models.CharField("intitulé", max_length=400)
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="agenda_items"
    )
    change = models.ForeignKey(
        ActionChange, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    adhesion = models.ForeignKey(
        "CharterAdhesion", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    amendment = models.ForeignKey(
        Amendment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    notes = models.TextField("éléments", blank=True)

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "ordre du jour"
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.title


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

    class Outcome(models.TextChoices):
        ADOPTEE = "adoptee", "Adoptée"
        AJOURNEE = "ajournee", "Ajournée"
        REFUSEE = "refusee", "Refusée"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    kind = models.CharField("nature", max_length=30, choices=Kind.choices)
    outcome = models.CharField("issue", max_length=10, choices=Outcome.choices, default=Outcome.ADOPTEE)
    subject = models.CharField("objet", max_length=400)
    text = models.TextField("décision", blank=True)
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    change = models.ForeignKey(
        ActionChange, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    amendment = models.ForeignKey(
        Amendment, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    adhesion = models.ForeignKey(
        "CharterAdhesion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    transition = models.OneToOneField(
        ActionTransition, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    order = models.PositiveSmallIntegerField("rang", default=0)

    class Meta:
        verbose_name = "décision"
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.subject


class ContractVersion(models.Model):
    """The contract as of an amendment (0: as signed): a frozen copy of its actions, so
    that any two versions can be compared."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField("version")
    amendment = models.OneToOneField(
        Amendment, on_delete=models.SET_NULL, null=True, blank=True, related_name="version"
    )
    created_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField("contenu figé")

    class Meta:
        verbose_name = "version du contrat"
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="version_number_unique")]

    def __str__(self) -> str:
        return f"{self.contract} — version {self.number}"


class AmendmentDerogation(models.Model):
    """Art. 4-2: an action that an amendment validates although it does not meet every
    condition, because the committee decided so, for the reason it gave. Written with the
    amendment's approval (`versions.approve_amendment`), with what was missing then."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="derogations")
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="amendment_derogations", verbose_name="action"
    )
    reason = models.TextField("motif de la dérogation")
    missing = models.TextField("conditions non remplies", blank=True)
    transition = models.OneToOneField(
        ActionTransition, on_delete=models.SET_NULL, null=True, blank=True, related_name="derogation"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("enregistrée le", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "dérogation à l'art. 4-2"
        verbose_name_plural = "dérogations à l'art. 4-2"
        ordering = ["amendment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["amendment", "action"], name="derogation_once_per_action"),
            models.CheckConstraint(condition=~Q(reason=""), name="derogation_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Dérogation à l'art. 4-2 : {self.action} ({self.amendment})"


class CharterAdhesion(models.Model):
    """A request to adhere to the charte partenariale d'engagement, studied and decided by
    the COTECH (Art. 7-2)."""

    class Status(models.TextChoices):
        DEMANDEE = "demandee", "Demandée"
        ACCEPTEE = "acceptee", "Acceptée"
        REFUSEE = "refusee", "Refusée"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="adhesions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(
        "date de la demande", default=timezone.localdate, validators=[plausible_date]
    )
    motivation = models.TextField("engagements proposés", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DEMANDEE)
    decided_on = models.DateField("date de décision", null=True, blank=True, validators=[plausible_date])
    is_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "adhésion à la charte partenariale"
        verbose_name_plural = "adhésions à la charte partenariale"
        ordering = ["-requested_on"]

    def __str__(self) -> str:
        return f"Adhésion de {self.organisation} à la charte"


class EngineeringRequest(models.Model):
    """A request for engineering support (Art. 5) to ANCT, Cerema, ADEME, Banque des
    Territoires, the urban planning agency..."""

    class Phase(models.TextChoices):
        PROJET_TERRITOIRE = "projet_territoire", "Élaboration du projet de territoire"
        PROJETS = "projets", "Définition et mise en œuvre des projets"
        PARTICIPATION = "participation", "Participation des habitants"
        EVALUATION = "evaluation", "Suivi et évaluation du contrat"

    class Status(models.TextChoices):
        A_SAISIR = "a_saisir", "À saisir"
        DEMANDEE = "demandee", "Demandée"
        EN_COURS = "en_cours", "En cours"
        REALISEE = "realisee", "Réalisée"
        REFUSEE = "refusee", "Refusée"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="engineering_requests")
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="partenaire sollicité",
    )
    phase = models.CharField("phase du contrat", max_length=20, choices=Phase.choices)
    subject = models.CharField("objet", max_length=300)
    action = models.ForeignKey(Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.A_SAISIR)
    requested_on = models.DateField("date de saisine", null=True, blank=True, validators=[plausible_date])
    follow_up = models.TextField("suivi", blank=True)
    is_demo = models.BooleanField("donnée de démonstration", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "demande d'ingénierie"
        verbose_name_plural = "demandes d'ingénierie"
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.partner})"
