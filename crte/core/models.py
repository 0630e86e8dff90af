import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse

from crte.core.text import normalize_label


class RevisionOnSave:
    """For models with a `revision` counter (optimistic locking): every save of an existing
    row moves it on, whoever writes (a form, an import, the admin, a task), so that an edit
    form opened earlier cannot silently overwrite what was saved since. A form that has
    already moved it in its conditional UPDATE sets `_revision_moved`."""

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        moved = getattr(self, "_revision_moved", False) or (update_fields and "revision" in update_fields)
        if self.pk and not moved:
            stored = type(self)._default_manager.filter(pk=self.pk).values_list("revision", flat=True).first()
            if stored is not None:
                self.revision = max(stored, self.revision) + 1
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "revision"}
        self._revision_moved = False
        super().save(*args, **kwargs)


class User(AbstractUser):
    """Accounts. Rights come from memberships of contracts (contracts.Membership) and from
    perimeter accesses (national level, département). People of the State's identity
    federation sign in with ProConnect (`proconnect_sub` is who ProConnect says they are);
    others with a password."""

    proconnect_sub = models.CharField("identifiant ProConnect", max_length=255, blank=True, db_index=True)
    siret = models.CharField("SIRET de l'employeur (ProConnect)", max_length=14, blank=True)

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_national_admin(self) -> bool:
        if not self.is_authenticated:
            return False
        if self.is_superuser:
            return True
        return any(a.level == PerimeterAccess.Level.NATIONAL for a in self.perimeter_accesses_cached)

    @property
    def perimeter_accesses_cached(self) -> list["PerimeterAccess"]:
        if not hasattr(self, "_perimeter_accesses"):
            self._perimeter_accesses = list(self.perimeter_accesses.all())
        return self._perimeter_accesses

    def departement_codes(self) -> set[str]:
        return {
            a.code for a in self.perimeter_accesses_cached if a.level == PerimeterAccess.Level.DEPARTEMENT
        }

    def region_codes(self) -> set[str]:
        return {a.code for a in self.perimeter_accesses_cached if a.level == PerimeterAccess.Level.REGION}

    @property
    def has_perimeter(self) -> bool:
        """Attached to a département, a region or the national level (roll-up pages)."""
        return self.is_authenticated and (self.is_superuser or bool(self.perimeter_accesses_cached))


