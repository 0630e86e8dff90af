"""A deterministic generator of realistic contracts for benchmarks and demos (`crte
generate`): same seed, same data. Everything it makes is fictitious and says so (names,
source); it invents no reference data: financers come from the catalogue, départements are
real codes, generated communes take codes 950 to 999 of their département, a range no
commune of the reference territory uses."""

import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from crte.actions.models import Action
from crte.contracts.models import Contract, Orientation, Territory
from crte.core.models import Commune, Organisation
from crte.finance.models import FundingLine
from crte.governance.models import Committee, Decision, Meeting
from crte.indicators.models import Indicator, Measurement

SOURCE = "Générateur (données de démonstration)"
DEPARTEMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
ORIENTATIONS = [
    "Se déplacer",
    "Habiter",
    "Travailler",
    "S'approvisionner",
    "Être en forme",
    "Apprendre",
    "S'épanouir",
]
SUBJECTS = [
    "Rénovation énergétique de l'école",
    "Aménagement d'une piste cyclable",
    "Création d'une maison de santé",
    "Réhabilitation d'une friche",
    "Extension du réseau de chaleur",
    "Restauration d'un cours d'eau",
    "Requalification du centre-bourg",
    "Construction d'une médiathèque",
    "Installation de bornes de recharge",
    "Rénovation de la piscine",
    "Création d'un tiers-lieu",
    "Modernisation de la station d'épuration",
]
MATURITIES = (
    ["idee"] * 2
    + ["en_maturation"] * 3
    + ["prete"] * 2
    + ["validee"] * 4
    + ["engagee"] * 3
    + ["en_cours"] * 4
    + ["achevee"] * 2
    + ["abandonnee"]
)
STATUSES = (
    ["prevu"] * 4
    + ["demande", "en_instruction", "sous_reserve"]
    + ["accorde"] * 3
    + ["verse"] * 2
    + ["refuse"]
)
CREDIT_TYPES = ["", "", "relance", "contractualise", "contractualise", "valorise"]
INDICATORS = [
    ("crte_1.1", "teq CO2", 50000, 400000),
    ("crte_3.1", "MWh", 5000, 90000),
    ("crte_6.1", "km", 5, 120),
]
COMMUNE_CODES = range(950, 1000)


@dataclass
class Counts:
    contracts: int = 0
    rows: int = 0
    seconds: float = 0.0
    per_table: dict = field(default_factory=lambda: defaultdict(int))


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high, 100))


def generate(contracts: int, seed: int, *, progress=None) -> Counts:
    rng = random.Random(seed)
    funders = list(Organisation.objects.filter(is_funder=True).exclude(category="EPCI").order_by("name"))
    catalogue = {
        i.code: i for i in Indicator.objects.filter(contract=None, code__in=[c for c, *_ in INDICATORS])
    }
    used = defaultdict(int)
    for taken in Commune.objects.filter(insee_code__regex=r"^[0-9][0-9AB]9[5-9][0-9]$").values_list(
        "insee_code", flat=True
    ):
        used[taken[:2]] += 1
    counts = Counts()
    start = time.perf_counter()
    for index in range(contracts):
        with transaction.atomic():
            make_contract(rng, seed, index, funders, catalogue, used, counts)
        counts.contracts += 1
        if progress:
            progress(counts, contracts, time.perf_counter() - start)
    counts.seconds = time.perf_counter() - start
    return counts


