from django.conf import settings
from django.db import models

from crte.importers.understand.mapping import CHOICES, Choice


class ColumnMappingQuerySet(models.QuerySet):
    def as_mapping(self) -> dict[str, Choice]:
        return {m.header_key: Choice(m.meaning, m.funder) for m in self}


class ColumnMapping(models.Model):
    """What a column title means in this contract's tables, as a person chose it in an
    import's preview (or a mapping file): the next file of the same layout is read so."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="column_mappings", verbose_name="contrat"
    )
    header_key = models.CharField("titre de colonne (normalisé)", max_length=200)
    header = models.CharField("titre de colonne", max_length=200)
    meaning = models.CharField("compris comme", max_length=40, choices=list(CHOICES.items()))
    funder = models.CharField("financeur", max_length=200, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="par"
    )

    objects = ColumnMappingQuerySet.as_manager()

    class Meta:
        verbose_name = "correspondance de colonne"
        constraints = [
            models.UniqueConstraint(fields=["contract", "header_key"], name="column_mapping_unique_header")
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.get_meaning_display()}"


def remember(contract, mapping: dict[str, Choice], headers: dict[str, str], user=None) -> None:
    """Keeps the person's choices for the contract's next imports."""
    for key, choice in mapping.items():
        ColumnMapping.objects.update_or_create(
            contract=contract,
            header_key=key[:200],
            defaults={
                "header": headers.get(key, key)[:200],
                "meaning": choice.meaning,
                "funder": choice.funder[:200],
                "updated_by": user if user is not None and user.is_authenticated else None,
            },
        )
