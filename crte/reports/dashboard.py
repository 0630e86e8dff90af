"""The tableau de bord (Art. 8) of a contract or of one orientation, as of a date: every
figure the dashboard page and the annual evaluation report show, computed once, in a
fixed number of queries. Past dates read the change history (django-simple-history)."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from crte.actions.models import Action
from crte.core.models import Organisation
from crte.finance.maquette import GROUP_LABELS, LineFacts, Period, build_maquette
from crte.finance.models import FundingLine
from crte.finance.money import action_total, own_years, resolved
from crte.finance.overview import NO_CREDIT_TYPE, NO_FUNDER
from crte.governance.frequency import committee_frequency
from crte.indicators.progress import indicator_rows

M = Action.Maturity
DONE = {M.ACHEVEE}
STARTED = {M.ENGAGEE, M.EN_COURS, M.ACHEVEE}
PIPELINE = [m for m in M.values if m != M.ABANDONNEE]


def end_of(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


# What the dashboard reads of an action (the others stay in the database).
ACTION_FIELDS = (
    "id",
    "contract_id",
    "orientation_id",
    "title",
    "maturity",
    "amount",
    "amount_basis",
    "start_year",
    "end_year",
    "calendar_text",
)


@dataclass(frozen=True, slots=True)
class ActionRow:
    """What the dashboard reads of today's action (plain rows: no model instances)."""

    pk: int
    contract_id: int
    orientation_id: int
    title: str
    maturity: str
    amount: Decimal | None
    amount_basis: str
    start_year: int | None
    end_year: int | None
    calendar_text: str

    Maturity = Action.Maturity
    lateness = Action.lateness  # the model's own rule, which reads only the fields above

    @property
    def is_annual(self) -> bool:
        return self.amount_basis == Action.AmountBasis.ANNUAL

    def get_absolute_url(self) -> str:
        return reverse("actions:action_detail", args=[self.pk])


def actions_as_of(contract, as_of: dt.date | None, orientation=None):
    """The contract's actions today (the fields the dashboard reads), or as they were on a
    past day (from the history); of one orientation when given."""
    if is_today(as_of):
        today = (
            contract.actions.all()
            if orientation is None
            else contract.actions.filter(orientation=orientation)
        )
        return [ActionRow(*row) for row in today.values_list(*ACTION_FIELDS)]
    actions = Action.history.as_of(end_of(as_of)).filter(contract_id=contract.pk)
    return list(actions if orientation is None else actions.filter(orientation_id=orientation.pk))


LINE_FIELDS = (
    "action_id",
    "funder_id",
    "amount",
    "share",
    "credit_type",
    "status",
    "is_annual",
    "start_year",
    "end_year",
)
CREDIT_LABELS = dict(FundingLine.CreditType.choices)


@dataclass(frozen=True)
class LineRow:
    """What the dashboard reads of a financing line (plain rows: no model instances)."""

    action_id: int
    funder_id: int | None
    amount: Decimal | None
    share: Decimal | None
    credit_type: str
    status: str
    is_annual: bool
    start_year: int | None
    end_year: int | None


def is_today(as_of: dt.date | None) -> bool:
    return as_of is None or as_of >= timezone.localdate()


def lines_as_of(contract, action_ids: list[int], as_of: dt.date | None, orientation=None) -> list[LineRow]:
    """Today's lines by a join on the contract (no list of ids sent to the database); a past
    day's from the history, by the actions of that day."""
    if is_today(as_of):
        current = FundingLine.objects.filter(action__contract=contract)
        if orientation is not None:
            current = current.filter(action__orientation=orientation)
        return [LineRow(*row) for row in current.values_list(*LINE_FIELDS)]
    past = FundingLine.history.as_of(end_of(as_of)).filter(action_id__in=action_ids)
    return [LineRow(*(getattr(line, name) for name in LINE_FIELDS)) for line in past]


def dashboard_figures(contract, *, as_of: dt.date | None = None, orientation=None) -> dict:
    today = as_of or timezone.localdate()
    orientations = {o.pk: o for o in contract.orientations.all()}
    actions = actions_as_of(contract, as_of, orientation)
    by_id = {a.pk: a for a in actions}
    lines = lines_as_of(contract, list(by_id), as_of, orientation)
    funders = {o.pk: o for o in _funders(lines)}
    facts = [_facts(line, by_id[line.action_id], orientations, funders) for line in lines]
    period = Period(contract.start_year, contract.end_year)
    maquette = build_maquette([f for f in facts if by_id[f.action_id].maturity != M.ABANDONNEE], period)
    return {
        "as_of": today,
        "completion": completion(actions, period),
        "by_orientation": by_orientation(actions, orientations, period),
        "financing": {
            "totals": maquette.status_totals(),
            "by_funder": _funder_rows(maquette),
            "unquantified": maquette.unquantified,
        },
        "indicators": indicator_rows(contract, orientation, today),
        "late": [(a, a.lateness(today.year)) for a in actions if a.lateness(today.year)],
        "frequency": committee_frequency(contract, today) if orientation is None else [],
        "quality": data_quality(actions, lines),
        "communes": commune_figures(
            contract, actions, period, today=is_today(as_of), orientation=orientation
        ),
    }