def make_contract(rng, seed, index, funders, catalogue, used, counts: Counts) -> Contract:
    number = index + 1
    departement = rng.choice([d for d in DEPARTEMENTS if used[d] < len(COMMUNE_CODES) - 6])
    epci = Organisation.objects.create(
        name=f"Intercommunalité générée {seed}-{number}", category="EPCI", is_funder=True, source=SOURCE
    )
    territory = Territory.objects.create(name=epci.name, epci=epci, departement_code=departement)
    communes = []
    for _ in range(rng.randint(2, 6)):
        code = f"{departement}{COMMUNE_CODES[used[departement]]}"
        used[departement] += 1
        communes.append(
            Commune(insee_code=code, name=f"Commune générée {code}", population=rng.randint(200, 20000))
        )
    communes = Commune.objects.bulk_create(communes)
    territory.communes.set(communes)
    signed = date(2021 + rng.randint(0, 1), rng.randint(1, 12), rng.randint(1, 28))
    contract = Contract.objects.create(
        slug=f"crte-gen-{seed}-{number:04d}",
        name=f"CRTE de l'intercommunalité générée {seed}-{number}",
        territory=territory,
        signed_on=signed,
        start_year=2021,
        end_year=2026,
        duration_years=6,
        status=Contract.Status.SIGNE,
        source=SOURCE,
    )
    orientations = Orientation.objects.bulk_create(
        Orientation(contract=contract, code=f"o{k}", name=name, order=k)
        for k, name in enumerate(rng.sample(ORIENTATIONS, rng.randint(4, 7)), start=1)
    )
    actions = []
    for k in range(rng.randint(30, 150)):
        start_year = rng.randint(2021, 2026)
        actions.append(
            Action(
                contract=contract,
                external_id=f"a{k + 1}",
                title=f"{rng.choice(SUBJECTS)} n° {k + 1}",
                description="Action générée pour les essais de charge (démonstration).",
                orientation=rng.choice(orientations),
                amount=money(rng, 10_000, 5_000_000) if rng.random() > 0.08 else None,
                start_year=start_year,
                end_year=min(2026, start_year + rng.randint(0, 3)),
                maturity=rng.choice(MATURITIES),
                source=SOURCE,
                order=k + 1,
            )
        )
    actions = Action.objects.bulk_create(actions)
    owners = Action.owners.through.objects.bulk_create(
        Action.owners.through(action_id=a.pk, organisation_id=epci.pk) for a in actions
    )
    located = Action.communes.through.objects.bulk_create(
        Action.communes.through(action_id=a.pk, commune_id=rng.choice(communes).pk)
        for a in actions
        if rng.random() < 0.6
    )
    lines = []
    for action in actions:
        for n in range(rng.randint(0, 6)):
            funder = epci if n == 0 else rng.choice(funders)
            share = Decimal(rng.randint(5, 50)) / 100
            amount = (action.amount * share).quantize(Decimal("1")) if action.amount else None
            lines.append(
                FundingLine(
                    action=action,
                    external_id=f"f{n + 1}",
                    funder=funder,
                    amount=amount if rng.random() < 0.7 else None,
                    share=None if amount and rng.random() < 0.7 else share,
                    status=rng.choice(STATUSES),
                    credit_type=rng.choice(CREDIT_TYPES),
                )
            )
    lines = FundingLine.objects.bulk_create(lines)
    indicators, values = [], []
    for code, unit, low, high in INDICATORS:
        baseline = Decimal(rng.randint(low, high))
        indicators.append(
            Indicator(
                contract=contract,
                code=f"gen-{code}",
                name=catalogue[code].name if code in catalogue else code,
                unit=unit,
                direction=catalogue[code].direction if code in catalogue else "hausse",
                catalogue_entry=catalogue.get(code),
                baseline_year=2020,
                baseline_value=baseline,
                baseline_is_demo=True,
                source=SOURCE,
            )
        )
    indicators = Indicator.objects.bulk_create(indicators)
    for indicator in indicators:
        for year in range(2021, 2026):
            drift = Decimal(rng.randint(-8, 8)) / 100
            values.append(
                Measurement(
                    indicator=indicator,
                    date=date(year, 1, 1),
                    value=(indicator.baseline_value * (1 + drift)),
                    source=SOURCE,
                    is_demo=True,
                )
            )
    values = Measurement.objects.bulk_create(values)
    decisions = make_meetings(rng, contract, actions)
    for name, rows in (
        ("contrats", 1),
        ("actions", len(actions)),
        ("financements", len(lines)),
        ("communes", len(communes)),
        ("maîtres d'ouvrage", len(owners)),
        ("localisations", len(located)),
        ("indicateurs", len(indicators)),
        ("valeurs", len(values)),
        ("décisions", decisions),
    ):
        counts.per_table[name] += rows
        counts.rows += rows
    return contract


def make_meetings(rng, contract, actions) -> int:
    committees = {
        kind: Committee.objects.create(contract=contract, kind=kind)
        for kind in (Committee.Kind.COPIL, Committee.Kind.COTECH)
    }
    meetings = []
    for year in range(2022, 2026):
        meetings.append(
            Meeting(
                committee=committees["COPIL"],
                date=date(year, 11, rng.randint(1, 28)),
                status=Meeting.Status.TENUE,
                is_demo=True,
            )
        )
        for month in (3, 9):
            meetings.append(
                Meeting(
                    committee=committees["COTECH"],
                    date=date(year, month, rng.randint(1, 28)),
                    status=Meeting.Status.TENUE,
                    is_demo=True,
                )
            )
    meetings = Meeting.objects.bulk_create(meetings)
    decisions = [
        Decision(
            meeting=meeting,
            kind=rng.choice([Decision.Kind.MESURE_RECTIFICATIVE, Decision.Kind.AUTRE]),
            subject=f"Point d'avancement : {action.title}",
            text="Décision générée (démonstration).",
            action=action,
            order=n,
        )
        for meeting in meetings
        for n, action in enumerate(rng.sample(actions, min(len(actions), rng.randint(1, 3))), start=1)
    ]
    return len(Decision.objects.bulk_create(decisions))


def print_progress(counts: Counts, total: int, elapsed: float) -> None:
    width = 30
    done = int(width * counts.contracts / total)
    rate = counts.rows / elapsed if elapsed else 0
    sys.stderr.write(
        f"\r[{'#' * done}{'.' * (width - done)}] {counts.contracts}/{total} contrats, "
        f"{counts.rows:,} lignes, {rate:,.0f} lignes/s".replace(",", "\u202f")
    )
    if counts.contracts == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
