from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crte.contracts.models import Contract
from crte.reports.evaluation import create_evaluation, evaluation_docx, evaluation_pdf
from crte.reports.pdf import PdfUnavailable


class Command(BaseCommand):
    help = "Établit l'évaluation annuelle d'un contrat (chiffres figés) et l'écrit en PDF ou DOCX."

    def add_arguments(self, parser):
        parser.add_argument("contract", help="Identifiant du contrat, par ex. crte-cabbalr")
        parser.add_argument("--year", type=int, required=True, help="Année évaluée")
        parser.add_argument("--out", required=True, help="Fichier de sortie (.pdf ou .docx)")

    def handle(self, *args, **options):
        try:
            self.write(*args, **options)
        except PdfUnavailable as error:
            raise CommandError(str(error)) from error

    def write(self, *args, contract: str, year: int, out: str, **options):
        path = Path(out)
        if path.suffix.lower() not in {".docx", ".pdf"}:
            raise CommandError("Le fichier de sortie doit finir par .pdf ou .docx.")
        found = Contract.objects.filter(slug=contract).select_related("territory").first()
        if found is None:
            raise CommandError(f"Contrat introuvable : « {contract} ».")
        report = create_evaluation(found, int(year))
        body = evaluation_pdf(report) if path.suffix.lower() == ".pdf" else evaluation_docx(report)
        path.write_bytes(body)
        self.stdout.write(f"Évaluation {year} (chiffres au {report.as_of:%d/%m/%Y}) écrite dans {path}.")
