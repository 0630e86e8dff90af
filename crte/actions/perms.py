from crte.actions.models import Action
from crte.contracts.perms import access_for


def can_edit_action(user, action: Action) -> bool:
    return access_for(user, action.contract).can_manage


def can_report_progress(user, action: Action) -> bool:
    """Managers, and members of one of the action's maîtres d'ouvrage."""
    access = access_for(user, action.contract)
    if access.can_manage:
        return True
    return bool(access.owner_ids) and action.owners.filter(pk__in=access.owner_ids).exists()
