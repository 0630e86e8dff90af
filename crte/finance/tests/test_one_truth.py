"""One truth for every figure (issue 21): the fiche, the actions list and its export, the
contract page, the maquette, the conventions, the dashboard, the roll-up summaries and the
open-data export show the same totals for the same scope, all computed by the money rule
(`finance/money.py`, in SQL `finance/sql.py`). First on an example, then after any sequence
of edits and imports of programming tables (a hypothesis state machine): an import, the same
table again or with its years shifted never counts a line twice, and leaves no plan over
its action's cost."""

import csv
import io
import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from crte.actions.models import Action
from crte.actions.tests.factories import ActionFactory
from crte.contracts.models import Contract, Membership
from crte.contracts.tests.factories import ContractFactory, MembershipFactory, OrientationFactory
from crte.core.formats import format_euros
from crte.core.tests.factories import FunderFactory, OrganisationFactory, UserFactory
from crte.finance import summaries
from crte.finance.agreements import ELIGIBLE, convention_content
from crte.finance.models import ContractFunding, ContractSummary, FundingAgreement, FundingLine
from crte.finance.money import Period, action_total, is_own_share, period_total, spread
from crte.finance.overview import contract_maquette, facts_of
from crte.finance.plan import plan_context
from crte.finance.tests.factories import FundingLineFactory
from crte.importers.pipeline import import_source
from crte.importers.tests.sheets import write_xlsx
from crte.importers.write.load import is_imported
from crte.portal.exports import export_files
from crte.reports.dashboard import dashboard_figures
from crte.workspace import views as workspace_views
from crte.workspace.contract_page import orientation_figures
from crte.workspace.exports import actions_csv

pytestmark = pytest.mark.django_db
ZERO = D(0)


def csv_rows(text: str, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def french_number(text: str) -> D:
    return D(text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".") or "0")


def listed(contract: Contract):
    """The actions list of the contract, as its view builds it (rows with `funded`)."""
    request = RequestFactory().get("/")
    _form, result = workspace_views.selection(
        request, contract.actions.all(), Contract.objects.filter(pk=contract.pk), contract
    )
    return result.actions


def figures(contract: Contract, user) -> dict[str, dict[str, D]]:
    """{surface: {"financing": total of the lines, "actions": total of the actions}} over
    the contract's period, abandoned actions apart, as each surface computes it."""
    live = list(contract.actions.exclude(maturity=Action.Maturity.ABANDONNEE).select_related("orientation"))
    fiches = [plan_context(user, action)["financing"] for action in live]
    rows = {row.pk: row for row in listed(contract)}
    exported = csv_rows(actions_csv(listed(contract)).decode("utf-8-sig"), ";")
    maquette, _facts = contract_maquette(contract)
    dashboard = dashboard_figures(contract)
    summaries.refresh(Contract.objects.filter(pk=contract.pk))
    summary = ContractSummary.objects.get(contract=contract)
    files = export_files(contract)
    open_actions = {row["idAction"]: row for row in csv_rows(files["actions.csv"])}
    abandoned = {key for key, row in open_actions.items() if row["maturite"] == Action.Maturity.ABANDONNEE}
    open_lines = [row for row in csv_rows(files["financements.csv"]) if row["idAction"] not in abandoned]
    return {
        "fiche": {
            "financing": sum((f["total"] for f in fiches), ZERO),
            "actions": sum((f["action_total"] for f in fiches), ZERO),
        },
        "actions list": {"financing": sum((rows[a.pk].funded for a in live), ZERO)},
        "actions list export": {
            "financing": sum(
                (french_number(r["Financements (€)"]) for r in exported if r["Maturité"] != "Abandonnée"),
                ZERO,
            ),
            "actions": sum(
                (
                    french_number(r["Montant sur la durée du contrat (€)"])
                    for r in exported
                    if r["Maturité"] != "Abandonnée"
                ),
                ZERO,
            ),
        },
        "contract page": {"actions": sum((o.contract_total for o in orientation_figures(contract)), ZERO)},
        "maquette": {"financing": maquette.total()},
        "dashboard": {
            "financing": sum(dashboard["financing"]["totals"].values(), ZERO),
            "actions": dashboard["completion"]["amount_total"],
        },
        "roll-up": {
            "financing": sum(
                (row.total for row in ContractFunding.objects.filter(contract=contract)), ZERO
            ).quantize(D("0.01")),
            "actions": (summary.amount or ZERO).quantize(D("0.01")),
        },
        "open data": {
            "financing": sum((D(r["montantPeriode"] or 0) for r in open_lines), ZERO),
            "actions": sum(
                (D(r["montantPeriode"] or 0) for k, r in open_actions.items() if k not in abandoned), ZERO
            ),
        },
    }


