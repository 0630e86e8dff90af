"""Roll-ups over many contracts (a département, a region, the country), computed by the
database: counts, amounts by financer and engagement year, recovery-plan actions to report
upward (Art. 7-3), additive indicators summed. A fixed number of queries, whatever the
number of contracts.

`rollup` reads the per-contract summaries (`crte.finance.summaries`), computing first those
that writes made stale; `raw_rollup` computes the same figures from every action and line,
which is what a test compares them with, and what is shown when the summaries cannot be
written (SQLite locked by a large import)."""

import hashlib
import logging
from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.db import OperationalError
from django.db.models import Count, DecimalField, Exists, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from crte.actions.models import Action
from crte.contracts.models import Contract, of_contracts
from crte.core.models import Departement, Organisation
from crte.core.sqlite import busy_wait
from crte.finance import summaries
from crte.finance.models import ContractFunding, ContractSummary, FundingLine
from crte.finance.sql import actions_total, lines_total
from crte.indicators.models import Indicator, Measurement

MONEY = DecimalField(max_digits=20, decimal_places=2)
# Units whose values add up across territories (not rates, not per inhabitant).
ADDITIVE_UNITS = {"teq CO2", "GWh", "MWh", "ha", "km", "t", "km²"}
RECOVERY_LIMIT = 200
CACHE_SECONDS = 60
REFRESH_WAIT_MS = 1000  # on SQLite, how long a page waits to write the summaries
logger = logging.getLogger(__name__)


def funding_by_funder_and_year(contracts):
    return (
        of_contracts(FundingLine.objects.all(), "action__contract", contracts)
        .exclude(action__maturity=Action.Maturity.ABANDONNEE)
        .values(funder_name=F("funder__name"), year=Coalesce("start_year", "action__start_year"))
        .annotate(total=lines_total())
        .order_by()
    )


def rollup(contracts) -> dict:
    """`contracts`: a queryset, or None for every contract of the instance.

    The figures of one perimeter are kept (process cache, `CACHE_SECONDS`) under the state
    of its contracts' summaries: any write to one of them, a new contract or a removed one
    gives another key, so what is shown is always exact; only an organisation renamed may
    show its former name for that long."""
    scope = Contract.objects.all() if contracts is None else contracts
    state = scope.aggregate(n=Count("pk"), top=Max("pk"), writes=Sum("summary__writes"))
    key = "rollup:" + hashlib.sha256(f"{scope.query}|{state}".encode()).hexdigest()
    figures = cache.get(key)
    if figures is None:
        try:
            with busy_wait(REFRESH_WAIT_MS):
                summaries.refresh(contracts)
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            logger.warning("roll-up computed from the lines: the summaries could not be written (%s)", error)
            return raw_rollup(contracts)
        figures = summed(contracts)
        cache.set(key, figures, CACHE_SECONDS)
    per_contract = (
        scope.annotate(n_actions=F("summary__n_actions"), amount=F("summary__amount"))
        .select_related("territory")
        .order_by("territory__departement_code", "name")
    )
    return figures | {"contracts": per_contract}


def summed(contracts) -> dict:
    """The figures of `rollup`, read from the summaries."""
    kept = of_contracts(ContractSummary.objects.all(), "contract", contracts)
    totals = kept.aggregate(count=Count("pk"), actions=Sum("n_actions"), amount=Sum("amount"))
    departements = (
        kept.exclude(contract__territory__departement_code="")
        .exclude(contract__territory__departement_code__isnull=True)
        .values(code=F("contract__territory__departement_code"))
        .annotate(contracts=Count("pk"), amount=Coalesce(Sum("amount"), Value(0), output_field=MONEY))
        .order_by("code")
    )
    funding = list(  # by id (a hash aggregate), named after: a sort on names spills to disk
        of_contracts(ContractFunding.objects.all(), "contract", contracts)
        .values("funder_id", "year")
        .annotate(total=Sum("total"))
        .order_by()
    )
    names = dict(
        Organisation.objects.filter(pk__in={row["funder_id"] for row in funding}).values_list("pk", "name")
    )
    for row in funding:
        row["funder_name"] = names.get(row["funder_id"])
    return (
        {
            "by_departement": named_departements(
                {row.pop("code"): row for row in departements}  # {code: {contracts, amount}}
            ),
            "count": totals["count"],
            "actions": totals["actions"] or 0,
            "amount": totals["amount"] or Decimal(0),
        }
        | funding_table(funding)
        | others(contracts)
    )


