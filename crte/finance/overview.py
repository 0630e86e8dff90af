"""Reads a contract's financing lines into the facts the maquette needs (one query)."""

from decimal import Decimal

from crte.contracts.models import Contract
from crte.finance.maquette import LineFacts, Maquette, Period, build_maquette
from crte.finance.models import FundingLine
from crte.finance.money import resolved

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
    return LineFacts(
        funder=line.funder.name if line.funder else NO_FUNDER,
        orientation=action.orientation.name,
        credit_type=line.get_credit_type_display() if line.credit_type else NO_CREDIT_TYPE,
        status=line.status,
        amount=line.resolved_amount(),
        is_annual=line.is_annual,
        start_year=line.start_year or action.start_year,
        end_year=line.end_year or action.end_year,
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
            start_year=start or action_start,
            end_year=end or action_end,
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
    """Per action: total against the amount, the owners' own share (reste à charge), each
    financer's share, the status mix, and what to warn about. `lines` are loaded."""
    owners = {o.pk for o in action.owners.all()}
    total = own = Decimal(0)
    by_funder: dict[str, Decimal] = {}
    by_status: dict[str, Decimal] = {}
    unquantified = 0
    for line in lines:
        amount = line.resolved_amount()
        if amount is None:
            unquantified += 1
            continue
        total += amount
        if line.funder_id in owners:
            own += amount
        name = line.funder.name if line.funder else NO_FUNDER
        by_funder[name] = by_funder.get(name, Decimal(0)) + amount
        label = line.get_status_display()
        by_status[label] = by_status.get(label, Decimal(0)) + amount
    warnings = []
    remaining = None
    if action.amount is not None:
        remaining = action.amount - total
        if remaining > 1:
            warnings.append("Plan de financement incomplet : reste à financer.")
        elif remaining < -1:
            warnings.append("Financements supérieurs au montant de l'action.")
    if unquantified:
        warnings.append(f"{unquantified} ligne(s) non chiffrée(s).")
    shares = {name: (amount / action.amount if action.amount else None) for name, amount in by_funder.items()}
    return {
        "total": total,
        "own_share": own,
        "remaining": remaining,
        "by_funder": by_funder,
        "shares": shares,
        "by_status": by_status,
        "warnings": warnings,
    }
