import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crte.actions.models import Action
from crte.contracts.models import Contract
from crte.contracts.perms import access_for, can_manage_contract
from crte.core.charts import stacked_bars
from crte.core.formats import format_euros
from crte.core.perms import get_for_user
from crte.finance.agreements import (
    AgreementError,
    agreement_for,
    convention_content,
    sign_agreement,
    year_outside,
)
from crte.finance.forms import (
    DateForm,
    FundingLineCreateForm,
    FundingLineForm,
    MaquetteFilterForm,
    SplitForm,
)
from crte.finance.maquette import GROUP_LABELS, SPREAD_RULE, year_label
from crte.finance.models import FundingAgreement, FundingLine
from crte.finance.overview import action_financing, contract_maquette
from crte.finance.perms import can_manage_funding, can_update_funding_line
from crte.finance.plan import plan_context

LINES = FundingLine.objects.select_related("action__contract__territory", "funder", "scheme")
ACTIONS = Action.objects.select_related("contract__territory")
CONTRACTS = Contract.objects.select_related("territory")


def plan_response(request, action, message: str):
    """After a change: the plan's section for htmx, else back to the fiche."""
    if request.htmx:
        context = plan_context(request.user, action) | {"saved_message": message}
        return render(request, "finance/_plan.html", context)
    messages.success(request, message)
    return redirect(action.get_absolute_url() + "#plan-financement")


def form_response(request, template_context: dict):
    """A form to fill or correct: in the fiche's form area for htmx, else on its page."""
    if request.htmx:
        response = render(request, "finance/_line_form.html", template_context | {"inline": True})
        response["HX-Retarget"] = "#line-form"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "finance/line_form_page.html", template_context)


def money_warning(action) -> str:
    """Said after a change when the plan no longer matches the action's amount."""
    lines = list(action.funding_lines.all())
    for line in lines:
        line.action = action
    warnings = action_financing(action, lines)["warnings"]
    return (" " + " ".join(warnings)) if warnings else ""


@login_required
def funding_line_add(request, pk):
    action = get_for_user(ACTIONS, request.user, pk=pk, check=can_manage_funding)
    form = FundingLineCreateForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        line = form.save()
        return plan_response(
            request,
            action,
            f"Ligne ajoutée : {line.funder or 'financeur non précisé'}.{money_warning(action)}",
        )
    context = {"form": form, "action": action, "title": "Ajouter un financement", "url": request.path}
    return form_response(request, context)


@login_required
def funding_line_edit(request, pk):
    """Managers edit every field; a financer's member edits its own lines (amount, rate,
    years, status and its date, note), not the financer."""
    line = get_for_user(LINES, request.user, pk=pk, check=can_update_funding_line)
    manager = access_for(request.user, line.action.contract).can_manage
    form = FundingLineForm(request.POST or None, instance=line, action=line.action, funder_fixed=not manager)
    if request.method == "POST" and form.is_valid() and form.try_save():
        return plan_response(request, line.action, f"Financement mis à jour.{money_warning(line.action)}")
    context = {
        "form": form,
        "action": line.action,
        "line": line,
        "title": "Modifier un financement",
        "url": request.path,
    }
    return form_response(request, context)


@login_required
def funding_line_split(request, pk):
    """Part of a line becomes a new line (same financer, scheme and status, to change
    after): the two add up to the line's amount, to the cent."""
    line = get_for_user(
        LINES, request.user, pk=pk, check=lambda user, ln: can_manage_funding(user, ln.action)
    )
    form = SplitForm(request.POST or None, line=line)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            whole = line.resolved_amount()
            part = form.cleaned_data["part"]
            new = FundingLine.objects.get(pk=line.pk)
            new.pk = None
            new.external_id = f"saisie-{uuid.uuid4().hex[:12]}"
            new.amount, new.share, new.revision = part, None, 1
            new.source_text = f"partage de la ligne {line.pk}"
            new.save()
            line.amount, line.share = whole - part, None
            line.save()
        return plan_response(
            request, line.action, f"Ligne partagée : {format_euros(part)} sur une nouvelle ligne."
        )
    context = {
        "form": form,
        "action": line.action,
        "line": line,
        "title": "Partager un financement",
        "url": request.path,
    }
    return form_response(request, context)


