import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from crte.core.limits import YEAR_MAX, YEAR_MIN
from crte.core.models import Commune, Departement, Grouping, Organisation, Region, RevisionOnSave
from crte.core.validators import plausible_date


def of_contracts(queryset, path: str, contracts):
    """`queryset` narrowed to rows of these contracts (`path` leads to the contract; a
    subquery, whatever their number), or left whole when `contracts` is None: the national
    level reads everything and the database then scans without a join to filter."""
    return queryset if contracts is None else queryset.filter(**{f"{path}__in": contracts.values("pk")})


def plausible_year(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": YEAR_MIN, f"{field}__lte": YEAR_MAX})


def ordered_years(start: str, end: str) -> Q:
    return Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)})


class TerritoryQuerySet(models.QuerySet):
    def in_perimeter(self, user) -> "TerritoryQuerySet":
        """Territories touching one of the user's départements or régions (a subquery: a
        territory on two départements is counted once)."""
        return self.filter(
            Q(departements__code__in=user.departement_codes())
            | Q(regions__code__in=user.region_codes())
            | Q(departement_code__in=user.departement_codes())
            | Q(region_code__in=user.region_codes())
        ).values("pk")


class Territory(models.Model):
    """The territory of a contract: one or several groupings of the national reference (an
    EPCI, several EPCI, a PETR or Pays, an EPT). Its communes, départements and régions are
    derived from them (`derive`), so that perimeter accesses see every contract."""

    name = models.CharField("nom", max_length=200)
    epci = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="territories",
        verbose_name="structure porteuse",
        help_text="L'EPCI ou le groupement qui porte le contrat",
    )
    groupings = models.ManyToManyField(
        Grouping, related_name="territories", blank=True, verbose_name="groupements"
    )
    departement_code = models.CharField("département principal", max_length=3, db_index=True)
    region_code = models.CharField("région principale (code INSEE)", max_length=3, blank=True, db_index=True)
    communes = models.ManyToManyField(Commune, related_name="territories", blank=True)
    departements = models.ManyToManyField(Departement, related_name="territories", blank=True)
    regions = models.ManyToManyField(Region, related_name="territories", blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "territoire"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_in_perimeter_of(self, user) -> bool:
        departements, regions = user.departement_codes(), user.region_codes()
        if not departements and not regions:
            return False
        if self.departement_code in departements or self.region_code in regions:
            return True
        return (
            self.departements.filter(code__in=departements).exists()
            or self.regions.filter(code__in=regions).exists()
        )

    def derive(self) -> None:
        """Communes, départements and régions from the groupings (current communes only;
        a commune merged since is replaced by its successor). The main département and
        région are those holding most of the population."""
        communes = set()
        for grouping in self.groupings.all():
            for commune in grouping.all_communes().select_related("successor"):
                communes.add(commune if commune.is_current or not commune.successor else commune.successor)
        if not communes:
            return
        self.communes.set(communes)
        weight: dict[tuple, int] = {}
        for commune in communes:
            key = (commune.departement_id, commune.region_id)
            weight[key] = weight.get(key, 0) + (commune.population or 1)
        self.departements.set({d for d, _ in weight if d})
        self.regions.set({r for _, r in weight if r})
        main_departement, _ = max(weight, key=weight.get)
        departement = Departement.objects.select_related("region").filter(pk=main_departement).first()
        if departement:
            self.departement_code, self.region_code = departement.code, departement.region.code
            self.save(update_fields=["departement_code", "region_code"])


class ContractQuerySet(models.QuerySet):
    def published(self) -> "ContractQuerySet":
        return self.filter(is_published=True)

    def visible_to(self, user) -> "ContractQuerySet":
        """Published contracts, those the user is a member of, and those of the user's
        perimeter (département, or everything for the national level)."""
        if not user.is_authenticated:
            return self.published()
        if user.is_national_admin:
            return self.all()
        visible = Q(is_published=True) | Q(pk__in=Membership.objects.filter(user=user).values("contract_id"))
        if user.departement_codes() or user.region_codes():
            visible |= Q(territory__in=Territory.objects.in_perimeter(user))
        return self.filter(visible)

    def in_perimeter_of(self, user) -> "ContractQuerySet":
        """The contracts a perimeter access covers (national: all): the roll-up's scope."""
        if user.is_national_admin:
            return self.all()
        return self.filter(territory__in=Territory.objects.in_perimeter(user))


class Contract(RevisionOnSave, models.Model):
    class Status(models.TextChoices):
        EN_PREPARATION = "en_preparation", "En préparation"
        SIGNE = "signe", "Signé"
        CLOS = "clos", "Clos"
        RESILIE = "resilie", "Résilié"

    slug = models.SlugField("identifiant", max_length=80, unique=True)
    name = models.CharField("intitulé", max_length=300)
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name="territoire",
    )
    signed_on = models.DateField("date de signature", null=True, blank=True, validators=[plausible_date])
    start_year = models.PositiveSmallIntegerField("première année", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("dernière année", null=True, blank=True)
    duration_years = models.PositiveSmallIntegerField("durée (ans)", null=True, blank=True)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.EN_PREPARATION)
    version = models.PositiveSmallIntegerField(
        "version", default=0, help_text="Nombre d'avenants en vigueur (0 = contrat initial)"
    )
    is_published = models.BooleanField("publié", default=False)
    validating_committee = models.CharField(
        "comité qui valide les actions",
        max_length=20,
        choices=[("COPIL", "Comité de pilotage"), ("COTECH", "Comité technique")],
        default="COPIL",
        help_text="Art. 7 : le comité de pilotage valide, sur la préparation du comité technique",
    )
    source = models.CharField("source", max_length=300, blank=True)
    revision = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContractQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "contrat"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=plausible_year("start_year"), name="contract_start"),
            models.CheckConstraint(condition=plausible_year("end_year"), name="contract_end"),
            models.CheckConstraint(
                condition=ordered_years("start_year", "end_year"), name="contract_years_ordered"
            ),
            models.CheckConstraint(
                condition=Q(duration_years__isnull=True) | Q(duration_years__lte=20),
                name="contract_duration",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract_detail", args=[self.slug])

    @property
    def period_label(self) -> str:
        if self.start_year and self.end_year:
            return f"{self.start_year}-{self.end_year}"
        return "non précisée"


class Partner(models.Model):
    """An organisation taking part in a contract; signatories carry the name and title of
    the person who signed for it."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    is_signatory = models.BooleanField("signataire", default=False)
    signatory_name = models.CharField("nom du signataire", max_length=200, blank=True)
    signatory_title = models.CharField("qualité du signataire", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("rang", default=0)

    class Meta:
        verbose_name = "partenaire"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["contract", "organisation"], name="partner_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.contract})"


class Orientation(models.Model):
    """A strategic orientation (in the reference contract, one of the seven social
    functions: se déplacer, habiter...)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="orientations")
    code = models.CharField("identifiant", max_length=60)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("présentation", blank=True)
    order = models.PositiveSmallIntegerField("rang", default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["contract", "code"], name="orientation_code_unique")]

    def __str__(self) -> str:
        return self.name


