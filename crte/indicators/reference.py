"""The 2021 national CRTE indicator set (identifiers and units), shipped in
`data/indicateurs_crte_2021.csv` (provenance in crte/core/data/SOURCES.md)."""

from pathlib import Path

from django.db import transaction

from crte.core.reference import read_csv
from crte.indicators.models import Indicator

DATA = Path(__file__).resolve().parent / "data" / "indicateurs_crte_2021.csv"


@transaction.atomic
def load_indicator_catalogue(path: Path = DATA) -> list[Indicator]:
    indicators = []
    for row in read_csv(path):
        indicator, _ = Indicator.objects.update_or_create(
            contract=None,
            code=row["identifiant"],
            defaults={
                "name": row["nom"],
                "unit": row["unite"],
                "direction": row["sens"],
                "level": Indicator.Level.CONTRAT,
                "source": "Jeu national d'indicateurs CRTE 2021",
            },
        )
        indicators.append(indicator)
    return indicators
