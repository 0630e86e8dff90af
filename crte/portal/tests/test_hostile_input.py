"""Hostile input is normal input: stored XSS in charts, a dense spreadsheet, numbers the
database cannot hold, NaN and formulas. Each case is one that broke the first version."""

import csv
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from crte.actions.models import Action
from crte.core.charts import stacked_bars, trajectory_chart
from crte.core.formats import neutralize_formula
from crte.core.limits import decimal_problem
from crte.finance.tests.factories import FundingLineFactory
from crte.importers.pipeline import import_source
from crte.importers.read import sandbox
from crte.importers.tests.sheets import write_csv, write_xlsx
from crte.indicators.models import Indicator, Measurement, Target
from crte.portal.exports import export_zip
from crte.reports.pdf import local_fetcher

pytestmark = pytest.mark.django_db

PAYLOAD = '"><script>alert(1)</script><img src="http://attacker.example/x" onerror="alert(2)">'
HEADER = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "Financeur", "Montant sollicité", "Année"]


def test_a_chart_escapes_quotes_in_attributes_and_text():
    svg = stacked_bars({PAYLOAD: {PAYLOAD: Decimal(10)}}, [PAYLOAD], title=PAYLOAD)
    assert "<script>" not in svg and 'src="http' not in svg
    assert "&quot;&gt;&lt;script&gt;" in svg  # the aria-label keeps the text, escaped
    assert str(svg).count("<svg") == 1


def test_an_indicator_named_with_a_payload_is_inert_on_every_page(client, contract, manager):
    contract.is_published = True
    contract.save()
    indicator = Indicator.objects.create(
        contract=contract, code="x", name=PAYLOAD, unit='"><svg onload=alert(3)>'
    )
    Measurement.objects.create(indicator=indicator, date="2022-01-01", value=1, source="s")
    Measurement.objects.create(indicator=indicator, date="2023-01-01", value=2, source="s")
    for url in (indicator.get_absolute_url(), reverse("reports:dashboard", args=[contract.slug])):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and 'onerror="alert' not in page, url
        assert "<svg onload" not in page, url
    assert trajectory_chart([], None, unit="", title=PAYLOAD) == ""


def test_pdf_documents_never_fetch_the_network_or_the_disk():
    fetcher = local_fetcher()
    for url in ("http://attacker.example/x", "https://attacker.example/x", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    fetcher.fetch("data:text/plain,ok")  # inline resources still work


def dense_xlsx(path):
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "Intitulé du projet"
    sheet["XFD1048576"] = "loin"
    workbook.save(path)
    return path


def test_a_dense_sheet_is_refused_before_it_is_read(tmp_path, contract):
    path = dense_xlsx(tmp_path / "dense.xlsx")
    assert path.stat().st_size < 10_000
    result = import_source(path=path, slug=contract.slug)
    messages = [e.message for e in result.report.errors]
    assert any("A1 à XFD1048576" in m and "Sheet" in m for m in messages), messages
    assert not Action.objects.exists()


def test_a_zip_bomb_is_refused(tmp_path, contract):
    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (50 * 1024**2) + b">")
    result = import_source(path=path, slug=contract.slug)
    assert any("archive piégée" in e.message for e in result.report.errors)


def test_a_reader_that_runs_out_of_memory_is_a_report_line_not_a_dead_server(tmp_path):
    limits = sandbox.Limits(memory_bytes=64 * 1024**2, cpu_seconds=10, wall_seconds=20)

    def greedy(_path):
        return bytearray(512 * 1024**2)

    with pytest.raises(sandbox.TooCostly, match="64 Mo de mémoire"):
        sandbox.run(greedy, tmp_path, name="gros.xlsx", limits=limits)
    assert sandbox.run(lambda p: [["ok"]], tmp_path, name="petit.xlsx", limits=limits) == [["ok"]]


