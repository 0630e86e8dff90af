"""The contract's page: a summary (figures per orientation computed by the database, the
five largest actions of each) that links to the actions list. Its cost does not grow with
the number of actions."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.shortcuts import render

from crte.actions.models import Action
from crte.contracts.models import Contract, Orientation
from crte.contracts.perms import access_for
from crte.core.perms import get_for_user
from crte.finance.sql import action_period_total, actions_total

LARGEST = 5


@dataclass
class OrientationFigures:
    orientation: Orientation
    count: int
    total_amount: Decimal  # amounts given as totals, abandoned actions apart
    annual_amount: Decimal  # amounts given per year, abandoned actions apart
    contract_total: Decimal  # over the contract, abandoned actions apart (money.action_total)
    unquantified: int
    largest: list


def orientation_figures(contract: Contract) -> list[OrientationFigures]:
    annual = Q(actions__amount_basis=Action.AmountBasis.ANNUAL)
    live = ~Q(actions__maturity=Action.Maturity.ABANDONNEE)
    orientations = contract.orientations.prefetch_related("priorities").annotate(
        n=Count("actions"),
        totals=Sum("actions__amount", filter=~annual & live),  # the money columns: one scope
        annuals=Sum("actions__amount", filter=annual & live),
        over_contract=actions_total("actions__", filter=live),
        unquantified=Count("actions", filter=Q(actions__amount__isnull=True)),
    )
    ranked = (
        Action.objects.filter(contract=contract)
        .annotate(
            weight=action_period_total(),
            rank=Window(
                RowNumber(),
                partition_by=F("orientation_id"),
                order_by=[F("weight").desc(nulls_last=True), "id"],
            ),
        )
        .filter(rank__lte=LARGEST)
        .order_by("orientation_id", "rank")
    )
    largest: dict[int, list] = {}
    for action in ranked:
        largest.setdefault(action.orientation_id, []).append(action)
    zero = Decimal(0)
    return [
        OrientationFigures(
            orientation=o,
            count=o.n,
            total_amount=o.totals or zero,
            annual_amount=o.annuals or zero,
            contract_total=o.over_contract or zero,
            unquantified=o.unquantified,
            largest=largest.get(o.pk, []),
        )
        for o in orientations
    ]


def contract_detail(request, slug):
    contracts = Contract.objects.select_related("territory__epci").annotate(
        commune_count=Count("territory__communes", distinct=True)
    )
    contract = get_for_user(contracts, request.user, slug=slug)
    signatories = contract.partners.filter(is_signatory=True).select_related("organisation")
    summaries = orientation_figures(contract)
    context = {
        "contract": contract,
        "access": access_for(request.user, contract),
        "signatories": signatories,
        "summaries": summaries,
        "programmes": contract.programmes.all(),
        "action_count": sum(s.count for s in summaries),
        "convention_year": contract.signed_on.year if contract.signed_on else contract.start_year,
    }
    return render(request, "contracts/contract_detail.html", context)
