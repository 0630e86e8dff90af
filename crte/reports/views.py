from django.http import Http404, HttpResponse

from crte.contracts.models import Contract
from crte.core.perms import get_for_user
from crte.finance.models import FundingAgreement
from crte.finance.overview import contract_maquette
from crte.governance.models import Meeting
from crte.reports.convention import convention_docx, convention_pdf
from crte.reports.maquette_xlsx import maquette_workbook
from crte.reports.minutes import minutes_docx, minutes_pdf

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CONTRACTS = Contract.objects.select_related("territory__epci")


def attachment(body: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def meeting_minutes(request, pk, fmt):
    if fmt not in ("pdf", "docx"):
        raise Http404("Format inconnu : pdf ou docx.")
    meeting = get_for_user(
        Meeting.objects.select_related("committee__contract"), request.user, pk=pk
    )
    body = minutes_pdf(meeting) if fmt == "pdf" else minutes_docx(meeting)
    return attachment(
        body, fmt, f"compte-rendu-{meeting.committee.kind.lower()}-{meeting.date:%Y-%m-%d}"
    )


def maquette_xlsx(request, slug):
    contract = get_for_user(CONTRACTS, request.user, slug=slug)
    overview, facts = contract_maquette(contract)
    return attachment(
        maquette_workbook(contract, overview, facts), "xlsx", f"maquette-financiere-{contract.slug}"
    )


def agreement_document(request, slug, year, fmt):
    if fmt not in ("pdf", "docx"):
        raise Http404("Format inconnu : pdf ou docx.")
    contract = get_for_user(CONTRACTS, request.user, slug=slug)
    agreement = FundingAgreement.objects.filter(contract=contract, year=year).first()
    agreement = agreement or FundingAgreement(contract=contract, year=year)  # a preview
    body = convention_pdf(agreement) if fmt == "pdf" else convention_docx(agreement)
    return attachment(body, fmt, f"convention-financiere-{year}-{contract.slug}")
