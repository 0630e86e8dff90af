from django.core.management.base import CommandError

from crte.contracts.models import Contract
from crte.finance.agreements import year_outside
from crte.finance.models import FundingAgreement
from crte.reports.convention import convention_docx, convention_pdf
from crte.reports.documents import DocumentCommand


class Command(DocumentCommand):
    help = "Écrit la convention financière annuelle d'un contrat en DOCX ou PDF."

    def add_arguments(self, parser):
        parser.add_argument("contract", help="Identifiant du contrat, par ex. crte-cabbalr")
        parser.add_argument("--year", type=int, required=True, help="Année de la convention")
        super().add_arguments(parser)

    def document(self, fmt: str, *, contract: str, year: int, **options) -> tuple[bytes, str]:
        found = Contract.objects.filter(slug=contract).first()
        if found is None:
            raise CommandError(f"Contrat introuvable : « {contract} ».")
        if year_outside(found, int(year)):
            raise CommandError(year_outside(found, int(year)))
        agreement = FundingAgreement.objects.filter(contract=found, year=int(year)).first()
        agreement = agreement or FundingAgreement(contract=found, year=int(year))  # a preview
        body = convention_pdf(agreement) if fmt == "pdf" else convention_docx(agreement)
        state = "signée" if agreement.status == FundingAgreement.Status.SIGNEE else "projet"
        return body, f"Convention {year} ({state})"