class Priority(models.Model):
    """An enjeu prioritaire of an orientation."""

    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="priorities")
    code = models.CharField("identifiant", max_length=60)
    label = models.TextField("libellé")
    order = models.PositiveSmallIntegerField("rang", default=0)

    class Meta:
        verbose_name = "enjeu prioritaire"
        verbose_name_plural = "enjeux prioritaires"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["orientation", "code"], name="priority_code_unique")]

    def __str__(self) -> str:
        return self.label


class Programme(models.Model):
    """A contractualisation integrated into the contract (Art. 4-1): Contrat de ville, CTG,
    CLS, PAT, PAPI, NPNRU, ACV, PVD..., with its own period and partners."""

    class Kind(models.TextChoices):
        CONTRAT_VILLE = "contrat_ville", "Contrat de ville"
        CTG = "ctg", "Convention territoriale globale (CAF)"
        CLS = "cls", "Contrat local de santé"
        CLSM = "clsm", "Conseil local de santé mentale"
        PAT = "pat", "Projet alimentaire territorial"
        CTE = "cte", "Contrat de transition écologique"
        COT_TRI = "cot_tri", "COT Troisième Révolution Industrielle"
        PAPI = "papi", "Programme d'actions de prévention des inondations"
        PRE = "pre", "Programme de restauration écologique des cours d'eau"
        NPNRU = "npnru", "Nouveau programme de renouvellement urbain"
        ACV = "acv", "Action Cœur de ville"
        PVD = "pvd", "Petites villes de demain"
        OPAH_RU = "opah_ru", "OPAH-RU"
        PIG = "pig", "Programme d'intérêt général"
        ERBM = "erbm", "Engagement pour le renouveau du bassin minier"
        TERRITOIRES_INDUSTRIE = "territoires_industrie", "Territoires d'industrie"
        AUTRE = "autre", "Autre"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="programmes")
    code = models.CharField("identifiant", max_length=60)
    kind = models.CharField("type", max_length=30, choices=Kind.choices)
    name = models.CharField("intitulé", max_length=300)
    description = models.TextField("présentation", blank=True)
    start_year = models.PositiveSmallIntegerField("première année", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("dernière année", null=True, blank=True)
    partners = models.ManyToManyField(Organisation, related_name="+", blank=True)

    class Meta:
        verbose_name = "contractualisation intégrée"
        verbose_name_plural = "contractualisations intégrées"
        ordering = ["start_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="programme_code_unique"),
            models.CheckConstraint(condition=plausible_year("start_year"), name="programme_start"),
            models.CheckConstraint(condition=plausible_year("end_year"), name="programme_end"),
            models.CheckConstraint(
                condition=ordered_years("start_year", "end_year"), name="programme_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Amendment(models.Model):
    """An avenant (Art. 11): approved by the signatories after the COPIL's opinion; each
    approved amendment raises the contract's version."""

    class Status(models.TextChoices):
        PROJET = "projet", "En projet"
        APPROUVE = "approuve", "Approuvé"
        ABANDONNE = "abandonne", "Abandonné"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("objet", max_length=300)
    description = models.TextField("contenu", blank=True)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PROJET)
    copil_opinion_on = models.DateField(
        "avis du comité de pilotage", null=True, blank=True, validators=[plausible_date]
    )
    approved_on = models.DateField("date d'approbation", null=True, blank=True, validators=[plausible_date])

    class Meta:
        verbose_name = "avenant"
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="amendment_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="amendment_number_positive"),
            models.CheckConstraint(
                condition=~Q(status="approuve") | Q(approved_on__isnull=False),
                name="amendment_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Avenant n° {self.number} : {self.title}"

    def choose_actions(self, added, removed) -> None:
        """The actions this amendment adds to the contract and those it withdraws, saved one
        by one through the model (history, revision, the contract's figures)."""
        added_ids, removed_ids = {a.pk for a in added}, {a.pk for a in removed}
        touched = self.contract.actions.filter(
            models.Q(added_by=self) | models.Q(removed_by=self) | models.Q(pk__in=added_ids | removed_ids)
        )
        for action in touched:
            added_by = self.pk if action.pk in added_ids else action.added_by_id
            removed_by = self.pk if action.pk in removed_ids else action.removed_by_id
            added_by = None if added_by == self.pk and action.pk not in added_ids else added_by
            removed_by = None if removed_by == self.pk and action.pk not in removed_ids else removed_by
            if (added_by, removed_by) != (action.added_by_id, action.removed_by_id):
                action.added_by_id, action.removed_by_id = added_by, removed_by
                action.save(update_fields=["added_by", "removed_by"])


class Membership(models.Model):
    """A user's role in one contract. Financer and project-owner members act for one
    organisation."""

    class Role(models.TextChoices):
        CHEF_PROJET = "chef_projet", "Chef de projet CRTE (EPCI)"
        REFERENT_ETAT = "referent_etat", "Référent État"
        FINANCEUR = "financeur", "Membre d'un financeur"
        MAITRE_OUVRAGE = "maitre_ouvrage", "Membre d'un maître d'ouvrage"
        LECTEUR = "lecteur", "Lecteur"

    MANAGER_ROLES = (Role.CHEF_PROJET, Role.REFERENT_ETAT)
    ORGANISATION_ROLES = (Role.FINANCEUR, Role.MAITRE_OUVRAGE)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="members"
    )

    class Meta:
        verbose_name = "rôle dans un contrat"
        verbose_name_plural = "rôles dans les contrats"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "contract", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="membership_unique_with_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "contract", "role"],
                condition=Q(organisation__isnull=True),
                name="membership_unique_without_organisation",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["financeur", "maitre_ouvrage"], organisation__isnull=False)
                | (~Q(role__in=["financeur", "maitre_ouvrage"]) & Q(organisation__isnull=True)),
                name="membership_organisation_matches_role",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.organisation})" if self.organisation_id else ""
        return f"{self.user} · {self.get_role_display()}{suffix} · {self.contract}"


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked=False)

    def for_email(self, email: str):
        return self.pending().filter(email__iexact=(email or "").strip())


