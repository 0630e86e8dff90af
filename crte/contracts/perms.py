"""What a user may do in a contract, computed once per request and contract."""

from dataclasses import dataclass, field

from crte.contracts.models import Contract, Membership


@dataclass(frozen=True)
class ContractAccess:
    can_read: bool = False
    can_manage: bool = False
    # Works on the contract (a member, the State's services of its perimeter, an
    # administrator): sees what the published contract does not show, provenance of imported
    # rows, the team's to-dos, data quality.
    is_team: bool = False
    roles: frozenset[str] = frozenset()
    funder_ids: frozenset[int] = field(default_factory=frozenset)
    owner_ids: frozenset[int] = field(default_factory=frozenset)


def access_for(user, contract: Contract) -> ContractAccess:
    """Managers (chef de projet, référent État) and superusers manage; a financer's member
    acts for that financer, a project owner's member for its actions; readers and
    perimeter accesses read; anybody reads a published contract."""
    cache = getattr(user, "_contract_access", None)
    if cache is None:
        cache = {}
        if user.is_authenticated:
            user._contract_access = cache
    if contract.pk in cache:
        return cache[contract.pk]
    access = _compute_access(user, contract)
    cache[contract.pk] = access
    return access


def _compute_access(user, contract: Contract) -> ContractAccess:
    if not user.is_authenticated:
        return ContractAccess(can_read=contract.is_published)
    memberships = list(Membership.objects.filter(user=user, contract=contract))
    roles = frozenset(m.role for m in memberships)
    territory = contract.territory
    in_perimeter = user.is_national_admin or bool(territory and territory.is_in_perimeter_of(user))
    return ContractAccess(
        can_read=bool(memberships) or contract.is_published or in_perimeter,
        can_manage=user.is_superuser or bool(roles & set(Membership.MANAGER_ROLES)),
        is_team=user.is_superuser or bool(memberships) or in_perimeter,
        roles=roles,
        funder_ids=frozenset(m.organisation_id for m in memberships if m.role == Membership.Role.FINANCEUR),
        owner_ids=frozenset(
            m.organisation_id for m in memberships if m.role == Membership.Role.MAITRE_OUVRAGE
        ),
    )


def can_manage_contract(user, contract: Contract) -> bool:
    return access_for(user, contract).can_manage
