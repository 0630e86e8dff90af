"""Roll-ups over many contracts (a département, a region, the country), computed by the
database: counts, amounts by financer and engagement year, recovery-plan actions to report
upward (Art. 7-3), additive indicators summed. A fixed number of queries, whatever the
number of contracts."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from crte.actions.models import Action
from crte.contracts.models import Contract
from crte.core.models import Departement
from crte.finance.models import FundingLine
from crte.finance.sql import action_period_total, line_period_total
from crte.indicators.models import Indicator, Measurement

MONEY = DecimalField(max_digits=20, decimal_places=2)
# Units whose values add up across territories (not rates, not per inhabitant).
ADDITIVE_UNITS = {"teq CO2", "GWh", "MWh", "ha", "km", "t", "km²"}
RECOVERY_LIMIT = 200


def scoped(queryset, path: str, contracts):
    """Filter on the contracts, unless the scope is the whole instance (None): the national
    level reads everything, and the database then scans without a join to filter."""
    return queryset if contracts is None else queryset.filter(**{f"{path}__in": contracts})


def funding_by_funder_and_year(contracts):
    return (
        scoped(FundingLine.objects.all(), "action__contract", contracts)
        .exclude(action__maturity=Action.Maturity.ABANDONNEE)
        .values(funder_name=F("funder__name"), year=Coalesce("start_year", "action__start_year"))
        .annotate(total=Sum(line_period_total()))
        .order_by()
    )


def rollup(contracts) -> dict:
    """`contracts`: a queryset, or None for every contract of the instance."""
    everything = contracts is None
    per_contract = list(
        (Contract.objects.all() if everything else contracts)
        .annotate(
            n_actions=Count("actions"),
            amount=Sum(
                action_period_total("actions__"),
                filter=~Q(actions__maturity=Action.Maturity.ABANDONNEE),
            ),
        )
        .select_related("territory")
        .order_by("territory__departement_code", "name")
    )
    table: dict = defaultdict(lambda: defaultdict(Decimal))
    years: set = set()
    for row in funding_by_funder_and_year(contracts):
        funder = row["funder_name"] or "Financeur non précisé"
        table[funder][row["year"]] += row["total"] or Decimal(0)
        years.add(row["year"])
    ordered_years = sorted(y for y in years if y is not None) + ([None] if None in years else [])
    funders = sorted(table.items(), key=lambda item: -sum(item[1].values(), Decimal(0)))
    recovery_lines = scoped(FundingLine.objects.filter(credit_type="relance"), "action__contract", contracts)
    recovery = (
        recovery_lines.values(
            pk=F("action_id"), title=F("action__title"), contract__name=F("action__contract__name")
        )
        .annotate(total=Sum(line_period_total()))
        .order_by("contract__name", "title")
    )
    return {
        "by_departement": by_departement(per_contract),
        "contracts": per_contract,
        "count": len(per_contract),
        "actions": sum(c.n_actions for c in per_contract),
        "amount": sum((c.amount or Decimal(0) for c in per_contract), Decimal(0)),
        "years": ordered_years,
        "by_funder": [
            (funder, [values.get(y) for y in ordered_years], sum(values.values(), Decimal(0)))
            for funder, values in funders
        ],
        "recovery": list(recovery[:RECOVERY_LIMIT]),
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
        row = rows.setdefault(code, {"name": code, "contracts": 0, "amount": Decimal(0)})
        row["contracts"] += 1
        row["amount"] += contract.amount or Decimal(0)
    for code, name in Departement.objects.filter(code__in=list(rows)).values_list("code", "name"):
        rows[code]["name"] = name
    return dict(sorted(rows.items()))


def additive_indicators(contracts) -> list[dict]:
    """The last value of every contract's indicator that refines a national one with an
    additive unit, summed by national indicator."""
    last = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-date").values("value")[:1]
    rows = (
        scoped(Indicator.objects.filter(contract__isnull=False), "contract", contracts)
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
