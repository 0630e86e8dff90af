"""The catalogue of financing schemes shipped in `crte/core/data/dispositifs.csv`."""

from django.db import transaction

from crte.core.models import OrganisationAlias
from crte.core.reference import DATA_DIR, read_csv
from crte.finance.models import Scheme


@transaction.atomic
def load_schemes(path=DATA_DIR / "dispositifs.csv") -> list[Scheme]:
    schemes = []
    for row in read_csv(path):
        funder = OrganisationAlias.objects.resolve(row["financeur"]) if row["financeur"] else None
        aliases = sorted({row["abreviation"], *filter(None, row["autres_noms"].split("|"))})
        scheme, _ = Scheme.objects.update_or_create(
            name=row["nom"],
            defaults={
                "short_name": row["abreviation"],
                "funder": funder,
                "aliases": aliases,
                "source": "catalogue",
            },
        )
        schemes.append(scheme)
    return schemes