def raw_rollup(contracts) -> dict:
    """The same figures computed from every action and financing line."""
    everything = contracts is None
    per_contract = list(
        (Contract.objects.all() if everything else contracts)
        .annotate(
            n_actions=Count("actions"),
            amount=actions_total("actions__", filter=~Q(actions__maturity=Action.Maturity.ABANDONNEE)),
        )
        .select_related("territory")
        .order_by("territory__departement_code", "name")
    )
    return (
        {
            "by_departement": by_departement(per_contract),
            "contracts": per_contract,
            "count": len(per_contract),
            "actions": sum(c.n_actions for c in per_contract),
            "amount": sum((c.amount or Decimal(0) for c in per_contract), Decimal(0)),
        }
        | funding_table(funding_by_funder_and_year(contracts))
        | others(contracts)
    )


def funding_table(rows) -> dict:
    """Financers (largest first) × years (in order, the unknown year last)."""
    table: dict = defaultdict(lambda: defaultdict(Decimal))
    years: set = set()
    for row in rows:
        funder = row["funder_name"] or "Financeur non précisé"
        table[funder][row["year"]] += row["total"] or Decimal(0)
        years.add(row["year"])
    ordered_years = sorted(y for y in years if y is not None) + ([None] if None in years else [])
    funders = sorted(table.items(), key=lambda item: -sum(item[1].values(), Decimal(0)))
    return {
        "years": ordered_years,
        "by_funder": [
            (funder, [values.get(y) for y in ordered_years], sum(values.values(), Decimal(0)))
            for funder, values in funders
        ],
    }


def others(contracts) -> dict:
    """What the summaries do not hold: recovery-plan actions and additive indicators."""
    recovery_lines = of_contracts(
        FundingLine.objects.filter(credit_type="relance"), "action__contract", contracts
    )
    # The first actions in order, then the totals of those only: sorting every recovery
    # line's action with its total costs a sort on disk at the national level.
    first = list(
        of_contracts(Action.objects.all(), "contract", contracts)
        .filter(Exists(FundingLine.objects.filter(action=OuterRef("pk"), credit_type="relance")))
        .order_by("contract__name", "title", "pk")
        .values("pk", "title", "contract__name")[:RECOVERY_LIMIT]
    )
    totals = dict(
        FundingLine.objects.filter(credit_type="relance", action_id__in=[a["pk"] for a in first])
        .values("action_id")
        .annotate(total=lines_total())
        .values_list("action_id", "total")
        .order_by()
    )
    return {
        "recovery": [action | {"total": totals.get(action["pk"])} for action in first],
        "recovery_count": recovery_lines.values("action_id").distinct().count(),
        "indicators": additive_indicators(contracts),
    }


def by_departement(per_contract: list) -> dict[str, dict]:
    """Contracts and amounts by main département (one query for the names)."""
    rows: dict[str, dict] = {}
    for contract in per_contract:
        code = contract.territory.departement_code if contract.territory else ""
        if not code:
            continue
        row = rows.setdefault(code, {"contracts": 0, "amount": Decimal(0)})
        row["contracts"] += 1
        row["amount"] += contract.amount or Decimal(0)
    return named_departements(rows)


def named_departements(rows: dict[str, dict]) -> dict[str, dict]:
    """{code: {name, contracts, amount}} in code order, named (one query; the code when
    the reference has no such département)."""
    names = dict(Departement.objects.filter(code__in=list(rows)).values_list("code", "name"))
    return {code: {"name": names.get(code, code), **row} for code, row in sorted(rows.items())}


def additive_indicators(contracts) -> list[dict]:
    """The last value of every contract's indicator that refines a national one with an
    additive unit, summed by national indicator."""
    last = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-date").values("value")[:1]
    rows = (
        of_contracts(Indicator.objects.filter(contract__isnull=False), "contract", contracts)
        .filter(
            catalogue_entry__isnull=False,
            catalogue_entry__unit__in=ADDITIVE_UNITS,
        )
        .annotate(last_value=Subquery(last))
        .values("catalogue_entry__code", "catalogue_entry__name", "catalogue_entry__unit", "last_value")
    )
    totals: dict = {}
    for row in rows:
        key = row["catalogue_entry__code"]
        entry = totals.setdefault(
            key,
            {
                "name": row["catalogue_entry__name"],
                "unit": row["catalogue_entry__unit"],
                "total": Decimal(0),
                "contracts": 0,
            },
        )
        if row["last_value"] is not None:
            entry["total"] += row["last_value"]
            entry["contracts"] += 1
    return sorted(totals.values(), key=lambda e: e["name"])
