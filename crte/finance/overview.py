"""Reads a contract's financing lines into the facts the money rule needs (one query), and
an action's financing plan as its fiche shows it."""

from decimal import Decimal

from crte.contracts.models import Contract
from crte.finance.maquette import LineFacts, Maquette, Period, build_maquette
from crte.finance.models import FundingLine
from crte.finance.money import TOLERANCE, action_total, own_years, period_total, resolved, years_inside

NO_FUNDER = "Financeur non précisé"
NO_CREDIT_TYPE = "non précisé"


def contract_lines(contract: Contract):
    return (
        FundingLine.objects.filter(action__contract=contract)
        .exclude(action__maturity="abandonnee")
        .select_related("action__orientation", "funder")
        .order_by("action__orientation__order", "action__order", "id")
    )


def facts_of(line: FundingLine) -> LineFacts:
    action = line.action
    start, end = own_years(line.start_year, line.end_year, action.start_year, action.end_year)
    return LineFacts(
        funder=line.funder.name if line.funder else NO_FUNDER,
        orientation=action.orientation.name,
        credit_type=line.get_credit_type_display() if line.credit_type else NO_CREDIT_TYPE,
        status=line.status,
        amount=line.resolved_amount(),
        is_annual=line.is_annual,
        start_year=start,
        end_year=end,
        action_id=action.pk,
        action_title=action.title,
    )


def contract_period(contract: Contract) -> Period:
    return Period(contract.start_year, contract.end_year)


FACT_FIELDS = (
    "funder__name",
    "action__orientation__name",
    "credit_type",
    "status",
    "amount",
    "share",
    "action__amount",
    "is_annual",
    "start_year",
    "action__start_year",
    "end_year",
    "action__end_year",
    "action_id",
    "action__title",
)


def contract_facts(contract: Contract) -> list[LineFacts]:
    """`facts_of` for every line of the contract, read as plain rows (no model instances:
    a contract of 1 600 actions has about 5 000 lines)."""
    credit_labels = dict(FundingLine.CreditType.choices)
    return [
        LineFacts(
            funder=funder or NO_FUNDER,
            orientation=orientation,
            credit_type=credit_labels.get(credit, NO_CREDIT_TYPE) if credit else NO_CREDIT_TYPE,
            status=status,
            amount=resolved(amount, share, action_amount),
            is_annual=is_annual,
            start_year=own_years(start, end, action_start, action_end)[0],
            end_year=own_years(start, end, action_start, action_end)[1],
            action_id=action_id,
            action_title=title,
        )
        for (
            funder,
            orientation,
            credit,
            status,
            amount,
            share,
            action_amount,
            is_annual,
            start,
            action_start,
            end,
            action_end,
            action_id,
            title,
        ) in contract_lines(contract).values_list(*FACT_FIELDS)
    ]


def contract_maquette(contract: Contract) -> tuple[Maquette, list[LineFacts]]:
    facts = contract_facts(contract)
    return build_maquette(facts, contract_period(contract)), facts


def action_financing(action, lines) -> dict:
    """Per action, over the contract (the money rule, as the maquette and the roll-up count):
    the total of its lines against its amount, the owners' own share (reste à charge), each
    financer's share, the status mix, and what to warn about. `lines` are loaded."""
    period = contract_period(action.contract)
    owners = {o.pk for o in action.owners.all()}
    total = own = Decimal(0)
    by_funder: dict[str, Decimal] = {}
    by_status: dict[str, Decimal] = {}
    unquantified = 0
    for line in lines:
        if line.resolved_amount() is None:
            unquantified += 1
            continue
        amount = period_total(facts_of(line), period)
        total += amount
        if line.is_own_share(owners):
            own += amount
        name = line.funder.name if line.funder else NO_FUNDER
        by_funder[name] = by_funder.get(name, Decimal(0)) + amount
        label = line.get_status_display()
        by_status[label] = by_status.get(label, Decimal(0)) + amount
    over_contract = action_total(action.amount, action.is_annual, action.start_year, action.end_year, period)
    warnings = []
    remaining = None
    if action.amount is not None:
        remaining = over_contract - total
        if remaining > TOLERANCE:
            warnings.append("Plan de financement incomplet : reste à financer.")
        elif remaining < -TOLERANCE:
            warnings.append("Financements supérieurs au montant de l'action.")
    if unquantified:
        warnings.append(f"{unquantified} ligne(s) non chiffrée(s).")
    shares = {name: (amount / over_contract if over_contract else None) for name, amount in by_funder.items()}
    return {
        "total": total,
        "own_share": own,
        "remaining": remaining,
        "by_funder": by_funder,
        "shares": shares,
        "by_status": by_status,
        "warnings": warnings,
        "action_total": over_contract,
        "action_years": years_counted(action.is_annual, action.start_year, action.end_year, period),
    }


def years_counted(is_annual: bool, start: int | None, end: int | None, period: Period) -> int | None:
    """How many years an amount per year counts over the contract (None for a total amount
    or no year): the « × 3 ans » of « 50 000 €/an × 3 ans = 150 000 € »."""
    return len(years_inside(start, end, period, annual=True)) if is_annual and start is not None else None
