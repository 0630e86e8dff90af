from crte.contracts.perms import access_for
from crte.finance.models import FundingLine


def can_update_funding_line(user, line: FundingLine) -> bool:
    """Managers, and members of the line's financer (its own lines only)."""
    access = access_for(user, line.action.contract)
    return access.can_manage or (line.funder_id is not None and line.funder_id in access.funder_ids)


def can_manage_funding(user, action) -> bool:
    """Adding, splitting and deleting lines: the contract's managers."""
    return access_for(user, action.contract).can_manage
