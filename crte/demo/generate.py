"""A deterministic generator of realistic contracts for benchmarks and demos (`crte
generate`): same seed, same data. Contracts are built on real EPCI of the national
reference (one contract per EPCI, with its real communes, départements and région),
funded by their own région, département and water basin, the State and its operators;
part of their actions are real projects of their département funded by the Fonds vert in
2023 (title, beneficiary, commune, measure and grant as published, crte/demo/data/
SOURCES.md). The contracts, their other actions, amounts, statuses and values are
fictitious and say so (source « démonstration »)."""

import csv
import gzip
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from crte.actions.models import Action
from crte.contracts.models import Contract, Orientation, Territory
from crte.core.models import Grouping, Organisation
from crte.core.resolve import BodyIndex, place_of
from crte.finance.models import FundingLine, Scheme
from crte.governance.models import Committee, Decision, Meeting
from crte.indicators.models import Indicator, Measurement

SOURCE = "Générateur (données de démonstration)"
FONDS_VERT = Path(__file__).resolve().parent / "data" / "fonds_vert_2023_projets.csv.gz"
# The thematic axes of the planification écologique (France Nation Verte), as 2023+
# contracts are organised; Fonds vert measures are placed under them by their words.
ORIENTATIONS = [
    "Mieux se déplacer",
    "Mieux se loger",
    "Mieux préserver et valoriser nos écosystèmes",
    "Mieux produire",
    "Mieux se nourrir",
    "Mieux consommer",
]
THEMES = [
    (("covoiturage", "faibles émissions", "mobilit"), "Mieux se déplacer"),
    (("bâtiments", "éclairage", "luminaires", "foncier"), "Mieux se loger"),
    (("biodéchets", "tri à la source"), "Mieux consommer"),
    (
        ("biodiversité", "renaturation", "risques", "incendies", "littoral", "GEMAPI", "cyclon"),
        "Mieux préserver et valoriser nos écosystèmes",
    ),
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
NATURES = ["CC", "CA", "CU", "METRO"]


@dataclass
class Counts:
    contracts: int = 0
    rows: int = 0
    seconds: float = 0.0
    per_table: dict = field(default_factory=lambda: defaultdict(int))


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high, 100))


@dataclass
class Project:
    """A real project of the Fonds vert 2023 list."""

    commune: str
    title: str
    beneficiary: str
    siren: str
    measure: str
    amount: Decimal


