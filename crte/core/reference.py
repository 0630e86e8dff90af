"""Loads the reference data shipped in `crte/core/data/` (see SOURCES.md there).
Idempotent: running it again updates rows and never duplicates them."""

import csv
from pathlib import Path

from django.db import transaction

from crte.core.models import Commune, Organisation, OrganisationAlias
from crte.core.text import normalize_label

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_communes(path: Path = DATA_DIR / "cabbalr_communes.csv") -> list[Commune]:
    communes = []
    for row in read_csv(path):
        commune, _ = Commune.objects.update_or_create(
            insee_code=row["code_insee"],
            defaults={
                "name": row["nom"],
                "population": int(row["population"]) if row["population"] else None,
                "postal_code": row["code_postal"],
                "siren": row["siren"],
            },
        )
        Organisation.objects.update_or_create(
            siren=row["siren"],
            defaults={"name": row["nom"], "category": "COMMUNE", "commune": commune},
        )
        communes.append(commune)
    return communes


@transaction.atomic
def load_funders(path: Path = DATA_DIR / "financeurs.csv") -> list[Organisation]:
    funders = []
    for row in read_csv(path):
        funder, _ = Organisation.objects.update_or_create(
            name=row["nom"],
            category=row["categorie"],
            defaults={"short_name": row["abreviation"], "is_funder": True, "source": "catalogue"},
        )
        labels = {row["nom"], row["abreviation"], *filter(None, row["autres_noms"].split("|"))}
        for label in sorted(labels):
            OrganisationAlias.objects.update_or_create(
                key=normalize_label(label), defaults={"organisation": funder, "label": label}
            )
        funders.append(funder)
    return funders