@login_required
def funding_line_delete(request, pk):
    line = get_for_user(
        LINES, request.user, pk=pk, check=lambda user, ln: can_manage_funding(user, ln.action)
    )
    if request.method == "POST":
        action = line.action
        line.delete()
        return plan_response(request, action, "Ligne de financement supprimée (son historique est conservé).")
    context = {
        "action": line.action,
        "line": line,
        "title": "Supprimer un financement",
        "url": request.path,
        "delete": True,
    }
    return form_response(request, context)


def maquette(request, slug):
    contract = get_for_user(CONTRACTS, request.user, slug=slug)
    overview, _facts = contract_maquette(contract)
    form = MaquetteFilterForm(request.GET or None, maquette=overview)
    filters = form.filters()
    by_funder_year = overview.pivot("funder", "year", **filters)
    by_orientation = overview.pivot("orientation", "status", **filters)
    statuses = list(GROUP_LABELS)
    context = {
        "contract": contract,
        "form": form,
        "maquette": overview,
        "years": overview.years,
        "statuses": GROUP_LABELS,
        "status_labels": list(GROUP_LABELS.values()),
        "totals": overview.status_totals(**filters),
        "grand_total": overview.total(**filters),
        "by_funder_year": table_rows(by_funder_year, overview.years),
        "by_orientation": table_rows(by_orientation, statuses),
        "by_credit_type": table_rows(overview.pivot("credit_type", "status", **filters), statuses),
        "chart_funders": stacked_bars(
            {f: {year_label(y): a for y, a in v.items()} for f, v in by_funder_year.items()},
            [year_label(y) for y in overview.years],
            title="Financements par financeur et par année",
        ),
        "chart_orientations": stacked_bars(
            {o: {GROUP_LABELS[s]: a for s, a in v.items()} for o, v in by_orientation.items()},
            list(GROUP_LABELS.values()),
            title="Financements par orientation et par statut",
        ),
        "spread_rule": SPREAD_RULE,
        "query": request.GET.urlencode(),
    }
    return render(request, "finance/maquette.html", context)


def table_rows(table: dict, columns: list) -> list[tuple]:
    """(row label, [cells in column order], row total), largest first."""
    rows = [
        (label, [values.get(c) for c in columns], sum(values.values())) for label, values in table.items()
    ]
    return sorted(rows, key=lambda row: -row[2])


def agreement_detail(request, slug, year):
    contract = get_for_user(CONTRACTS, request.user, slug=slug)
    if year_outside(contract, year):
        raise Http404(year_outside(contract, year))
    agreement = FundingAgreement.objects.filter(contract=contract, year=year).first()
    agreement = agreement or FundingAgreement(contract=contract, year=year)  # not saved: a preview
    context = convention_content(agreement) | {
        "access": access_for(request.user, contract),
        "committee_form": DateForm(auto_id="comite_%s"),
        "signature_form": DateForm(auto_id="signature_%s"),
        "years": range(contract.start_year or year, (contract.end_year or year) + 1),
    }
    return render(request, "finance/agreement_detail.html", context)


@login_required
@require_POST
def agreement_step(request, slug, year, step):
    contract = get_for_user(CONTRACTS, request.user, slug=slug, check=can_manage_contract)
    form = DateForm(request.POST)
    if step not in ("comite", "signature") or not form.is_valid():
        errors = " ".join(form.errors.get("date", [])) or "Indiquez une date valide."
        messages.error(request, errors)
        return redirect("finance:agreement_detail", slug=slug, year=year)
    try:
        agreement = agreement_for(contract, year)
    except AgreementError as error:
        messages.error(request, str(error))
        return redirect(contract)
    if step == "comite":
        agreement.financers_committee_on = form.cleaned_data["date"]
        agreement.save(update_fields=["financers_committee_on"])
        messages.success(request, "Validation du comité des financeurs enregistrée.")
    else:
        try:
            count = sign_agreement(agreement, on=form.cleaned_data["date"])
        except AgreementError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Convention signée : {count} participations figées, passées à « accordé ».",
            )
    return redirect("finance:agreement_detail", slug=slug, year=year)