@pytest.mark.parametrize("amount", ["1e20", "100000000000000000000", "NaN", "Infinity", "-inf"])
def test_numbers_the_database_cannot_hold_are_reported_where_they_are(tmp_path, contract, amount):
    path = write_csv(
        tmp_path / "prog.csv",
        [HEADER, ["Commune d'Auchel", "École", amount, "DSIL", amount, "2023"]],
    )
    result = import_source(path=path, slug=contract.slug)
    assert not Action.objects.filter(contract=contract).exists() or result.report.written
    for action in Action.objects.filter(contract=contract):
        assert action.amount is None or decimal_problem(action.amount, 14, 2) is None
    if amount.isdigit():
        errors = [e for e in result.report.errors if e.code == "nombre-hors-limite"]
        assert errors and "ligne 2" in str(errors[0].place), result.report.entries


def test_a_huge_number_in_a_spreadsheet_cell_is_an_error_with_its_place(tmp_path, contract):
    path = write_xlsx(
        tmp_path / "prog.xlsx", [HEADER, ["Commune d'Auchel", "École", 1e20, "DSIL", 5, "2023"]]
    )
    result = import_source(path=path, slug=contract.slug)
    assert [e.code for e in result.report.errors] == ["nombre-hors-limite"]
    assert "ligne 2" in str(result.report.errors[0].place)
    assert not Action.objects.filter(contract=contract).exists()


def test_years_out_of_the_plausible_window_are_errors_not_500(tmp_path, contract):
    path = write_csv(
        tmp_path / "prog.csv", [HEADER, ["Commune d'Auchel", "École", "1000 €", "DSIL", "", "1901"]]
    )
    result = import_source(path=path, slug=contract.slug)
    assert [e.code for e in result.report.errors] == ["annee-hors-limite"]


def test_a_target_of_1e20_is_refused_by_the_form_and_pages_stay_up(client, manager, contract):
    client.force_login(manager)
    data = {"name": "Arbres", "unit": "arbres", "direction": "hausse", "level": "contrat"}
    url = reverse("indicators:indicator_create", args=[contract.slug])
    response = client.post(url, data | {"target_year": "2026", "target_value": "1e20"})
    assert response.status_code == 200 and not Target.objects.exists()
    assert client.post(url, data | {"target_year": "2026", "target_value": "1200"}).status_code == 302


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e20", "-1e300"])
def test_values_import_refuses_non_finite_and_huge_values(client, manager, contract, tmp_path, value):
    Indicator.objects.create(contract=contract, code="ges", name="GES", unit="t")
    client.force_login(manager)
    path = write_csv(
        tmp_path / "v.csv", [["indicateur", "année", "valeur", "source"], ["ges", "2021", value, "x"]]
    )
    with path.open("rb") as handle:
        url = reverse("importers:values_upload", args=[contract.slug])
        page = client.post(url, {"file": handle}, follow=True)
    assert page.status_code == 200
    assert "ligne 2" in page.content.decode()
    assert not Measurement.objects.exists()


def test_formula_cells_stay_text_in_the_maquette_and_the_open_data(client, manager, action):
    action.title = '=HYPERLINK("http://attacker.example","clic")'
    action.save()
    FundingLineFactory(action=action, note="+cmd|' /C calc'!A0", amount=Decimal(100))
    client.force_login(manager)
    response = client.get(reverse("reports:maquette_xlsx", args=[action.contract.slug]))
    workbook = load_workbook(io.BytesIO(response.content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    archive = zipfile.ZipFile(io.BytesIO(export_zip(action.contract)))
    text = archive.read(f"{action.contract.slug}/actions.csv").decode()
    titles = [row["intitule"] for row in csv.DictReader(io.StringIO(text)) if "HYPERLINK" in row["intitule"]]
    assert titles == ["'" + action.title]


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-0.13", "-0.13"),
        ("-5", "-5"),
        ("Parking", "Parking"),
        (12, 12),
        ("\tx", "'\tx"),
    ],
)
def test_neutralize_formula(value, expected):
    assert neutralize_formula(value) == expected


