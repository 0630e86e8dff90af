from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crte.contracts.models import Contract
from crte.finance.overview import contract_maquette
from crte.reports.maquette_xlsx import maquette_workbook


class Command(BaseCommand):
    help = "Écrit la maquette financière d'un contrat en XLSX (une feuille par vue)."

    def add_arguments(self, parser):
        parser.add_argument("contract", help="Identifiant du contrat, par ex. crte-cabbalr")
        parser.add_argument("--out", required=True, help="Fichier de sortie .xlsx")

    def handle(self, *args, contract: str, out: str, **options):
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("Le fichier de sortie doit finir par .xlsx.")
        found = Contract.objects.filter(slug=contract).first()
        if found is None:
            raise CommandError(f"Contrat introuvable : « {contract} ».")
        overview, facts = contract_maquette(found)
        path.write_bytes(maquette_workbook(found, overview, facts))
        self.stdout.write(f"Maquette écrite dans {path} : {len(facts)} lignes de financement.")