class Invitation(models.Model):
    """A person asked by a contract's manager to take a role, by e-mail. Taken by the first
    ProConnect sign-in with that address, or through the link of the e-mail (ProConnect, or
    a password account for people outside the federation)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    role = models.CharField("rôle", max_length=20, choices=Membership.Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked = models.BooleanField("annulée", default=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "email", "role"],
                condition=Q(accepted_at__isnull=True, revoked=False),
                name="invitation_pending_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.get_role_display()} · {self.contract}"

    def get_absolute_url(self) -> str:
        return reverse("workspace:invitation", args=[self.token])

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and not self.revoked

    def accept(self, user) -> Membership:
        """The role, given to `user` (once: a second acceptance changes nothing)."""
        membership, _ = Membership.objects.get_or_create(
            user=user, contract=self.contract, role=self.role, organisation=self.organisation
        )
        if self.pending:
            self.accepted_at, self.accepted_by = timezone.now(), user
            self.save(update_fields=["accepted_at", "accepted_by"])
        return membership


def accept_invitations(user) -> list[Invitation]:
    """Every invitation waiting for the user's address, taken (at sign-in)."""
    taken = list(Invitation.objects.for_email(user.email).select_related("contract")) if user.email else []
    for invitation in taken:
        invitation.accept(user)
    return taken