def assert_one_truth(contract: Contract, user) -> None:
    period = Period(contract.start_year, contract.end_year)
    lines = FundingLine.objects.filter(action__contract=contract).exclude(action__maturity="abandonnee")
    expected = {
        "financing": sum((period_total(facts_of(line), period) for line in lines), ZERO),
        "actions": sum(
            (
                action_total(a.amount, a.is_annual, a.start_year, a.end_year, period)
                for a in contract.actions.exclude(maturity="abandonnee")
            ),
            ZERO,
        ),
    }
    for surface, totals in figures(contract, user).items():
        for scope, total in totals.items():
            assert total == expected[scope], (surface, scope, total, expected[scope])


def convention_rows_by_line(contract: Contract) -> dict[int, dict[int, D]]:
    """{line id: {year: amount}} over the conventions of every year of the contract."""
    found: dict[int, dict[int, D]] = defaultdict(dict)
    for year in range(contract.start_year, contract.end_year + 1):
        content = convention_content(FundingAgreement(contract=contract, year=year))
        rows = [row for action in content["actions"] for row in action["partners"]]
        assert content["total"] == sum((row.amount for row in rows), ZERO)
        assert sum(content["by_funder"].values(), ZERO) == content["total"]
        for row in rows:
            assert year not in found[row.line_id], "a line twice in one convention"
            found[row.line_id][year] = row.amount
    return found


def assert_conventions_carry_each_eligible_line_once(contract: Contract) -> None:
    """Summed over the years, the conventions give the period total of the lines a
    convention carries, each line its own years' parts, and no other line."""
    period = Period(contract.start_year, contract.end_year)
    years = set(range(contract.start_year, contract.end_year + 1))
    found = convention_rows_by_line(contract)
    expected = {}
    for line in FundingLine.objects.filter(action__contract=contract).select_related("action", "funder"):
        owners = {o.pk for o in line.action.owners.all()}
        carried = (
            line.action.maturity in ELIGIBLE
            and line.funder_id is not None
            and line.status != FundingLine.Status.REFUSE
            and not is_own_share(line.funder_id, owners, line.is_own_funding)
        )
        parts = {y: a for y, a in spread(facts_of(line), period).items() if y in years and a}
        if carried and parts:
            assert set(parts) <= years and sum(parts.values(), ZERO) == period_total(facts_of(line), period)
            expected[line.pk] = parts
    assert dict(found) == expected


# -- an example: a line of 50 000 € a year ---------------------------------------------------


@pytest.fixture
def yearly(contract, orientation, owner_org, funder):
    action = ActionFactory(
        orientation=orientation,
        owners=[owner_org],
        amount=D("50000"),
        amount_basis=Action.AmountBasis.ANNUAL,
        start_year=2024,
        end_year=2026,
    )
    FundingLineFactory(action=action, funder=funder, amount=D("50000"), is_annual=True)
    return action


def test_a_line_of_50_000_a_year_counts_150_000_everywhere(yearly, manager, client):
    totals = figures(yearly.contract, manager)
    for surface, scopes in totals.items():
        for scope, total in scopes.items():
            assert total == D("150000"), (surface, scope, total)
    client.force_login(manager)
    page = re.sub(
        r"[ \t\n]+", " ", client.get(reverse("actions:action_detail", args=[yearly.pk])).content.decode()
    )
    assert f"{format_euros(50000)} / an × 3 ans = {format_euros(150000)}" in page
    assert "Reste à financer" in page and format_euros(0) in page