def fonds_vert_projects() -> dict[str, list[Project]]:
    """Projects by département code, in the file's order."""
    projects: dict[str, list[Project]] = defaultdict(list)
    with gzip.open(FONDS_VERT, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                amount = Decimal(row["montant_engage"]).quantize(Decimal("0.01"))
            except ArithmeticError:
                continue
            if amount <= 0 or not row["nom_du_projet"].strip():
                continue
            projects[row["code_departement"].zfill(2)].append(
                Project(
                    row["code_commune"],
                    " ".join(row["nom_du_projet"].split())[:300],
                    row["nom_beneficiaire_principal"],
                    row["siren"],
                    row["nom_demarche_ds"],
                    amount,
                )
            )
    return projects


def theme_of(measure: str) -> str:
    for words, theme in THEMES:
        if any(w.lower() in measure.lower() for w in words):
            return theme
    return ORIENTATIONS[2]


@dataclass
class Funders:
    """What every generated contract draws from: the territory's bodies (through the
    reference's resolution rules) and national ones."""

    index: BodyIndex
    national: list[Organisation]
    state: Organisation
    schemes: dict[str, Scheme]
    projects: dict[str, list[Project]]
    by_siren: dict[str, int]

    @classmethod
    def load(cls) -> "Funders":
        national = list(
            Organisation.objects.filter(
                kind="national",
                short_name__in=["ANAH", "ADEME", "BDT", "ANCT", "FEDER", "LEADER", "Cerema", "OFB"],
            ).order_by("name")
        )
        return cls(
            index=BodyIndex(),
            national=national,
            state=Organisation.objects.get(kind="national", name="État"),
            schemes={
                s.name.removeprefix("Fonds vert : "): s
                for s in Scheme.objects.filter(name__startswith="Fonds vert")
            },
            projects=fonds_vert_projects(),
            by_siren=dict(Organisation.objects.exclude(siren="").values_list("siren", "pk")),
        )

    def territorial(self, territory) -> list[Organisation]:
        self.index.place = place_of(territory)
        found = [
            self.index.role_body(kind, level)
            for kind, level in (
                ("conseil-regional", "region"),
                ("conseil-departemental", "departement"),
                ("agence-eau", "bassin"),
                ("caf", "departement"),
                ("draaf", "region"),
            )
        ]
        return [body for body in found if body is not None]


def generate(contracts: int, seed: int, *, progress=None) -> Counts:
    rng = random.Random(seed)
    funders = Funders.load()
    catalogue = {
        i.code: i for i in Indicator.objects.filter(contract=None, code__in=[c for c, *_ in INDICATORS])
    }
    taken = set(Grouping.objects.filter(territories__isnull=False).values_list("siren", flat=True))
    free = list(
        Grouping.objects.filter(nature__in=NATURES, is_current=True, organisation__isnull=False)
        .exclude(siren__in=taken)
        .order_by("siren")
    )
    if contracts > len(free):
        raise ValueError(f"{contracts} contrats demandés, {len(free)} EPCI sans contrat dans le référentiel.")
    chosen = rng.sample(free, contracts)
    counts = Counts()
    start = time.perf_counter()
    for index, grouping in enumerate(chosen):
        with transaction.atomic():
            make_contract(rng, seed, index, grouping, funders, catalogue, counts)
        counts.contracts += 1
        if progress:
            progress(counts, contracts, time.perf_counter() - start)
    counts.seconds = time.perf_counter() - start
    return counts


def make_contract(rng, seed, index, grouping, funders: Funders, catalogue, counts: Counts) -> Contract:
    """One generated contract with its actions, financing, indicators and meetings. The
    random draws follow one order, so that a seed always gives the same contracts."""
    territory = make_territory(grouping)
    communes = list(territory.communes.all())
    local = funders.territorial(territory)
    contract = Contract.objects.create(
        slug=f"crte-gen-{seed}-{index + 1:04d}",
        name=f"CRTE de démonstration — {grouping.name}",
        territory=territory,
        signed_on=date(2021 + rng.randint(0, 1), rng.randint(1, 12), rng.randint(1, 28)),
        start_year=2021,
        end_year=2026,
        duration_years=6,
        status=Contract.Status.SIGNE,
        source=SOURCE,
    )
    orientations = Orientation.objects.bulk_create(
        Orientation(contract=contract, code=f"o{k}", name=name, order=k)
        for k, name in enumerate(ORIENTATIONS, start=1)
    )
    plans = plan_actions(rng, contract, orientations, communes, funders, grouping.organisation)
    actions = Action.objects.bulk_create([p[0] for p in plans])
    owners = Action.owners.through.objects.bulk_create(
        Action.owners.through(action_id=a.pk, organisation_id=owner) for a, owner, _, _ in plans
    )
    located = Action.communes.through.objects.bulk_create(
        Action.communes.through(action_id=a.pk, commune_id=commune.pk)
        for a, _, commune, _ in plans
        if commune
    )
    lines = FundingLine.objects.bulk_create(make_lines(rng, plans, funders, local, grouping.organisation))
    indicators, values = make_indicators(rng, contract, catalogue)
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


def make_territory(grouping) -> Territory:
    territory = Territory.objects.create(name=grouping.name, epci=grouping.organisation, departement_code="")
    territory.groupings.set([grouping])
    territory.derive()
    return territory


def plan_actions(rng, contract, orientations, communes, funders: Funders, epci) -> list[tuple]:
    """(action, owner id, commune, Fonds vert project) for each action: some of the
    département's real Fonds vert projects of the territory's communes, then invented ones."""
    by_code = {c.insee_code: c for c in communes}
    by_name = {o.name: o for o in orientations}
    projects = [
        p for p in funders.projects.get(contract.territory.departement_code, []) if p.commune in by_code
    ]
    projects = rng.sample(projects, min(len(projects), rng.randint(5, 40)))
    plans = []
    for k in range(rng.randint(30, 150)):
        start_year = rng.randint(2021, 2026)
        project = projects[k] if k < len(projects) else None
        if project is not None:
            rate = Decimal(rng.randint(20, 80)) / 100
            amount = (project.amount / rate).quantize(Decimal("100"))
            title, orientation = project.title, by_name[theme_of(project.measure)]
            start_year = 2023
        else:
            amount = money(rng, 10_000, 5_000_000) if rng.random() > 0.08 else None
            title, orientation = f"{rng.choice(SUBJECTS)} n° {k + 1}", rng.choice(orientations)
        action = Action(
            contract=contract,
            external_id=f"a{k + 1}",
            title=title,
            description=(
                f"Projet lauréat du Fonds vert 2023 (« {project.measure} »), porté par {project.beneficiary}."
                if project
                else "Action générée pour les essais de charge (démonstration)."
            ),
            orientation=orientation,
            amount=amount,
            start_year=start_year,
            end_year=min(2026, start_year + rng.randint(0, 3)),
            maturity="engagee" if project else rng.choice(MATURITIES),
            source=SOURCE,
            order=k + 1,
        )
        owner = funders.by_siren.get(project.siren, epci.pk) if project else epci.pk
        commune = (
            by_code.get(project.commune)
            if project
            else (rng.choice(communes) if rng.random() < 0.6 else None)
        )
        plans.append((action, owner, commune, project))
    return plans


def make_lines(rng, plans, funders: Funders, local, epci) -> list[FundingLine]:
    """The State's Fonds vert grant of a real project, then shares of the grouping and of
    other financers."""
    lines = []
    others = local + funders.national
    for action, _, _, project in plans:
        if project is not None:
            lines.append(
                FundingLine(
                    action=action,
                    external_id="f1",
                    funder=funders.state,
                    amount=project.amount,
                    scheme=funders.schemes.get(project.measure),
                    status="accorde",
                    credit_type="contractualise",
                    source_text=f"Fonds vert 2023 : {project.amount} € engagés",
                )
            )
        for n in range(1 if project else 0, rng.randint(1, 6)):
            funder = epci if n == 0 else rng.choice(others)
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
    return lines


def make_indicators(rng, contract, catalogue) -> tuple[list, list]:
    """The national indicators with invented baselines and yearly values (marked as demo)."""
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
    return indicators, Measurement.objects.bulk_create(values)


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
