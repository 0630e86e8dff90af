from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from crte.core.text import normalize_label


class User(AbstractUser):
    """Accounts. Rights come from memberships of contracts (contracts.Membership) and from
    perimeter accesses (national level, département)."""

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


class Commune(models.Model):
    """A French commune, identified by its INSEE code (COG)."""

    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=120)
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    postal_code = models.CharField("code postal", max_length=30, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True)

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

    @property
    def departement_code(self) -> str:
        return self.insee_code[:3] if self.insee_code.startswith("97") else self.insee_code[:2]


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
        alias = self.select_related("organisation").filter(key=normalize_label(text)).first()
        return alias.organisation if alias else None


class OrganisationAlias(models.Model):
    """A way documents write an organisation: 'CD62', 'AENP', 'Région', 'ETAT'."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    label = models.CharField("libellé", max_length=120)
    key = models.CharField(max_length=120, unique=True, editable=False)

    objects = OrganisationAliasQuerySet.as_manager()

    class Meta:
        verbose_name = "autre nom"
        verbose_name_plural = "autres noms"

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        self.key = normalize_label(self.label)
        super().save(*args, **kwargs)
