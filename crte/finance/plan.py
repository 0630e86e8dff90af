"""The financing plan of an action as its fiche shows and edits it."""

from crte.contracts.perms import access_for
from crte.finance.money import period_total
from crte.finance.overview import action_financing, contract_period, facts_of, years_counted
from crte.finance.perms import can_manage_funding, can_update_funding_line


def plan_context(user, action) -> dict:
    lines = list(action.funding_lines.select_related("funder", "scheme"))
    period = contract_period(action.contract)
    for line in lines:
        line.action = action  # resolved_amount() reads the action: no query per line
        line.can_update = can_update_funding_line(user, line)
        facts = facts_of(line)
        line.years_counted = years_counted(line.is_annual, facts.start_year, facts.end_year, period)
        line.over_contract = period_total(facts, period)  # what the maquette and the roll-up count
    return {
        "action": action,
        "lines": lines,
        "financing": action_financing(action, lines),
        "can_manage_funding": can_manage_funding(user, action),
        "has_updatable": any(line.can_update for line in lines),
        "is_team": access_for(user, action.contract).is_team,
    }