@pytest.mark.pdf
def test_payloads_stay_text_in_every_document(client, manager, action, funder):
    """Minutes, convention and evaluation (DOCX and PDF), maquette and actions list (XLSX):
    what people wrote is printed as written, never run, fetched or computed."""
    from docx import Document
    from pypdf import PdfReader

    from crte.governance.models import Meeting
    from crte.governance.tests.factories import CommitteeFactory, MeetingFactory
    from crte.reports.evaluation import create_evaluation

    action.title = PAYLOAD
    action.maturity = Action.Maturity.VALIDEE
    action.start_year = 2024
    action.save()
    funder.name = '=HYPERLINK("http://attacker.example")' + PAYLOAD[:40]
    funder.save()
    FundingLineFactory(action=action, funder=funder, amount=Decimal(100), start_year=2024)
    meeting = MeetingFactory(committee=CommitteeFactory(contract=action.contract), notes=PAYLOAD)
    assert meeting.status == Meeting.Status.TENUE
    from django.utils import timezone

    evaluation = create_evaluation(action.contract, timezone.localdate().year)  # the action exists today
    client.force_login(manager)
    slug = action.contract.slug
    documents = {
        "minutes": reverse("reports:meeting_minutes", args=[meeting.pk, "{fmt}"]),
        "convention": reverse("reports:agreement_document", args=[slug, 2024, "{fmt}"]),
        "evaluation": reverse("reports:evaluation_document", args=[evaluation.pk, "{fmt}"]),
    }
    for name, url in documents.items():
        docx = client.get(url.replace("%7Bfmt%7D", "docx"))
        assert docx.status_code == 200, name
        document = Document(io.BytesIO(docx.content))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        assert "<script>alert(1)</script>" in text, name  # printed as written
        pdf = client.get(url.replace("%7Bfmt%7D", "pdf"))
        assert pdf.status_code == 200, name
        pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "<script>alert(1)</script>" in " ".join(pdf_text.split()).replace("< ", "<"), name
    for url in (
        reverse("reports:maquette_xlsx", args=[slug]),
        reverse("workspace:contract_actions_export", args=[slug, "xlsx"]),
    ):
        workbook = load_workbook(io.BytesIO(client.get(url).content))
        cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells), url
        assert any(isinstance(c.value, str) and "<script>" in c.value for c in cells), url


CELLS = st.one_of(
    st.none(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        ["NaN", "inf", "-1e400", "=1+1", "1 200,50 €", "12,5 %", "2021-2026", "DSIL", "Région", ""]
    ),
    st.text(max_size=40),
)


def printable(cell):
    return ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(CELLS, min_size=1, max_size=7), min_size=0, max_size=8),
    shape=st.sampled_from(["xlsx", "csv-utf8", "csv-cp1252", "csv-garbage"]),
)
def test_any_spreadsheet_gives_a_report_never_an_exception(tmp_path_factory, contract, rows, shape):
    """Hypothesis-built workbooks and CSVs (numbers of any size, formulas, texts, wrong
    encodings, random bytes) give a French report, and nothing half-written."""
    directory = tmp_path_factory.mktemp("fuzz")
    table = [HEADER, *rows]
    if shape == "xlsx":  # a workbook cannot hold control characters: a spreadsheet never has them
        path = write_xlsx(directory / "t.xlsx", [[printable(c) for c in r] for r in table])
    elif shape == "csv-garbage":
        path = directory / "t.csv"
        path.write_bytes(
            hashlib.sha256(repr(rows).encode()).digest() * 10
        )  # the same bytes for the same example
    else:
        encoding = "utf-8" if shape == "csv-utf8" else "cp1252"
        text_rows = [["" if c is None else str(c) for c in r] for r in table]
        path = directory / "t.csv"
        try:
            write_csv(path, text_rows, encoding=encoding)
        except UnicodeEncodeError:
            write_csv(path, text_rows, encoding="utf-8")
    before = Action.objects.count()
    result = import_source(path=path, slug=contract.slug, dry_run=True)
    for entry in result.report.entries:
        assert entry.message and (entry.message[0].isupper() or entry.message[0] == "«"), entry.message
    assert Action.objects.count() == before  # a dry run writes nothing
