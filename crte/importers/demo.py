"""What `make run` loads: reference data, the reference contract under `crte-cabbalr`, and
in demo mode its publication and one demo account per role."""

from collections import Counter
from pathlib import Path

from django.db import transaction

from crte.contracts.models import Contract, Membership
from crte.core.models import OrganisationAlias, PerimeterAccess, User
from crte.core.reference import load_communes, load_funders
from crte.finance.reference import load_schemes
from crte.importers.pipeline import import_source
from crte.indicators.reference import load_indicator_catalogue

REFERENCE_SLUG = "crte-cabbalr"
REFERENCE_DOCUMENT = Path(__file__).resolve().parent / "data" / "crte-cabbalr-2022.txt"
# SIREN of the CA de Béthune-Bruay, Artois Lys Romane (crte/core/data/SOURCES.md).
REFERENCE_EPCI_SIREN = "200072460"
DEMO_PASSWORD = "crte-demo-2022"

# username, first name, last name, role, organisation alias (for organisation roles)
DEMO_ACCOUNTS = [
    ("chef.projet", "Camille", "Chef de projet", Membership.Role.CHEF_PROJET, None),
    ("referent.etat", "Dominique", "Référent État", Membership.Role.REFERENT_ETAT, None),
    ("financeur.region", "Alex", "Région", Membership.Role.FINANCEUR, "Région Hauts-de-France"),
    ("moa.cabbalr", "Sacha", "Maître d'ouvrage", Membership.Role.MAITRE_OUVRAGE, "CABBALR"),
    ("lecteur", "Lou", "Lecteur", Membership.Role.LECTEUR, None),
]


def load_reference_data() -> dict[str, int]:
    return {
        "communes": len(load_communes()),
        "financeurs": len(load_funders()),
        "dispositifs": len(load_schemes()),
        "indicateurs": len(load_indicator_catalogue()),
    }


@transaction.atomic
def load_reference_contract() -> tuple[Contract, bool]:
    """Imports the reference contract unless it is already there (a second `make run`
    keeps what was changed since)."""
    existing = Contract.objects.filter(slug=REFERENCE_SLUG).first()
    if existing:
        return existing, False
    result = import_source(path=REFERENCE_DOCUMENT, slug=REFERENCE_SLUG)
    if result.contract is None:
        messages = "; ".join(e.message for e in result.report.errors)
        raise RuntimeError(f"Le contrat de référence n'a pas pu être importé : {messages}")
    contract = result.contract
    territory = contract.territory
    communes = load_communes()
    territory.communes.set(communes)
    territory.departement_code = Counter(c.departement_code for c in communes).most_common(1)[0][0]
    territory.save()
    territory.epci.siren = REFERENCE_EPCI_SIREN
    territory.epci.save(update_fields=["siren"])
    return contract, True


@transaction.atomic
def setup_demo(contract: Contract) -> list[str]:
    """Publishes the reference contract and creates the demo accounts (idempotent)."""
    if not contract.is_published:
        contract.is_published = True
        contract.save(update_fields=["is_published"])
    usernames = []
    for username, first, last, role, alias in DEMO_ACCOUNTS:
        user = _demo_user(username, first, last)
        organisation = OrganisationAlias.objects.resolve(alias) if alias else None
        Membership.objects.get_or_create(
            user=user, contract=contract, role=role, organisation=organisation
        )
        usernames.append(username)
    admin = _demo_user("admin.national", "Claude", "Administration nationale")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    PerimeterAccess.objects.get_or_create(user=admin, level=PerimeterAccess.Level.NATIONAL)
    return [*usernames, admin.username]


def _demo_user(username: str, first: str, last: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user
