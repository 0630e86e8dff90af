"""The answers of the search boxes of a contract's forms (`crte.core.search_box`): each
box names its source, declared beside its form; the rows come from the same source as
the form's validation, so that nothing is offered that the form would refuse."""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render

from crte.actions.forms import OWNERS, PLACES
from crte.contracts.models import Contract
from crte.contracts.perms import access_for
from crte.core.perms import get_for_user
from crte.core.search_box import TYPED_SUFFIX, search
from crte.finance.forms import FUNDERS
from crte.governance.forms import ADDED, ADHERING, ATTENDING, CONTRACT_ACTIONS, PARTNERS, REMOVED
from crte.workspace.members import REPRESENTED

SOURCES = {
    source.name: source
    for source in (
        ATTENDING,
        ADHERING,
        PARTNERS,
        CONTRACT_ACTIONS,
        ADDED,
        REMOVED,
        OWNERS,
        PLACES,
        FUNDERS,
        REPRESENTED,
    )
}
LIST_ID = re.compile(r"[A-Za-z0-9_-]{1,150}")  # the id of the list the options go into


@login_required
def search_box(request, slug, source):
    """At most 20 rows matching the words typed in a box, the contract's first: for those
    who work on the contract (members and managers), not for every reader."""
    if source not in SOURCES:
        raise Http404("Recherche inconnue.")
    source = SOURCES[source]
    contract = get_for_user(Contract.objects.select_related("territory"), request.user, slug=slug)
    access = access_for(request.user, contract)
    if not (access.roles or access.can_manage):
        raise PermissionDenied("Cette recherche est réservée aux membres du contrat.")
    list_id = request.GET.get("liste") or "resultats"
    if not LIST_ID.fullmatch(list_id):
        return HttpResponseBadRequest("Liste de résultats inconnue.")
    text = request.GET.get(request.GET.get("champ", "") + TYPED_SUFFIX, "")
    found = search(
        source.rows(contract), text, source.kind, near=source.near(contract) if source.near else None
    )
    rows = [
        {"pk": row.pk, "label": source.kind.label(row), "detail": source.kind.detail(row), "near": near}
        for row, near in found.rows
    ]
    context = {"list_id": list_id, "rows": rows, "more": found.more, "near_label": "du contrat"}
    return render(request, "core/_search_options.html", context)
