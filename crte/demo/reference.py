"""What `make run` loads: reference data, the reference contract under `crte-cabbalr`, and
in demo mode its publication and one demo account per role."""

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from crte.actions.models import ActionChange
from crte.contracts.models import Contract, Membership
from crte.core.models import Organisation, OrganisationAlias, PerimeterAccess, User
from crte.core.national import load_national_reference, reference_loaded
from crte.finance.reference import load_schemes
from crte.governance.agenda import build_agenda
from crte.governance.decisions import record_decision
from crte.governance.models import (
    AgendaItem,
    CharterAdhesion,
    Committee,
    Decision,
    EngineeringRequest,
    Meeting,
)
from crte.importers.pipeline import import_source
from crte.indicators.models import Indicator, Measurement
from crte.indicators.reference import load_indicator_catalogue
from crte.indicators.trajectory import Trajectory, target_value

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
    """The national reference normally comes with `migrate`; this makes sure of it (a
    database flushed by a test, say) without reloading what is there."""
    counts = {} if reference_loaded() else load_national_reference()
    return counts | {"dispositifs": len(load_schemes()), "indicateurs": len(load_indicator_catalogue())}


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
    return result.contract, True


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
        Membership.objects.get_or_create(user=user, contract=contract, role=role, organisation=organisation)
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


DEMO = "Donnée de démonstration"


@transaction.atomic
def load_demo_governance(contract: Contract) -> int:
    """The 2022 committees of the reference contract (one COPIL, two COTECH), with agendas
    built from the contract's state and a few decisions. Everything here is invented for
    the demo and marked as such. Returns the number of meetings created."""
    if Meeting.objects.filter(committee__contract=contract).exists():
        return 0
    committees = {
        kind: Committee.objects.get_or_create(contract=contract, kind=kind)[0]
        for kind in Committee.Kind.values
    }
    attendees = (
        "Le Président de la CABBALR ou son représentant\n"
        "La Sous-Préfète de Béthune, représentant le Préfet du Pas-de-Calais\n"
        "Le chef de projet CRTE (CABBALR)\nLe référent État (sous-préfecture)"
    )
    first = _demo_meeting(committees["COTECH"], date(2022, 5, 12), attendees)
    caf = Organisation.objects.get(kind="caf", departement__code=contract.territory.departement_code)
    adhesion = CharterAdhesion.objects.create(
        contract=contract,
        organisation=caf,
        requested_on=date(2022, 4, 1),
        motivation=f"{DEMO} : demande fictive d'adhésion à la charte partenariale.",
        is_demo=True,
    )
    build_agenda(first)
    item = first.agenda.get(adhesion=adhesion)
    record_decision(
        meeting=first,
        by=None,
        kind=Decision.Kind.ADHESION_CHARTE,
        subject=item.title,
        text=DEMO,
        agenda_item=item,
        adhesion=adhesion,
    )
    late = first.agenda.filter(kind=AgendaItem.Kind.ACTION_RETARD).first()
    if late:
        record_decision(
            meeting=first,
            by=None,
            kind=Decision.Kind.MESURE_RECTIFICATIVE,
            subject=late.title,
            text=f"{DEMO} : point d'étape avec le maître d'ouvrage avant le prochain comité.",
            agenda_item=late,
            action=late.action,
        )
    second = _demo_meeting(committees["COTECH"], date(2022, 10, 13), attendees)
    station = contract.actions.filter(title__startswith="Aménagement du pôle gare d'Isbergues").first()
    if station:
        change = ActionChange.objects.create(
            action=station,
            changes={"calendar_text": [station.calendar_text, "2022-2023"]},
            reason=f"{DEMO} : décalage du calendrier des travaux.",
        )
        build_agenda(second)
        item = second.agenda.get(change=change)
        record_decision(
            meeting=second,
            by=None,
            kind=Decision.Kind.EVOLUTION_FICHE,
            subject=item.title,
            text=f"{DEMO} : avis favorable.",
            agenda_item=item,
            change=change,
            action=station,
        )
    copil = _demo_meeting(committees["COPIL"], date(2022, 11, 24), attendees)
    build_agenda(copil)
    for item in copil.agenda.filter(kind=AgendaItem.Kind.EVOLUTION_FICHE):
        record_decision(
            meeting=copil,
            by=None,
            kind=Decision.Kind.EVOLUTION_FICHE,
            outcome=Decision.Outcome.AJOURNEE,
            subject=item.title,
            text=f"{DEMO} : ajournée dans l'attente du plan de financement actualisé.",
            agenda_item=item,
            change=item.change,
            action=item.action,
        )
    EngineeringRequest.objects.create(
        contract=contract,
        partner=OrganisationAlias.objects.resolve("Cerema"),
        phase=EngineeringRequest.Phase.EVALUATION,
        subject="Appui méthodologique à la définition des indicateurs (art. 8)",
        status=EngineeringRequest.Status.EN_COURS,
        requested_on=date(2022, 6, 1),
        follow_up=f"{DEMO}.",
        is_demo=True,
    )
    return 3


def _demo_meeting(committee: Committee, on: date, attendees: str) -> Meeting:
    return Meeting.objects.create(
        committee=committee,
        date=on,
        place="Béthune",
        status=Meeting.Status.TENUE,
        attendees=attendees,
        notes=f"{DEMO} : réunion fictive créée pour essayer la plateforme.",
        is_demo=True,
    )


# Invented baselines for the PCAET indicators (the contract gives only the targets): value in
# 2017, and how far from the path the yearly values stray. All labelled as demonstration.
DEMO_BASELINES = {
    "pcaet-ges": (Decimal("1800000"), Decimal("0.02")),
    "pcaet-energie-finale": (Decimal("6200"), Decimal("0.015")),
    "pcaet-enr": (Decimal("310000"), Decimal("0.08")),
    "pcaet-polluants": (Decimal("9500"), Decimal("0.03")),
}


@transaction.atomic
def load_demo_indicators(contract: Contract, until_year: int) -> int:
    """Demo baselines and yearly values for the PCAET indicators, near their trajectory
    (deterministic). Returns the number of values created."""
    if Measurement.objects.filter(indicator__contract=contract, is_demo=True).exists():
        return 0
    noise = random.Random(2022)
    created = 0
    for indicator in Indicator.objects.filter(contract=contract, code__in=DEMO_BASELINES).prefetch_related(
        "targets"
    ):
        baseline, spread = DEMO_BASELINES[indicator.code]
        indicator.baseline_year, indicator.baseline_value, indicator.baseline_is_demo = 2017, baseline, True
        indicator.save(update_fields=["baseline_year", "baseline_value", "baseline_is_demo"])
        target = max(indicator.targets.all(), key=lambda t: t.year, default=None)
        goal = target_value(baseline, target.value, target.relative_change) if target else baseline
        path = Trajectory(date(2017, 1, 1), baseline, date(target.year if target else 2030, 1, 1), goal)
        for year in range(2018, until_year):
            drift = Decimal(str(round(noise.uniform(-1, 1.4), 3))) * spread
            value = (path.expected(date(year, 1, 1)) * (1 + drift)).quantize(Decimal("1"))
            Measurement.objects.create(
                indicator=indicator, date=date(year, 1, 1), value=value, source=DEMO, is_demo=True
            )
            created += 1
    return created