class PerimeterAccess(models.Model):
    """Read access to every contract of a perimeter: a département (préfecture), a region,
    or the whole country (national administrator, evaluators)."""

    class Level(models.TextChoices):
        NATIONAL = "national", "National"
        REGION = "region", "Région"
        DEPARTEMENT = "departement", "Département"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="perimeter_accesses")
    level = models.CharField("niveau", max_length=20, choices=Level.choices)
    code = models.CharField(
        "code", max_length=3, blank=True, help_text="Code INSEE du département ou de la région"
    )

    class Meta:
        verbose_name = "accès à un périmètre"
        verbose_name_plural = "accès à des périmètres"
        constraints = [
            models.UniqueConstraint(fields=["user", "level", "code"], name="perimeter_unique"),
            models.CheckConstraint(
                condition=Q(level="national", code="")
                | (Q(level__in=["departement", "region"]) & ~Q(code="")),
                name="perimeter_code_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_level_display()} {self.code}".strip()


class Region(models.Model):
    """A région (COG code), overseas ones included."""

    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=120)
    article = models.CharField("charnière", max_length=6, blank=True, help_text="« de la », « d' »…")
    zone = models.CharField("zone", max_length=5, blank=True)

    class Meta:
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=120)
    article = models.CharField("charnière", max_length=6, blank=True, help_text="« du », « de l' »…")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    zone = models.CharField("zone", max_length=5, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    """A French commune, identified by its INSEE code (COG). A commune merged into another
    since the vintage it came from stays, marked not current, pointing to its successor, so
    that what referred to it keeps working."""

    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=120)
    key = models.CharField("nom normalisé", max_length=120, db_index=True, blank=True, editable=False)
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    postal_code = models.CharField("code postal", max_length=30, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, related_name="communes"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    arrondissement_code = models.CharField("arrondissement", max_length=4, blank=True)
    is_current = models.BooleanField("commune actuelle", default=True)
    successor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="devenue"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(insee_code__regex=r"^[0-9][0-9AB][0-9]{3}$"),
                name="commune_insee_format",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.key = normalize_label(self.name)
        super().save(*args, **kwargs)

    @property
    def departement_code(self) -> str:
        return self.insee_code[:3] if self.insee_code.startswith("97") else self.insee_code[:2]


class FormerCommune(models.Model):
    """A delegated, associated or former commune, or a municipal arrondissement, and the
    current commune it belongs to: documents still name them, old outlines carry their
    codes."""

    code = models.CharField("code INSEE", max_length=5, db_index=True)
    name = models.CharField("nom", max_length=120)
    kind = models.CharField("nature", max_length=30)
    current = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="former_communes")

    class Meta:
        verbose_name = "commune déléguée ou ancienne"
        verbose_name_plural = "communes déléguées ou anciennes"
        constraints = [models.UniqueConstraint(fields=["code", "kind", "current"], name="former_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}) → {self.current}"


class Grouping(models.Model):
    """A grouping of communes a contract can cover: an EPCI (CC, CA, CU, Métropole), an
    EPT, or a PETR, Pays, syndicat mixte or PNR (whose members are EPCI). Identified by SIREN."""

    class Nature(models.TextChoices):
        CC = "CC", "Communauté de communes"
        CA = "CA", "Communauté d'agglomération"
        CU = "CU", "Communauté urbaine"
        METRO = "METRO", "Métropole"
        EPT = "EPT", "Établissement public territorial"
        PETR = "PETR", "Pôle d'équilibre territorial et rural"
        PAYS = "PAYS", "Pays"
        SM = "SM", "Syndicat mixte"
        PNR = "PNR", "Parc naturel régional"

    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    short_name = models.CharField("sigle", max_length=40, blank=True)
    key = models.CharField("nom normalisé", max_length=200, db_index=True, blank=True, editable=False)
    nature = models.CharField("nature", max_length=5, choices=Nature.choices)
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    communes = models.ManyToManyField(Commune, related_name="groupings", blank=True)
    members = models.ManyToManyField(
        "self", symmetrical=False, related_name="parents", blank=True, verbose_name="EPCI membres"
    )
    organisation = models.OneToOneField(
        "Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="grouping"
    )
    is_current = models.BooleanField("en vigueur", default=True)
    vintage = models.CharField("millésime", max_length=20, blank=True)

    class Meta:
        verbose_name = "groupement"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(siren__regex=r"^[0-9]{9}$"), name="grouping_siren"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.key = normalize_label(self.name)
        super().save(*args, **kwargs)

    def all_communes(self):
        """Its own communes, or those of its member EPCI (a PETR, a Pays)."""
        if self.nature in (self.Nature.PETR, self.Nature.PAYS, self.Nature.SM, self.Nature.PNR):
            return Commune.objects.filter(Q(groupings=self) | Q(groupings__parents=self)).distinct()
        return self.communes.all()


class ReferenceVintage(models.Model):
    """Which official vintage of the national reference is loaded, and what it held."""

    name = models.CharField("millésime", max_length=40, unique=True)
    loaded_at = models.DateTimeField("chargé le", auto_now=True)
    counts = models.JSONField("effectifs", default=dict)

    class Meta:
        verbose_name = "millésime du référentiel"

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """Any body the contracts name: EPCI, communes, the State and its operators,
    local authorities, European funds, associations, companies. Financers are
    organisations with `is_funder`."""

    class Category(models.TextChoices):
        EPCI = "EPCI", "EPCI"
        COMMUNE = "COMMUNE", "Commune"
        ETAT = "ETAT", "État"
        OPERATEUR_ETAT = "OPERATEUR_ETAT", "Opérateur de l'État"
        REGION = "REGION", "Région"
        DEPARTEMENT = "DEPARTEMENT", "Département"
        EUROPE = "EUROPE", "Fonds européens"
        AUTRE_PUBLIC = "AUTRE_PUBLIC", "Autre organisme public"
        PRIVE = "PRIVE", "Privé"
        INCONNU = "INCONNU", "Inconnu"

    name = models.CharField("nom", max_length=200, db_index=True)
    short_name = models.CharField("abréviation usuelle", max_length=40, blank=True)
    category = models.CharField("catégorie", max_length=20, choices=Category.choices)
    is_funder = models.BooleanField("financeur", default=False)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source = models.CharField("source", max_length=200, blank=True)
    # Where a body acts, so that « Région », « CD », « Agence de l'eau » mean the right one
    # for a contract: its kind (services-etat.csv) and its territory.
    kind = models.CharField("nature", max_length=30, blank=True, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    departement = models.ForeignKey(
        Departement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    area_code = models.CharField(
        "zone d'action", max_length=40, blank=True, help_text="Bassin, arrondissement…"
    )
    is_reference = models.BooleanField("du référentiel national", default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=r"^[0-9]{9}$"), name="organisation_siren"
            ),
            models.UniqueConstraint(
                fields=["siren"], condition=~Q(siren=""), name="organisation_siren_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class OrganisationAliasQuerySet(models.QuerySet):
    def resolve(self, text: str) -> "Organisation | None":
        """The one body this name designates wherever it is written; None when the name is
        unknown or names several bodies (« Région »: see core.resolve for a contract)."""
        found = {
            a.organisation_id: a.organisation
            for a in self.select_related("organisation").filter(key=normalize_label(text))[:2]
        }
        return next(iter(found.values())) if len(found) == 1 else None


class OrganisationAlias(models.Model):
    """A way documents write an organisation: 'CD62', 'AENP', 'Région', 'ETAT'."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    label = models.CharField("libellé", max_length=200)
    key = models.CharField(max_length=200, db_index=True, editable=False)

    objects = OrganisationAliasQuerySet.as_manager()

    class Meta:
        verbose_name = "autre nom"
        verbose_name_plural = "autres noms"
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="alias_unique")]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        self.key = normalize_label(self.label)
        super().save(*args, **kwargs)


class Job(models.Model):
    """Long work done by a worker (django-tasks, database backend): a large import, the
    national export, a document. The page that started it follows its progress here; what
    it produced is a file (`output`) or a summary (`result`) for the page to show."""

    class State(models.TextChoices):
        WAITING = "attente", "En file d'attente"
        RUNNING = "en_cours", "En cours"
        DONE = "terminee", "Terminé"
        FAILED = "echec", "Échec"
        CANCELLED = "annule", "Annulé"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("nature", max_length=40)
    label = models.CharField("intitulé", max_length=300)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.WAITING)
    step = models.CharField("étape", max_length=300, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    payload = models.JSONField("paramètres", default=dict, blank=True)
    result = models.JSONField("résultat", default=dict, blank=True)
    output = models.FileField("fichier produit", upload_to="travaux/", blank=True)
    output_name = models.CharField("nom du fichier", max_length=200, blank=True)
    error = models.TextField("erreur", blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Who runs it ("host:pid") and when it last said so: a job whose worker died is failed.
    worker = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)

    class Meta:
        verbose_name = "travail en arrière-plan"
        verbose_name_plural = "travaux en arrière-plan"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("core:job", args=[self.pk])

    RECENT = 5  # shown in « Mon espace »

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED, self.State.CANCELLED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
