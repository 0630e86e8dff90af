"""Pages to work in: the actions list of a contract (and of a perimeter), its board by
maturity, its exports, and « Mon espace »."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from crte.actions.models import Action
from crte.contracts.models import Contract
from crte.contracts.perms import access_for
from crte.core.perms import get_for_user
from crte.finance.sql import funding_of_action
from crte.workspace.exports import actions_csv, actions_xlsx
from crte.workspace.listing import PAGE_SIZE, ActionFilterForm, listing
from crte.workspace.lookups import LOOKUPS, own_actions
from crte.workspace.my_space import my_space

CONTRACTS = Contract.objects.select_related("territory")


def contract_years(contracts) -> list[int]:
    """From the first year of the contracts to their last (one aggregate query)."""
    span = contracts.aggregate(first=Min("start_year"), last=Max("end_year"))
    return list(range(span["first"], span["last"] + 1)) if span["first"] and span["last"] else []


def selection(request, actions, contracts, contract=None):
    form = ActionFilterForm(
        request.GET or None,
        actions=actions,
        years=contract_years(contracts),
        contract=contract,
        first=None if contract else own_actions(request.user),
    )
    result = listing(actions, form.criteria())
    # Each action's financing over the contract, by the money rule (what its fiche, the
    # maquette and the roll-up count): an amount per year counts once per year it covers.
    result.actions = result.actions.annotate(funded=funding_of_action())
    return form, result


def query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def contract_actions(request, slug, fmt=None):
    contract = get_for_user(CONTRACTS, request.user, slug=slug)
    form, result = selection(
        request, contract.actions.all(), Contract.objects.filter(pk=contract.pk), contract
    )
    if fmt:
        return export(result.actions, fmt, slugify(contract.slug))
    return render_list(
        request, form, result, {"contract": contract, "access": access_for(request.user, contract)}
    )


def perimeter_actions(request, fmt=None):
    """Every action the user may read, across contracts (the State's services)."""
    actions = Action.objects.visible_to(request.user)
    form, result = selection(request, actions, Contract.objects.visible_to(request.user))
    if fmt:
        return export(result.actions, fmt, "actions")
    return render_list(request, form, result, {"contract": None})


def contract_suggestions(request, slug, name):
    contract = get_for_user(CONTRACTS, request.user, slug=slug)
    return suggestions(request, name, contract.actions.all(), first=None)


def perimeter_suggestions(request, name):
    actions = Action.objects.visible_to(request.user)
    return suggestions(request, name, actions, first=own_actions(request.user))


def suggestions(request, name, actions, *, first):
    """The options of a filter's select for the words typed in its search box (htmx)."""
    if name not in LOOKUPS:
        raise Http404("Filtre inconnu.")
    text = request.GET.get(f"{name}_q", "")[:200]
    selected = request.GET.get(name, "")
    choices, more = LOOKUPS[name].choices(actions, text, selected, first=first)
    return render(
        request, "workspace/_lookup_options.html", {"choices": choices, "selected": selected, "more": more}
    )


def render_list(request, form, result, context):
    board = request.GET.get("vue") == "tableau"
    page = Paginator(result.actions, PAGE_SIZE).get_page(request.GET.get("page"))
    context |= {
        "form": form,
        "page": page,
        "board": board_columns(page.object_list) if board else None,
        "query": query_without(request, "page"),
        "view_query": query_without(request, "page", "vue"),
        "criteria": result.criteria,
        "active_filters": len(set(result.criteria) - {"tri"}),
    }
    template = "workspace/_actions_results.html" if request.htmx else "workspace/actions_list.html"
    return render(request, template, context)


def board_columns(actions) -> list[tuple[str, str, list]]:
    columns = {m: [] for m, _ in Action.Maturity.choices}
    for action in actions:
        columns[action.maturity].append(action)
    return [(m, label, columns[m]) for m, label in Action.Maturity.choices]


def export(actions, fmt: str, name: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format d'export inconnu : csv ou xlsx.")
    if fmt == "csv":
        response = HttpResponse(actions_csv(actions), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            actions_xlsx(actions),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}-actions.{fmt}"'
    return response


@login_required
def my_space_view(request):
    return render(request, "workspace/my_space.html", my_space(request.user, timezone.localdate()))
