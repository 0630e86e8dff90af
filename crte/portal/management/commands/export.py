from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crte.contracts.models import Contract
from crte.portal.exports import write_export


class Command(BaseCommand):
    help = (
        "Exporte un contrat en données ouvertes : le paquet de données de la plateforme "
        "(CSV + datapackage.json) et projets-territoire.csv (schéma national)."
    )

    def add_arguments(self, parser):
        parser.add_argument("contract", help="Identifiant du contrat, par ex. crte-cabbalr")
        parser.add_argument("--out", required=True, type=Path, help="Dossier de sortie")

    def handle(self, *args, contract: str, out, **options):
        found = Contract.objects.filter(slug=contract).select_related("territory__epci").first()
        if found is None:
            raise CommandError(f"Contrat introuvable : « {contract} ».")
        paths = write_export(found, Path(out))
        self.stdout.write(f"{len(paths)} fichiers écrits dans {out} : " + ", ".join(p.name for p in paths))
