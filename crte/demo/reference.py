"""What `make run` loads: reference data, the reference contract, and in demo mode its
publication, one demo account per role and labelled demonstration values. Which contract,
which accounts and which invented values are data (`data/demo.json`); the rules here hold
for any territory."""

import json
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

DATA = Path(__file__).resolve().parent / "data"
DEMO_SETUP = json.loads((DATA / "demo.json").read_text(encoding="utf-8"))
REFERENCE_SLUG = DEMO_SETUP["contract"]["slug"]
REFERENCE_DOCUMENT = DATA / DEMO_SETUP["contract"]["document"]
DEMO_PASSWORD = "crte-demo-2022"


def account_organisation(contract: Contract, name: str | None) -> Organisation | None:
    """An account's organisation, named by its role in the contract's territory: « @region »
    is the territory's région, « @groupement » the grouping that carries the contract."""
    territory = contract.territory
    if not name or territory is None:
        return None
    if name == "@groupement":
        return territory.epci
    if name == "@region":
        return Organisation.objects.filter(
            category=Organisation.Category.REGION, region__code=territory.region_code, commune__isnull=True
        ).first()
    raise ValueError(f"Organisation de compte inconnue dans demo.json : {name}")


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
    for account in DEMO_SETUP["accounts"]:
        user = _demo_user(account["username"], account["first_name"], account["last_name"])
        organisation = account_organisation(contract, account.get("organisation"))
        Membership.objects.get_or_create(
            user=user, contract=contract, role=account["role"], organisation=organisation
        )
        usernames.append(user.username)
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
    """Committees in the contract's first year (two COTECH, one COPIL), with agendas built
    from the contract's state and a few decisions; place, attendees and the action whose
    fiche changes come from `demo.json`. Everything here is invented for the demo and marked
    as such. Returns the number of meetings created."""
    if Meeting.objects.filter(committee__contract=contract).exists():
        return 0
    committees = {
        kind: Committee.objects.get_or_create(contract=contract, kind=kind)[0]
        for kind in Committee.Kind.values
    }
    setup = DEMO_SETUP["governance"]
    attendees, place = "\n".join(setup["attendees"]), setup["place"]
    year = contract.signed_on.year if contract.signed_on else contract.start_year or date.today().year
    first = _demo_meeting(committees["COTECH"], date(year, 5, 12), attendees, place)
    _decide_adhesion_and_delay(first, contract, year)
    second = _demo_meeting(committees["COTECH"], date(year, 10, 13), attendees, place)
    _decide_calendar_change(second, contract, year, setup["changed_action"])
    copil = _demo_meeting(committees["COPIL"], date(year, 11, 24), attendees, place)
    _adjourn_fiche_changes(copil)
    _demo_engineering_request(contract, year)
    return 3


def _decide_adhesion_and_delay(meeting: Meeting, contract: Contract, year: int) -> None:
    """The first COTECH: the departement's CAF asks to join the charter and is admitted; an
    action late on its calendar, if any, gets a corrective measure."""
    caf = Organisation.objects.get(kind="caf", departement__code=contract.territory.departement_code)
    adhesion = CharterAdhesion.objects.create(
        contract=contract,
        organisation=caf,
        requested_on=date(year, 4, 1),
        motivation=f"{DEMO} : demande fictive d'adhésion à la charte partenariale.",
        is_demo=True,
    )
    build_agenda(meeting)
    item = meeting.agenda.get(adhesion=adhesion)
    record_decision(
        meeting=meeting,
        by=None,
        kind=Decision.Kind.ADHESION_CHARTE,
        subject=item.title,
        text=DEMO,
        agenda_item=item,
        adhesion=adhesion,
    )
    late = meeting.agenda.filter(kind=AgendaItem.Kind.ACTION_RETARD).first()
    if late:
        record_decision(
            meeting=meeting,
            by=None,
            kind=Decision.Kind.MESURE_RECTIFICATIVE,
            subject=late.title,
            text=f"{DEMO} : point d'étape avec le maître d'ouvrage avant le prochain comité.",
            agenda_item=late,
            action=late.action,
        )


def _decide_calendar_change(meeting: Meeting, contract: Contract, year: int, title_start: str) -> None:
    """The second COTECH: the action whose title starts with `title_start` has its calendar
    moved by a year, and the committee approves it."""
    station = contract.actions.filter(title__startswith=title_start).first()
    if not station:
        return
    change = ActionChange.objects.create(
        action=station,
        changes={"calendar_text": [station.calendar_text, f"{year}-{year + 1}"]},
        reason=f"{DEMO} : décalage du calendrier des travaux.",
    )
    build_agenda(meeting)
    item = meeting.agenda.get(change=change)
    record_decision(
        meeting=meeting,
        by=None,
        kind=Decision.Kind.EVOLUTION_FICHE,
        subject=item.title,
        text=f"{DEMO} : avis favorable.",
        agenda_item=item,
        change=change,
        action=station,
    )


def _adjourn_fiche_changes(meeting: Meeting) -> None:
    """The COPIL adjourns every fiche change on its agenda."""
    build_agenda(meeting)
    for item in meeting.agenda.filter(kind=AgendaItem.Kind.EVOLUTION_FICHE):
        record_decision(
            meeting=meeting,
            by=None,
            kind=Decision.Kind.EVOLUTION_FICHE,
            outcome=Decision.Outcome.AJOURNEE,
            subject=item.title,
            text=f"{DEMO} : ajournée dans l'attente du plan de financement actualisé.",
            agenda_item=item,
            change=item.change,
            action=item.action,
        )


def _demo_engineering_request(contract: Contract, year: int) -> None:
    EngineeringRequest.objects.create(
        contract=contract,
        partner=OrganisationAlias.objects.resolve("Cerema"),
        phase=EngineeringRequest.Phase.EVALUATION,
        subject="Appui méthodologique à la définition des indicateurs (art. 8)",
        status=EngineeringRequest.Status.EN_COURS,
        requested_on=date(year, 6, 1),
        follow_up=f"{DEMO}.",
        is_demo=True,
    )


def _demo_meeting(committee: Committee, on: date, attendees: str, place: str) -> Meeting:
    return Meeting.objects.create(
        committee=committee,
        date=on,
        place=place,
        status=Meeting.Status.TENUE,
        attendees=attendees,
        notes=f"{DEMO} : réunion fictive créée pour essayer la plateforme.",
        is_demo=True,
    )


# Invented 2017 baselines of the PCAET indicators, and how far yearly values stray (demo.json).
DEMO_BASELINES = {
    code: (Decimal(pair[0]), Decimal(pair[1]))
    for code, pair in DEMO_SETUP["indicator_baselines"].items()
    if not code.startswith("_")
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
