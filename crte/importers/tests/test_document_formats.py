"""The reference contract keeps its fidelity as text, Word, OpenDocument and PDF: the same
blocks reach the same structure reader and give the same contract, line by line."""

import pytest

from crte.contracts.models import Contract
from crte.demo.reference import REFERENCE_DOCUMENT
from crte.finance.models import FundingLine
from crte.importers.pipeline import import_source
from crte.importers.read.blocks import UnreadableDocument, read_blocks
from crte.importers.tests.documents import write_aligned, write_docx, write_odt, write_pdf

pytestmark = pytest.mark.django_db


def signature(slug):
    contract = Contract.objects.get(slug=slug)
    lines = sorted(
        (
            line.action.title,
            line.funder.name if line.funder else "",
            line.amount,
            line.share,
            line.status,
            line.scheme.name if line.scheme else "",
            line.is_annual,
        )
        for line in FundingLine.objects.filter(action__contract=contract).select_related(
            "action", "funder", "scheme"
        )
    )
    actions = sorted(
        (a.title, a.amount, a.amount_basis, a.start_year, a.end_year, a.maturity, a.orientation.name)
        for a in contract.actions.select_related("orientation")
    )
    partners = [
        (p.organisation.name, p.signatory_name) for p in contract.partners.select_related("organisation")
    ]
    return {
        "contract": (contract.name, contract.signed_on, contract.start_year, contract.end_year),
        "territory": contract.territory.groupings.get().siren,
        "partners": partners,
        "orientations": list(contract.orientations.values_list("name", flat=True)),
        "actions": actions,
        "lines": lines,
        "programmes": contract.programmes.count(),
    }


@pytest.fixture
def reference_signature():
    result = import_source(path=REFERENCE_DOCUMENT, slug="crte-texte")
    assert not result.report.errors
    return signature("crte-texte")


@pytest.mark.parametrize(
    "writer",
    [write_docx, write_odt, pytest.param(write_pdf, marks=pytest.mark.pdf), write_aligned],
    ids=["docx", "odt", "pdf", "aligned-text"],
)
def test_the_reference_contract_reads_the_same_in_every_format(tmp_path, reference_signature, writer):
    suffix = {"write_docx": "docx", "write_odt": "odt", "write_pdf": "pdf", "write_aligned": "txt"}[
        writer.__name__
    ]
    path = writer(REFERENCE_DOCUMENT.read_text(encoding="utf-8"), tmp_path / f"crte-cabbalr-2022.{suffix}")
    result = import_source(path=path, slug=f"crte-{suffix}")
    assert not result.report.errors, result.report.errors
    got = signature(f"crte-{suffix}")
    for key, expected in reference_signature.items():
        assert got[key] == expected, key
    assert len(got["lines"]) == 75 and len(got["actions"]) == 74


@pytest.mark.pdf
def test_pdf_places_say_their_page(tmp_path):
    path = write_pdf(REFERENCE_DOCUMENT.read_text(encoding="utf-8"), tmp_path / "contrat.pdf")
    result = import_source(path=path, slug="crte-pdf-pages", dry_run=True)
    placed = [str(e.place) for e in result.report.warnings if e.place and e.place.line]
    assert placed and all(", page " in p for p in placed), placed[:3]


@pytest.mark.pdf
def test_a_scanned_pdf_gets_a_clear_message(tmp_path):
    from crte.reports.pdf import html_to_pdf

    blank = html_to_pdf(
        "<html><body><svg width='200' height='200'><rect width='200' height='200'/></svg></body></html>"
    )
    with pytest.raises(UnreadableDocument, match="numérisé"):
        read_blocks(blank, "scan.pdf")
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank)
    result = import_source(path=path, slug="crte-scan")
    assert [e.code for e in result.report.errors] == ["illisible"]


@pytest.mark.parametrize("name", ["abime.docx", "abime.pdf", "abime.odt"])
def test_damaged_documents_are_refused_in_french(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 pas vraiment un document")
    result = import_source(path=path, slug="crte-abime")
    assert result.report.errors and result.report.errors[0].code == "illisible"
    assert "illisible" in result.report.errors[0].message or "endommag" in result.report.errors[0].message


def test_space_aligned_tables_keep_empty_cells_and_right_aligned_figures():
    def row(owner, title, cost, dsil, region):
        return f"{owner:<20}  {title:<22}  {cost:>11}  {dsil:>7}  {region:>9}".rstrip()

    text = "\n".join(
        [
            "Programmation 2024",
            row("Porteur", "Intitulé", "Coût HT", "DSIL", "Région"),
            row("Commune de Roscoff", "Pôle d'échanges", "1 200 000 €", "300 000", ""),
            "Axe 2 : Mieux se loger",
            row("HLC", "Voie verte Saint-Pol", "800 000 €", "", "100 000 €"),
            "",
            "Un paragraphe  avec deux espaces  par endroits n'est pas un tableau.",
        ]
    )
    blocks = read_blocks(text.encode(), "annexe.txt")
    assert [b.kind for b in blocks] == ["paragraph", "table", "paragraph", "paragraph"]
    assert blocks[1].rows == [
        ["Porteur", "Intitulé", "Coût HT", "DSIL", "Région"],
        ["Commune de Roscoff", "Pôle d'échanges", "1 200 000 €", "300 000", ""],
        ["Axe 2 : Mieux se loger", "", "", "", ""],
        ["HLC", "Voie verte Saint-Pol", "800 000 €", "", "100 000 €"],
    ]


def test_an_opendocument_with_xml_entities_is_refused_in_french(tmp_path):
    """A « billion laughs » content.xml: entities are refused before any expansion."""
    import io
    import zipfile

    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
        "&lol2;</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", bomb)
    with pytest.raises(UnreadableDocument, match="entités"):
        read_blocks(buffer.getvalue(), "contrat.odt")