def _funders(lines):
    ids = {line.funder_id for line in lines if line.funder_id}
    return Organisation.objects.filter(pk__in=ids).only("pk", "name")


def _facts(line, action, orientations, funders) -> LineFacts:
    amount = resolved(line.amount, line.share, action.amount)
    funder = funders.get(line.funder_id)
    start, end = own_years(line.start_year, line.end_year, action.start_year, action.end_year)
    return LineFacts(
        funder=funder.name if funder else NO_FUNDER,
        orientation=orientations[action.orientation_id].name,
        credit_type=CREDIT_LABELS.get(line.credit_type, NO_CREDIT_TYPE)
        if line.credit_type
        else NO_CREDIT_TYPE,
        status=line.status,
        amount=amount,
        is_annual=line.is_annual,
        start_year=start,
        end_year=end,
        action_id=action.pk,
        action_title=action.title,
    )


def _funder_rows(maquette) -> list[dict]:
    table = maquette.pivot("funder", "status")
    rows = [
        {
            "funder": funder,
            **{k: values.get(k, Decimal(0)) for k in GROUP_LABELS},
            "total": sum(values.values(), Decimal(0)),
        }
        for funder, values in table.items()
    ]
    return sorted(rows, key=lambda row: -row["total"])


def over_contract(action, period: Period) -> Decimal:
    return action_total(action.amount, action.is_annual, action.start_year, action.end_year, period)


def completion(actions, period: Period) -> dict:
    """Actions by maturity, in number and weighted by their amount over the contract."""
    live = [a for a in actions if a.maturity != M.ABANDONNEE]
    counts = Counter(a.maturity for a in actions)
    amounts = defaultdict(Decimal)
    for action in live:
        amounts[action.maturity] += over_contract(action, period)
    weighted_total = sum(amounts.values(), Decimal(0))
    return {
        "total": len(live),
        "abandoned": counts.get(M.ABANDONNEE, 0),
        "by_maturity": [(M(m).label, counts.get(m, 0), amounts.get(m, Decimal(0))) for m in PIPELINE],
        "done_rate": ratio(sum(counts.get(m, 0) for m in DONE), len(live)),
        "started_rate": ratio(sum(counts.get(m, 0) for m in STARTED), len(live)),
        "started_rate_amount": ratio(sum((amounts[m] for m in STARTED), Decimal(0)), weighted_total),
        "amount_total": weighted_total,
    }


def ratio(part, whole) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)) if whole else None


def by_orientation(actions, orientations, period: Period) -> list[dict]:
    rows = []
    for orientation in orientations.values():
        mine = [a for a in actions if a.orientation_id == orientation.pk]
        if not mine:
            continue
        live = [a for a in mine if a.maturity != M.ABANDONNEE]
        rows.append(
            {
                "orientation": orientation,
                "actions": len(live),
                "started": sum(1 for a in live if a.maturity in STARTED),
                "done": sum(1 for a in live if a.maturity in DONE),
                "amount": sum((over_contract(a, period) for a in live), Decimal(0)),
            }
        )
    return rows


def data_quality(actions, lines) -> list[tuple[str, int]]:
    live = [a for a in actions if a.maturity != M.ABANDONNEE]
    financed = {line.action_id for line in lines}
    advanced = [a for a in live if a.maturity in {M.VALIDEE, *STARTED}]
    return [
        ("Actions sans montant chiffré", sum(1 for a in live if a.amount is None)),
        (
            "Actions sans calendrier",
            sum(1 for a in live if not a.start_year and not a.calendar_text),
        ),
        (
            "Actions validées ou engagées sans plan de financement",
            sum(1 for a in advanced if a.pk not in financed),
        ),
        (
            "Lignes de financement non chiffrées",
            sum(1 for line in lines if line.amount is None and line.share is None),
        ),
        (
            "Lignes de financement sans financeur identifié",
            sum(1 for line in lines if not line.funder_id),
        ),
    ]


def commune_figures(contract, actions, period: Period, *, today: bool = True, orientation=None) -> dict:
    """Actions and their amounts over the contract per commune (INSEE code); actions with no
    commune concern the whole territory."""
    ids = [a.pk for a in actions if a.maturity != M.ABANDONNEE]
    through = Action.communes.through.objects
    if today:  # by a join on the contract (the day's actions are the current ones)
        through = through.filter(action__contract=contract).exclude(action__maturity=M.ABANDONNEE)
        if orientation is not None:
            through = through.filter(action__orientation=orientation)
    else:
        through = through.filter(action_id__in=ids)
    through = through.values_list("action_id", "commune__insee_code")
    amounts = {a.pk: over_contract(a, period) for a in actions}
    per_commune: dict[str, dict] = defaultdict(lambda: {"actions": 0, "amount": Decimal(0)})
    located = set()
    for action_id, code in through:
        located.add(action_id)
        per_commune[code]["actions"] += 1
        per_commune[code]["amount"] += amounts.get(action_id, Decimal(0))
    return {"per_commune": dict(per_commune), "territory_wide": len(set(ids) - located)}
