from django.db.models import Count, Prefetch
from django.shortcuts import render

from crte.actions.models import Action
from crte.contracts.models import Contract
from crte.contracts.perms import access_for
from crte.core.perms import get_for_user
from crte.finance.money import Period
from crte.reports.figures import orientation_summaries


def contract_detail(request, slug):
    contracts = Contract.objects.select_related("territory__epci").annotate(
        commune_count=Count("territory__communes", distinct=True)
    )
    contract = get_for_user(contracts, request.user, slug=slug)
    orientations = contract.orientations.prefetch_related(
        "priorities",
        Prefetch("actions", queryset=Action.objects.for_listing().order_by("order", "id")),
    )
    signatories = contract.partners.filter(is_signatory=True).select_related("organisation")
    context = {
        "contract": contract,
        "access": access_for(request.user, contract),
        "signatories": signatories,
        "summaries": orientation_summaries(orientations, Period(contract.start_year, contract.end_year)),
        "programmes": contract.programmes.all(),
        "action_count": contract.actions.count(),
        "convention_year": contract.signed_on.year if contract.signed_on else contract.start_year,
    }
    return render(request, "contracts/contract_detail.html", context)
