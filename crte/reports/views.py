from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from crte.contracts.models import Contract
from crte.contracts.perms import access_for, can_manage_contract
from crte.core.charts import stacked_bars, trajectory_chart
from crte.core.limits import YEAR_MAX, YEAR_MIN
from crte.core.perms import get_for_user
from crte.finance.maquette import GROUP_LABELS
from crte.finance.overview import contract_maquette
from crte.reports import jobs as document_jobs
from crte.reports.dashboard import dashboard_figures
from crte.reports.evaluation import create_evaluation, readable
from crte.reports.forms import DashboardForm
from crte.reports.map import commune_map, departement_map
from crte.reports.maquette_xlsx import maquette_workbook
from crte.reports.models import EvaluationReport
from crte.reports.pdf import PdfUnavailable
from crte.reports.rollup import rollup

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CONTRACTS = Contract.objects.select_related("territory__epci")
ROLLUP_PAGE = 25  # rows of each long list of the roll-up: the page stays under 300 KB (issue 22)


def pdf_errors(view):
    """A PDF that cannot be produced here answers a French page, not a crash."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PdfUnavailable as error:
            return render(request, "reports/pdf_unavailable.html", {"message": str(error)}, status=503)

    return wrapped


def attachment(body: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@pdf_errors
def meeting_minutes(request, pk, fmt):
    return document(request, "minutes", fmt, pk=pk)


def document(request, kind: str, fmt: str, **where):
    """GET: the file now. POST: a job that makes it, followed on its page."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise Http404("Document introuvable.")
        return redirect(document_jobs.start(request, kind, fmt, **where))
    body, name = document_jobs.build(kind, request.user, fmt, **where)
    return attachment(body, name, fmt)


def maquette_xlsx(request, slug):
    contract = get_for_user(CONTRACTS, request.user, slug=slug)
    overview, facts = contract_maquette(contract)
    return attachment(
        maquette_workbook(contract, overview, facts), f"maquette-financiere-{contract.slug}", "xlsx"
    )


@pdf_errors
def agreement_document(request, slug, year, fmt):
    return document(request, "convention", fmt, slug=slug, year=year)


def dashboard(request, slug):
    contract = get_for_user(CONTRACTS, request.user, slug=slug)
    form = DashboardForm(request.GET or None, contract=contract)
    as_of, orientation = form.choice()
    figures = dashboard_figures(contract, as_of=as_of, orientation=orientation)
    financing = figures["financing"]
    context = {
        "contract": contract,
        "access": access_for(request.user, contract),
        "form": form,
        "orientation": orientation,
        "figures": figures,
        "statuses": GROUP_LABELS,
        "frequency_warnings": [w for year in figures["frequency"] for w in year.warnings],
        "chart_funders": stacked_bars(
            {
                row["funder"]: {GROUP_LABELS[k]: row[k] for k in GROUP_LABELS}
                for row in financing["by_funder"]
            },
            list(GROUP_LABELS.values()),
            title="Financements mobilisés par financeur et par statut",
        ),
        "map": commune_map(contract.territory.communes.all(), figures["communes"]["per_commune"])
        if contract.territory
        else "",
        "charts": {
            row["indicator"].pk: trajectory_chart(
                row["series"], row["trajectory"], unit=row["indicator"].unit, title=row["indicator"].name
            )
            for row in figures["indicators"]
        },
        "evaluations": contract.evaluations.all()[:5],
        "year_min": YEAR_MIN,
        "year_max": YEAR_MAX,
    }
    return render(request, "reports/dashboard.html", context)


@login_required
@require_POST
def evaluation_create(request, slug):
    contract = get_for_user(CONTRACTS, request.user, slug=slug, check=can_manage_contract)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    if not YEAR_MIN <= year <= YEAR_MAX or year > timezone.localdate().year:
        messages.error(request, "Indiquez l'année évaluée (passée ou en cours).")
        return redirect("reports:dashboard", slug=slug)
    as_of = parse_date(request.POST.get("as_of", "") or "")
    try:
        report = create_evaluation(contract, year, by=request.user, as_of=as_of)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("reports:dashboard", slug=slug)
    messages.success(request, f"Évaluation {year} établie : chiffres arrêtés au {report.as_of:%d/%m/%Y}.")
    return redirect(report)


def evaluation_detail(request, pk):
    report = get_for_user(EvaluationReport.objects.select_related("contract"), request.user, pk=pk)
    return render(request, "reports/evaluation_detail.html", readable(report) | {"contract": report.contract})


@pdf_errors
def evaluation_document(request, pk, fmt):
    return document(request, "evaluation", fmt, pk=pk)


@login_required
def perimeter_rollup(request):
    """What a préfecture, a region or the national level follows: every contract of its
    perimeter, summed, with a link to each."""
    if not request.user.has_perimeter:
        raise PermissionDenied("Cette page est réservée aux accès départementaux, régionaux ou nationaux.")
    departement = request.GET.get("departement", "").strip()
    contracts = Contract.objects.in_perimeter_of(request.user)
    if departement:
        contracts = contracts.filter(territory__departement_code=departement)
    elif request.user.is_national_admin:
        contracts = None  # the whole instance: no filter to apply
    context = rollup(contracts) | {"departement": departement}
    context["map"] = departement_map(context["by_departement"])
    # Every row stays one click away, a page at a time (the totals and the map cover all).
    context |= {
        "contracts_page": page_of(request, context["contracts"], "page"),
        "funders_page": page_of(request, context["by_funder"], "financeurs"),
        "departements_page": page_of(request, list(context["by_departement"].items()), "departements"),
        "recovery_page": page_of(request, context["recovery"], "relance"),
    }
    return render(request, "reports/rollup.html", context)


def page_of(request, rows, param: str):
    return Paginator(rows, ROLLUP_PAGE).get_page(request.GET.get(param))