def test_the_actions_list_page_shows_the_fiches_total(yearly, manager, client):
    client.force_login(manager)
    url = reverse("workspace:contract_actions", args=[yearly.contract.slug])
    response = client.get(url)
    assert [row.funded for row in response.context["page"]] == [D("150000")]
    assert format_euros(150000) in response.content.decode()
    for name in ("Département", "Agence"):  # three lines: still one action, counted once
        FundingLineFactory(action=yearly, funder=FunderFactory(name=name), amount=D("5000"), start_year=2025)
    response = client.get(url, {"q": yearly.title.split()[0]})
    assert response.context["page"].paginator.count == 1
    assert [row.funded for row in response.context["page"]] == [D("160000")]


def test_the_open_data_export_gives_each_lines_years_and_its_amount_over_the_contract(yearly):
    (line,) = csv_rows(export_files(yearly.contract)["financements.csv"])
    assert (line["montant"], line["montantAnnuel"], line["anneeDebut"], line["anneeFin"]) == (
        "50000",
        "true",
        "2024",
        "2026",
    )
    assert line["montantPeriode"] == "150000"
    (project,) = csv_rows(export_files(yearly.contract)["projets-territoire.csv"])
    assert project["budgetPrevisionnel"] == "150000"


# -- any sequence of edits -----------------------------------------------------------------

AMOUNTS = st.decimals(min_value=0, max_value=2_000_000, places=2)
YEARS = st.one_of(st.none(), st.integers(2019, 2028))
STATUSES = st.sampled_from(FundingLine.Status.values)

# -- programming tables to import ----------------------------------------------------------

CABBALR = "200072460"  # the territory whose bodies the table's financers are
FINANCERS = ("Région", "Département", "État")  # one column each
TABLE_HEADER = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", *FINANCERS, "Année"]


@dataclass(frozen=True)
class TableRow:
    title: str
    cost: int
    annual: bool  # « €/an »
    cells: tuple  # per financer: None (blank) or (amount, per year)
    start: int
    length: int

    def cells_text(self) -> list[str]:
        return ["" if c is None else f"{c[0]} €" + ("/an" if c[1] else "") for c in self.cells]

    def row(self) -> list[str]:
        years = str(self.start) if not self.length else f"{self.start}-{self.start + self.length}"
        cost = f"{self.cost} €" + ("/an" if self.annual else "")
        return ["Béthune", self.title, cost, *self.cells_text(), years]


TABLE_ROWS = st.builds(
    TableRow,
    title=st.just(""),
    cost=st.integers(10_000, 2_000_000),
    annual=st.booleans(),
    cells=st.tuples(*[st.one_of(st.none(), st.tuples(st.integers(0, 900_000), st.booleans()))] * 3),
    start=st.integers(2019, 2028),
    length=st.integers(0, 3),
)
TABLES = st.lists(TABLE_ROWS, min_size=1, max_size=3).flatmap(
    lambda rows: st.permutations(["Parking relais", "Voie verte", "École Jules Ferry"]).map(
        lambda titles: tuple(replace(row, title=title) for row, title in zip(rows, titles, strict=False))
    )
)


def history_rows() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in apps.get_models() if m.__name__.startswith("Historical")}


