"""The contract's documents (evaluation, committee minutes, financing convention) built
by one function, for a download now (`build`, the GET links) or as a job (the PDF buttons:
WeasyPrint takes seconds on a large contract, so a worker makes it while the page shows
where it is)."""

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404

from crte.contracts.models import Contract
from crte.core import jobs
from crte.core.models import Job
from crte.core.perms import get_for_user
from crte.finance.agreements import year_outside
from crte.finance.models import FundingAgreement
from crte.governance.models import Meeting
from crte.reports.convention import convention_docx, convention_pdf
from crte.reports.evaluation import evaluation_docx, evaluation_pdf
from crte.reports.minutes import minutes_docx, minutes_pdf
from crte.reports.models import EvaluationReport
from crte.reports.pdf import PdfUnavailable

DOCUMENT = "document"
FORMATS = ("pdf", "docx")


def subject(document: str, user, fmt: str, *, pk=None, slug=None, year=None):
    """What the document is about, for a person allowed to read it (404 otherwise, as its
    page): the evaluation, the meeting, or the contract's convention of that year."""
    if fmt not in FORMATS:
        raise Http404("Format inconnu : pdf ou docx.")
    if document == "evaluation":
        return get_for_user(EvaluationReport.objects.select_related("contract"), user, pk=pk)
    if document == "minutes":
        return get_for_user(Meeting.objects.select_related("committee__contract"), user, pk=pk)
    if document == "convention":
        contract = get_for_user(Contract.objects.select_related("territory__epci"), user, slug=slug)
        if year_outside(contract, year):
            raise Http404(year_outside(contract, year))
        agreement = FundingAgreement.objects.filter(contract=contract, year=year).first()
        return agreement or FundingAgreement(contract=contract, year=year)  # a preview
    raise Http404("Document inconnu.")


def build(document: str, user, fmt: str, **where) -> tuple[bytes, str]:
    """The document's bytes and its file name (without the extension)."""
    about = subject(document, user, fmt, **where)
    if document == "evaluation":
        body = evaluation_pdf(about) if fmt == "pdf" else evaluation_docx(about)
        return body, f"evaluation-{about.year}-{about.contract.slug}"
    if document == "minutes":
        body = minutes_pdf(about) if fmt == "pdf" else minutes_docx(about)
        return body, f"compte-rendu-{about.committee.kind.lower()}-{about.date:%Y-%m-%d}"
    body = convention_pdf(about) if fmt == "pdf" else convention_docx(about)
    return body, f"convention-financiere-{about.year}-{about.contract.slug}"


def start(request, document: str, fmt: str, **where) -> Job:
    """Checks the reader and the request now (a refused person gets the page's 404, not a
    job), then queues; the job is named as people name the document."""
    about = subject(document, request.user, fmt, **where)
    label = {
        "evaluation": lambda: f"Évaluation {about.year} — {about.contract}",
        "minutes": lambda: f"Compte rendu : {about}",
        "convention": lambda: f"Convention financière {about.year} — {about.contract}",
    }[document]()
    payload = {"document": document, "fmt": fmt, **where}
    return jobs.start(DOCUMENT, f"{label} ({fmt.upper()})", user=request.user, payload=payload)


@jobs.handler(DOCUMENT)
def document_job(job: Job, progress) -> None:
    data = dict(job.payload)
    progress.step(f"Préparation du document ({data['fmt'].upper()})")
    try:
        body, name = build(data.pop("document"), job.user, data.pop("fmt"), **data)
    except (Http404, PermissionDenied) as error:
        raise jobs.JobError(f"Document indisponible : {error}") from error
    except PdfUnavailable as error:
        raise jobs.JobError(str(error)) from error
    name = f"{name}.{job.payload['fmt']}"
    job.output.save(f"{job.pk}-{name}", ContentFile(body), save=False)
    job.output_name = name
    job.result = {"message": f"Document prêt : {name}."}
