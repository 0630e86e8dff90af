"""The national catalogue of financing schemes shipped in `crte/core/data/dispositifs.csv`
(SOURCES.md there): name, short name, financer (a national body, or `@kind` when the
financer depends on the territory: `@agence-eau` is the basin's water agency), usual
credit type and the aliases documents use. Loaded after every migrate, after the bodies."""

from django.db import transaction

from crte.core.models import Organisation
from crte.core.reference import DATA_DIR, read_csv
from crte.finance.models import Scheme


@transaction.atomic
def load_schemes(path=DATA_DIR / "dispositifs.csv") -> list[Scheme]:
    national = {o.name: o for o in Organisation.objects.filter(kind="national")}
    by_short = {o.short_name: o for o in national.values() if o.short_name}
    existing = {s.name: s for s in Scheme.objects.all()}
    schemes = []
    for row in read_csv(path):
        funder_text = row["financeur"]
        kind = funder_text[1:] if funder_text.startswith("@") else ""
        funder = None if kind else national.get(funder_text) or by_short.get(funder_text)
        aliases = sorted({row["abreviation"], *filter(None, row["autres_noms"].split("|"))} - {""})
        fields = {
            "short_name": row["abreviation"][:40],
            "funder": funder,
            "funder_kind": kind,
            "credit_type": row["type_credit"],
            "aliases": aliases,
            "source": "catalogue national",
        }
        scheme = existing.get(row["nom"])
        if scheme is None:
            scheme = Scheme.objects.create(name=row["nom"], **fields)
        elif any(getattr(scheme, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(scheme, k, v)
            scheme.save()
        schemes.append(scheme)
    return schemes
