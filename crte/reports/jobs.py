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
LABELS = {"evaluation": "évaluation", "minutes": "compte rendu", "convention": "convention financière"}


def build(document: str, user, fmt: str, *, pk=None, slug=None, year=None) -> tuple[bytes, str]:
    """The document's bytes and its file name, for a person allowed to read it (404
    otherwise, as its page)."""
    if fmt not in FORMATS:
        raise Http404("Format inconnu : pdf ou docx.")
    if document == "evaluation":
        report = get_for_user(EvaluationReport.objects.select_related("contract"), user, pk=pk)
        body = evaluation_pdf(report) if fmt == "pdf" else evaluation_docx(report)
        return body, f"evaluation-{report.year}-{report.contract.slug}.{fmt}"
    if document == "minutes":
        meeting = get_for_user(Meeting.objects.select_related("committee__contract"), user, pk=pk)
        body = minutes_pdf(meeting) if fmt == "pdf" else minutes_docx(meeting)
        return body, f"compte-rendu-{meeting.committee.kind.lower()}-{meeting.date:%Y-%m-%d}.{fmt}"
    if document == "convention":
        contract = get_for_user(Contract.objects.select_related("territory__epci"), user, slug=slug)
        if year_outside(contract, year):
            raise Http404(year_outside(contract, year))
        agreement = FundingAgreement.objects.filter(contract=contract, year=year).first()
        agreement = agreement or FundingAgreement(contract=contract, year=year)  # a preview
        body = convention_pdf(agreement) if fmt == "pdf" else convention_docx(agreement)
        return body, f"convention-financiere-{year}-{contract.slug}.{fmt}"
    raise Http404("Document inconnu.")


def start(request, document: str, fmt: str, **where) -> Job:
    """Checks the reader now (a refused person gets the page's 404, not a job), then queues."""
    get_allowed(request.user, document, where)
    label = f"Document : {LABELS[document]} ({fmt.upper()})"
    return jobs.start(DOCUMENT, label, user=request.user, payload={"document": document, "fmt": fmt, **where})


def get_allowed(user, document: str, where: dict) -> None:
    if document == "evaluation":
        get_for_user(EvaluationReport.objects.all(), user, pk=where["pk"])
    elif document == "minutes":
        get_for_user(Meeting.objects.all(), user, pk=where["pk"])
    else:
        get_for_user(Contract.objects.all(), user, slug=where["slug"])


@jobs.handler(DOCUMENT)
def document_job(job: Job, progress) -> None:
    data = dict(job.payload)
    progress.step(f"Préparation du document ({data['fmt'].upper()})")
    try:
        body, name = build(
            data.pop("document"),
            job.user,
            data.pop("fmt"),
            **{k: v for k, v in data.items() if v is not None},
        )
    except (Http404, PermissionDenied) as error:
        raise jobs.JobError(f"Document indisponible : {error}") from error
    except PdfUnavailable as error:
        raise jobs.JobError(str(error)) from error
    job.output.save(f"{job.pk}-{name}", ContentFile(body), save=False)
    job.output_name = name
    job.result = {"message": f"Document prêt : {name}."}
