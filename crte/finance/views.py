from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crte.contracts.models import Contract
from crte.contracts.perms import access_for, can_manage_contract
from crte.core.charts import stacked_bars
from crte.core.perms import get_for_user
from crte.finance.agreements import (
    AgreementError,
    agreement_for,
    convention_content,
    sign_agreement,
)
from crte.finance.forms import DateForm, FundingLineStatusForm, MaquetteFilterForm
from crte.finance.maquette import GROUP_LABELS, SPREAD_RULE, year_label
from crte.finance.models import FundingAgreement, FundingLine
from crte.finance.overview import contract_maquette
from crte.finance.perms import can_update_funding_line

LINES = FundingLine.objects.select_related("action__contract__territory", "funder", "scheme")
CONTRACTS = Contract.objects.select_related("territory")


@login_required
def funding_line_edit(request, pk):
    line = get_for_user(LINES, request.user, pk=pk, check=can_update_funding_line)
    form = FundingLineStatusForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid() and form.try_save():
        messages.success(request, "Statut du financement mis à jour.")
        return redirect(line)
    return render(request, "finance/funding_line_edit.html", {"form": form, "line": line})


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
    agreement = FundingAgreement.objects.filter(contract=contract, year=year).first()
    agreement = agreement or FundingAgreement(contract=contract, year=year)  # not saved: a preview
    context = convention_content(agreement) | {
        "access": access_for(request.user, contract),
        "date_form": DateForm(),
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
    agreement = agreement_for(contract, year)
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
