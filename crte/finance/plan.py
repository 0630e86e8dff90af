"""The financing plan of an action as its fiche shows and edits it."""

from crte.contracts.perms import access_for
from crte.finance.overview import action_financing
from crte.finance.perms import can_manage_funding, can_update_funding_line


def plan_context(user, action) -> dict:
    lines = list(action.funding_lines.select_related("funder", "scheme"))
    for line in lines:
        line.action = action  # resolved_amount() reads the action: no query per line
        line.can_update = can_update_funding_line(user, line)
    return {
        "action": action,
        "lines": lines,
        "financing": action_financing(action, lines),
        "can_manage_funding": can_manage_funding(user, action),
        "has_updatable": any(line.can_update for line in lines),
        "is_team": access_for(user, action.contract).is_team,
    }
