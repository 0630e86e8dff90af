"""« Mon espace »: what a person has to do, whatever their role, in a fixed number of
queries: their contracts; the actions they carry (maître d'ouvrage) and the financing lines
of their financer; for the contracts they manage, a to-do list (values due, actions ready
for a committee, proposed changes, conventions to sign, late actions) and recent activity."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse

from crte.actions.models import Action, ActionChange, ProgressReport
from crte.contracts.models import Contract, Membership
from crte.core.models import Job
from crte.finance.models import FundingAgreement, FundingLine
from crte.indicators.models import Indicator, Measurement
from crte.workspace.listing import late_q

RECENT = 15
PROGRESS_DUE = dt.timedelta(days=180)  # an action under way reports at least twice a year


@dataclass
class Todo:
    label: str
    count: int
    url: str


@dataclass
class ContractSpace:
    contract: Contract
    roles: list[str]
    manages: bool
    todos: list[Todo] = field(default_factory=list)


def my_space(user, today: dt.date) -> dict:
    memberships = list(Membership.objects.filter(user=user).select_related("contract", "organisation"))
    contracts: dict[int, ContractSpace] = {}
    for m in memberships:
        space = contracts.setdefault(m.contract_id, ContractSpace(m.contract, [], False))
        space.roles.append(m.get_role_display() + (f" ({m.organisation.name})" if m.organisation else ""))
        space.manages |= m.role in Membership.MANAGER_ROLES
    managed = [pk for pk, s in contracts.items() if s.manages]
    owner_orgs = {m.organisation_id for m in memberships if m.role == Membership.Role.MAITRE_OUVRAGE}
    funder_orgs = {
        (m.contract_id, m.organisation_id) for m in memberships if m.role == Membership.Role.FINANCEUR
    }
    my_actions = (
        Action.objects.filter(contract__in=list(contracts), owners__in=owner_orgs)
        .exclude(maturity__in=[Action.Maturity.ACHEVEE, Action.Maturity.ABANDONNEE])
        .select_related("contract")
        .annotate(last_report=Max("progress_reports__on"))
        .order_by("contract__name", "title")
        if owner_orgs
        else []
    )
    funder_q = Q()
    for contract_id, organisation_id in funder_orgs:
        funder_q |= Q(action__contract_id=contract_id, funder_id=organisation_id)
    my_lines = (
        FundingLine.objects.filter(funder_q)
        .select_related("action__contract", "funder", "scheme")
        .order_by("action__contract__name", "action__title")
        if funder_orgs
        else []
    )
    if managed:
        add_todos(contracts, managed, today)
    return {
        "spaces": sorted(contracts.values(), key=lambda s: s.contract.name),
        "my_actions": [(a, progress_due(a, today)) for a in my_actions],
        "my_lines": list(my_lines),
        "activity": recent_activity(managed) if managed else [],
        "jobs": list(Job.objects.filter(user=user).only(*JOB_FIELDS)[: Job.RECENT]),
    }


JOB_FIELDS = ("id", "label", "state", "step", "created_at", "finished_at")


def progress_due(action: Action, today: dt.date) -> bool:
    """An engaged or running action whose progress was not reported for six months
    (`last_report`: the date of its last progress report, annotated)."""
    running = action.maturity in (Action.Maturity.ENGAGEE, Action.Maturity.EN_COURS)
    return running and (action.last_report is None or action.last_report < today - PROGRESS_DUE)


def add_todos(contracts: dict[int, ContractSpace], managed: list[int], today: dt.date) -> None:
    """One aggregate query per kind of to-do, for every managed contract at once."""
    year = today.year
    live = Action.objects.filter(contract__in=managed)
    ready = per_contract(live.filter(maturity=Action.Maturity.PRETE))
    late = per_contract(live.filter(late_q(year)))
    counts = Contract.objects.filter(pk__in=managed).values("pk", "slug", "start_year", "end_year")
    declared = per_contract(
        ProgressReport.objects.filter(action__contract__in=managed, status=ProgressReport.Status.A_CONFIRMER),
        "action__contract",
    )
    changes = per_contract(
        ActionChange.objects.pending().filter(action__contract__in=managed), "action__contract"
    )
    last_year = dt.date(year - 1, 12, 31)
    has_value = Measurement.objects.filter(indicator=OuterRef("pk"), date__year=year - 1)
    due = per_contract(
        Indicator.objects.filter(contract__in=managed).annotate(valued=Exists(has_value)).filter(valued=False)
    )
    signed = set(
        FundingAgreement.objects.filter(
            contract__in=managed, year=year, status=FundingAgreement.Status.SIGNEE
        ).values_list("contract_id", flat=True)
    )
    for row in counts:
        space = contracts[row["pk"]]
        slug = row["slug"]
        actions = reverse("workspace:contract_actions", args=[slug])
        in_contract = row["start_year"] and row["end_year"] and row["start_year"] <= year <= row["end_year"]
        todos = [
            Todo(
                "Actions prêtes à présenter en comité", ready.get(row["pk"], 0), f"{actions}?maturite=prete"
            ),
            Todo("Actions en retard", late.get(row["pk"], 0), f"{actions}?retard=on"),
            Todo(
                "Déclarations d'avancement à confirmer",
                declared.get(row["pk"], 0),
                f"{actions}?maturite=validee&maturite=engagee",
            ),
            Todo(
                "Évolutions proposées à étudier",
                changes.get(row["pk"], 0),
                reverse("governance:governance_home", args=[slug]),
            ),
            Todo(
                f"Indicateurs sans valeur pour {last_year.year}",
                due.get(row["pk"], 0),
                reverse("indicators:indicator_list", args=[slug]),
            ),
        ]
        if in_contract and row["pk"] not in signed:
            todos.append(
                Todo(
                    f"Convention financière {year} à signer",
                    1,
                    reverse("finance:agreement_detail", args=[slug, year]),
                )
            )
        space.todos = [t for t in todos if t.count]


def per_contract(queryset, path: str = "contract") -> dict[int, int]:
    return dict(queryset.values_list(path).annotate(n=Count("pk")).order_by())


def recent_activity(managed: list[int]) -> list:
    """The last changes to the actions and financing lines of the managed contracts."""
    actions = list(
        Action.history.filter(contract_id__in=managed)
        .select_related("history_user")
        .order_by("-history_date")[:RECENT]
    )
    lines = list(
        FundingLine.history.filter(action__contract_id__in=managed)
        .select_related("history_user", "funder")
        .order_by("-history_date")[:RECENT]
    )
    entries = [("action", a.title, a.history_type, a.history_date, a.history_user, a.id) for a in actions]
    entries += [
        (
            "financement",
            f"Ligne {line.id}",
            line.history_type,
            line.history_date,
            line.history_user,
            line.action_id,
        )
        for line in lines
    ]
    return sorted(entries, key=lambda e: e[3], reverse=True)[:RECENT]
