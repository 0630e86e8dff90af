from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crte.contracts.models import Contract
from crte.finance.models import FundingAgreement
from crte.reports.convention import convention_docx, convention_pdf
from crte.reports.pdf import PdfUnavailable


class Command(BaseCommand):
    help = "Écrit la convention financière annuelle d'un contrat en DOCX ou PDF."

    def add_arguments(self, parser):
        parser.add_argument("contract", help="Identifiant du contrat, par ex. crte-cabbalr")
        parser.add_argument("--year", type=int, required=True, help="Année de la convention")
        parser.add_argument("--out", required=True, help="Fichier de sortie (.docx ou .pdf)")

    def handle(self, *args, **options):
        try:
            self.write(*args, **options)
        except PdfUnavailable as error:
            raise CommandError(str(error)) from error

    def write(self, *args, contract: str, year: int, out: str, **options):
        path = Path(out)
        if path.suffix.lower() not in {".docx", ".pdf"}:
            raise CommandError("Le fichier de sortie doit finir par .docx ou .pdf.")
        found = Contract.objects.filter(slug=contract).first()
        if found is None:
            raise CommandError(f"Contrat introuvable : « {contract} ».")
        agreement = FundingAgreement.objects.filter(contract=found, year=int(year)).first()
        agreement = agreement or FundingAgreement(contract=found, year=int(year))
        body = convention_pdf(agreement) if path.suffix.lower() == ".pdf" else convention_docx(agreement)
        path.write_bytes(body)
        state = "signée" if agreement.status == FundingAgreement.Status.SIGNEE else "projet"
        self.stdout.write(f"Convention {year} ({state}) écrite dans {path}.")