class Contract21(RuleBasedStateMachine):
    """A contract of 2021-2026 edited at random through the model layer; after each step
    every surface shows the same totals and the conventions carry each line once."""

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # every example starts from the same database
        self.contract = ContractFactory(start_year=2021, end_year=2026)
        self.orientations = [OrientationFactory(contract=self.contract) for _ in range(2)]
        self.owner = OrganisationFactory(name="Commune porteuse")
        self.funders = [FunderFactory(name=name) for name in ("État", "Région", "Département")]
        self.manager = UserFactory()
        MembershipFactory(user=self.manager, contract=self.contract, role=Membership.Role.CHEF_PROJET)

        self.folder = Path(tempfile.mkdtemp(prefix="crte-one-truth-"))
        self.table: tuple[TableRow, ...] | None = None  # the last table imported

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        shutil.rmtree(self.folder, ignore_errors=True)

    def actions(self):
        return list(self.contract.actions.order_by("pk"))

    def lines(self):
        return list(FundingLine.objects.filter(action__contract=self.contract).order_by("pk"))

    @initialize(amount=st.one_of(st.none(), AMOUNTS), annual=st.booleans(), start=YEARS)
    def first_action(self, amount, annual, start):
        self.add_action(amount, annual, start, None, Action.Maturity.VALIDEE)

    @rule(
        amount=st.one_of(st.none(), AMOUNTS),
        annual=st.booleans(),
        start=YEARS,
        length=st.one_of(st.none(), st.integers(0, 4)),
        maturity=st.sampled_from([m for m in Action.Maturity.values if m != "abandonnee"]),
    )
    def add_action(self, amount, annual, start, length, maturity):
        ActionFactory(
            orientation=self.orientations[0],
            owners=[self.owner],
            amount=amount,
            amount_basis=Action.AmountBasis.ANNUAL if annual else Action.AmountBasis.TOTAL,
            start_year=start,
            end_year=None if start is None or length is None else start + length,
            maturity=maturity,
        )

    @rule(
        data=st.data(),
        amount=st.one_of(st.none(), AMOUNTS),
        share=st.one_of(st.none(), st.decimals(min_value=0, max_value=1, places=8)),
        annual=st.booleans(),
        start=YEARS,
        length=st.one_of(st.none(), st.integers(0, 5)),
        funder=st.integers(0, 4),  # 3: the owner's own share, 4: no financer named
        status=STATUSES,
        marked=st.booleans(),
    )
    def add_line(self, data, amount, share, annual, start, length, funder, status, marked):
        action = data.draw(st.sampled_from(self.actions()))
        FundingLineFactory(
            action=action,
            funder=(self.funders + [self.owner, None])[funder],
            amount=amount if amount is not None or share is not None else D("1000"),
            share=share,
            is_annual=annual,
            start_year=start,
            end_year=None if start is None or length is None else start + length,
            status=status,
            is_own_funding=marked and funder != 4,
        )

    @precondition(lambda self: self.lines())
    @rule(data=st.data(), part=st.decimals(min_value=D("0.01"), max_value=1, places=2))
    def split_line(self, data, part):
        """The « Partager » page's work: part of a line's amount goes to a new line."""
        line = data.draw(st.sampled_from(self.lines()))
        whole = line.resolved_amount()
        if whole is None or whole <= D("0.01"):
            return
        cut = max(D("0.01"), min(whole - D("0.01"), (whole * part).quantize(D("0.01"))))
        client = self.client()
        response = client.post(reverse("finance:funding_line_split", args=[line.pk]), {"part": str(cut)})
        assert response.status_code == 302, response.content.decode()[:500]

    @precondition(lambda self: self.lines())
    @rule(data=st.data())
    def delete_line(self, data):
        line = data.draw(st.sampled_from(self.lines()))
        response = self.client().post(reverse("finance:funding_line_delete", args=[line.pk]))
        assert response.status_code == 302

    @precondition(lambda self: self.lines())
    @rule(data=st.data(), start=YEARS, length=st.one_of(st.none(), st.integers(0, 3)))
    def make_annual(self, data, start, length):
        line = data.draw(st.sampled_from(self.lines()))
        line.is_annual = True
        line.start_year = start
        line.end_year = None if start is None or length is None else start + length
        line.save()

    @precondition(lambda self: self.lines())
    @rule(data=st.data(), status=STATUSES)
    def change_status(self, data, status):
        line = data.draw(st.sampled_from(self.lines()))
        line.status = status
        line.save()

    @rule(data=st.data(), amount=st.one_of(st.none(), AMOUNTS), annual=st.booleans())
    def change_action_amount(self, data, amount, annual):
        action = data.draw(st.sampled_from(self.actions()))
        action.amount = amount
        action.amount_basis = Action.AmountBasis.ANNUAL if annual else Action.AmountBasis.TOTAL
        action.save()

    @rule(data=st.data(), start=YEARS, length=st.one_of(st.none(), st.integers(0, 4)))
    def change_action_years(self, data, start, length):
        action = data.draw(st.sampled_from(self.actions()))
        action.start_year = start
        action.end_year = None if start is None or length is None else start + length
        action.save()

    @rule(data=st.data())
    def abandon_action(self, data):
        action = data.draw(st.sampled_from(self.actions()))
        if action.maturity not in ("abandonnee", "achevee"):
            action.abandon(by=self.manager, reason="Projet retiré par le maître d'ouvrage.")

    @rule(data=st.data())
    def move_to_another_orientation(self, data):
        action = data.draw(st.sampled_from(self.actions()))
        action.orientation = self.orientations[1]
        action.save()

    # -- imports ------------------------------------------------------------------------------

    @rule(table=TABLES, confirm=st.booleans())
    def import_a_generated_table(self, table, confirm):
        self.import_table(table, confirm)

    @precondition(lambda self: self.table)
    @rule(confirm=st.booleans())
    def reimport_the_same_table(self, confirm):
        self.import_table(self.table, confirm)

    @precondition(lambda self: self.table)
    @rule(shift=st.sampled_from([-2, -1, 1, 2]), confirm=st.booleans())
    def reimport_with_years_shifted(self, shift, confirm):
        self.import_table(tuple(replace(row, start=row.start + shift) for row in self.table), confirm)

    def import_table(self, table, confirm: bool) -> None:
        """Imports the table, then the same table again, which must change nothing. An
        import refused (a plan over its action's cost) writes nothing at all."""
        path = write_xlsx(self.folder / "programmation.xlsx", [TABLE_HEADER, *(row.row() for row in table)])
        before = history_rows()
        result = import_source(path=path, slug=self.contract.slug, territory=CABBALR, remove_missing=confirm)
        if result.report.errors:
            assert {e.code for e in result.report.errors} == {"sur-finance"}, result.report.errors
            assert not result.report.written and history_rows() == before  # all or nothing
            return
        self.table = table
        self.check_imported(table, result.report)
        before = history_rows()
        again = import_source(path=path, slug=self.contract.slug, territory=CABBALR, remove_missing=confirm)
        assert not again.report.errors, again.report.errors
        assert (again.report.created, again.report.updated, again.report.removed) == ({}, {}, {})
        assert history_rows() == before  # not even an empty history row

    def check_imported(self, table, report) -> None:
        """Each row's action has one line per figure of the row, at the row's years, plus
        the lines reported absent and kept: none counted twice; none over the cost."""
        period = Period(self.contract.start_year, self.contract.end_year)
        absent = Counter(e.action for e in report.entries if e.code == "ligne-absente")
        for row in table:
            action = self.contract.actions.get(title=row.title)
            lines = list(action.funding_lines.select_related("funder"))
            imported = [line for line in lines if is_imported(line)]
            from_row = [line for line in imported if line.start_year == row.start]
            assert len(imported) == sum(c is not None for c in row.cells) + absent[row.title]
            assert len(from_row) >= sum(c is not None for c in row.cells)
            funders = Counter(line.funder_id for line in imported)
            assert max(funders.values(), default=1) == 1, "a financer's line twice"
            if action.maturity != Action.Maturity.ABANDONNEE and action.amount is not None:
                for line in lines:
                    line.action = action
                financed = sum((period_total(facts_of(line), period) for line in lines), ZERO)
                cost = action_total(
                    action.amount, action.is_annual, action.start_year, action.end_year, period
                )
                assert financed <= cost + 1, (row, financed, cost)

    def client(self):
        from django.test import Client

        client = Client()
        client.force_login(self.manager)
        return client

    @invariant()
    def every_surface_shows_the_same_totals(self):
        assert_one_truth(self.contract, self.manager)

    @invariant()
    def conventions_carry_each_eligible_line_once(self):
        assert_conventions_carry_each_eligible_line_once(self.contract)


IN_CI = os.environ.get("CI", "").lower() == "true"  # the `ci` profile's switch (crte/conftest.py)


def test_any_sequence_of_edits_keeps_one_truth(db):
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        Contract21,
        settings=settings(
            max_examples=5 if IN_CI else 12,
            stateful_step_count=8 if IN_CI else 10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
