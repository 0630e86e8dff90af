from django.core.management.base import CommandError

from crte.contracts.models import Contract
from crte.reports.documents import DocumentCommand
from crte.reports.evaluation import create_evaluation, evaluation_docx, evaluation_pdf


class Command(DocumentCommand):
    help = "Établit l'évaluation annuelle d'un contrat (chiffres figés) et l'écrit en PDF ou DOCX."

    def add_arguments(self, parser):
        parser.add_argument("contract", help="Identifiant du contrat, par ex. crte-cabbalr")
        parser.add_argument("--year", type=int, required=True, help="Année évaluée")
        super().add_arguments(parser)

    def document(self, fmt: str, *, contract: str, year: int, **options) -> tuple[bytes, str]:
        found = Contract.objects.filter(slug=contract).select_related("territory").first()
        if found is None:
            raise CommandError(f"Contrat introuvable : « {contract} ».")
        report = create_evaluation(found, int(year))
        body = evaluation_pdf(report) if fmt == "pdf" else evaluation_docx(report)
        return body, f"Évaluation {year} (chiffres au {report.as_of:%d/%m/%Y})"
