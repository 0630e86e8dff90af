import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crte.contracts.models import Contract
from crte.portal.exports import write_all, write_export


class Command(BaseCommand):
    help = (
        "Exporte un contrat (ou tous avec --all) en données ouvertes : le paquet de données de "
        "la plateforme (CSV + datapackage.json) et projets-territoire.csv (schéma national)."
    )

    def add_arguments(self, parser):
        parser.add_argument("contract", nargs="?", help="Identifiant du contrat, par ex. crte-cabbalr")
        parser.add_argument("--all", action="store_true", help="Tous les contrats, dans un seul paquet")
        parser.add_argument("--out", required=True, type=Path, help="Dossier de sortie")

    def handle(self, *args, contract=None, out, **options):
        out = Path(out)
        if options["all"]:

            def progress(name: str) -> None:
                sys.stderr.write(f"{name}.csv écrit\n")

            count = write_all(out, progress=progress)
            self.stdout.write(f"{count} contrats exportés dans {out}.")
            return
        if not contract:
            raise CommandError("Indiquez un contrat, ou --all pour tous.")
        found = Contract.objects.filter(slug=contract).select_related("territory__epci").first()
        if found is None:
            raise CommandError(f"Contrat introuvable : « {contract} ».")
        paths = write_export(found, out)
        self.stdout.write(f"{len(paths)} fichiers écrits dans {out} : " + ", ".join(p.name for p in paths))
