# ruff: noqa: E501 - rows typed by hand, as long as the cells they hold
"""Writes the fidelity corpus (issue 21): documents and tables laid out unlike each other
and unlike the reference contract, each with its truth beside it.

    .venv/bin/python bench/fidelity/make_corpus.py

Every file below is written from rows typed by hand, and its truth
(`corpus/<file>.truth.json`) is typed by hand beside those rows: what a person reading the
file would enter (contract details, and per action its title, owners, cost, financing lines,
calendar years, communes). Nothing here runs the importer. The output is deterministic
(zip entries and document dates are fixed), so the committed corpus is stable.

Truth conventions:
- amounts in euros as strings ("1250000.50"); rates as fractions ("0.3"); an amount written
  « par an » has `amount_annual` (action) or `annual` (line) true;
- a financer is its name in the national reference (« Région La Réunion », « État ») or, for
  a body the reference does not know, its name as written; communes and EPCI with a SIREN;
- the owner's own share (« autofinancement », « reste à charge », « commune ») is a line
  whose financer is the owner;
- a single year (« 2024 », « Démarrage 2024 ») is a start year only; « 2024-2026 » both;
- `row` (tables: the row or line of the action in the file) and `columns` (the header of the
  column each field is read from) say where a value is, so that a miss can be looked up in
  the import's report."""

import html
import json
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
FIXED_DATE = (2024, 1, 1, 0, 0, 0)
ISO_DATE = "2024-01-01T00:00:00Z"

# --- truth helpers --------------------------------------------------------------------------------


def Body(name: str, siren: str | None = None) -> dict:
    return {"name": name, "siren": siren}


def money(value) -> str | None:
    if value is None or value == "":
        return None
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def L(
    funder: str | dict,
    amount=None,
    rate=None,
    scheme: str = "",
    annual: bool = False,
    column: str = "",
) -> dict:
    funder = funder if isinstance(funder, dict) else Body(funder)
    return {
        "funder": funder,
        "scheme": scheme,
        "amount": money(amount),
        "rate": str(Decimal(str(rate))) if rate is not None else None,
        "annual": annual,
        "column": column,
    }


def A(
    title: str,
    owners: list[dict],
    amount=None,
    lines=(),
    start: int | None = None,
    end: int | None = None,
    communes=(),
    annual: bool = False,
) -> dict:
    return {
        "title": title,
        "owners": owners,
        "amount": money(amount),
        "amount_annual": annual,
        "lines": list(lines),
        "start_year": start,
        "end_year": end,
        "communes": list(communes),
    }


def contract(title: str, siren: str, signed: str, start: int | None, end: int | None) -> dict:
    return {"title": title, "epci_siren": siren, "signed_on": signed, "start_year": start, "end_year": end}


def in_column(lines: list[dict], column: str) -> list[dict]:
    for line in lines:
        line["column"] = line["column"] or column
    return lines


# --- writers --------------------------------------------------------------------------------------


def fix_zip(path: Path) -> None:
    """Same bytes every run: fixed entry dates, fixed document dates."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            if info.filename in ("docProps/core.xml", "meta.xml"):
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + ISO_DATE.encode(), data
                )
            fixed = zipfile.ZipInfo(info.filename, FIXED_DATE)
            fixed.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            archive.writestr(fixed, data)


def write_xlsx(path: Path, sheets: list[tuple[str, list[list], list[str]]]) -> None:
    """sheets: (name, rows, merged ranges such as 'A4:J4')."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows, merges in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
        for cells in merges:
            sheet.merge_cells(cells)
    workbook.properties.created = datetime(2024, 1, 1)
    workbook.properties.modified = datetime(2024, 1, 1)
    workbook.properties.creator = "fidelity corpus"
    workbook.save(path)
    fix_zip(path)


def write_csv(
    path: Path, rows: list[list], *, delimiter: str, encoding: str, bom=False, quote_all=False
) -> None:
    def quote(value) -> str:
        text = "" if value is None else str(value)
        if quote_all or any(ch in text for ch in (delimiter, '"', "\n")):
            text = '"' + text.replace('"', '""') + '"'
        return text

    text = "\r\n".join(delimiter.join(quote(v) for v in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)


def odf_zip(path: Path, mimetype: str, content: str) -> None:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("mimetype", FIXED_DATE)
        archive.writestr(info, mimetype, zipfile.ZIP_STORED)
        archive.writestr(zipfile.ZipInfo("META-INF/manifest.xml", FIXED_DATE), manifest, zipfile.ZIP_DEFLATED)
        archive.writestr(zipfile.ZipInfo("content.xml", FIXED_DATE), content, zipfile.ZIP_DEFLATED)


def odf_cell(value, span: tuple[int, int] | None = None, covered=False) -> str:
    if covered:
        return "<table:covered-table-cell/>"
    attrs = ""
    if span:
        rows, cols = span
        if rows > 1:
            attrs += f' table:number-rows-spanned="{rows}"'
        if cols > 1:
            attrs += f' table:number-columns-spanned="{cols}"'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}"{attrs}>'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if value is None or value == "":
        return f"<table:table-cell{attrs}/>"
    paragraphs = "".join(f"<text:p>{html.escape(p)}</text:p>" for p in str(value).split("\n"))
    return f'<table:table-cell office:value-type="string"{attrs}>{paragraphs}</table:table-cell>'


def odf_rows(rows: list[list], spans: dict[tuple[int, int], tuple[int, int]]) -> str:
    """Rows of an OpenDocument table as LibreOffice writes them: a spanning cell, then one
    covered cell for each grid cell it hides."""
    covered = set()
    for (r, c), (rs, cs) in spans.items():
        covered |= {(r + i, c + j) for i in range(rs) for j in range(cs)} - {(r, c)}
    out = []
    for r, row in enumerate(rows):
        cells = "".join(odf_cell(v, spans.get((r, c)), covered=(r, c) in covered) for c, v in enumerate(row))
        out.append(f"<table:table-row>{cells}</table:table-row>")
    return "".join(out)


def write_ods(path: Path, sheets: list[tuple[str, list[list], dict]]) -> None:
    body = "".join(
        f'<table:table table:name="{html.escape(name)}">{odf_rows(rows, spans)}</table:table>'
        for name, rows, spans in sheets
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} office:version="1.2">'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    )
    odf_zip(path, "application/vnd.oasis.opendocument.spreadsheet", content)


# A document is a list of blocks: ("title"|"h1"|"h2"|"p"|"b", text) or ("table", rows, spans)
# with spans {(row, col): (rowspan, colspan)}.


def write_odt(path: Path, blocks: list[tuple]) -> None:
    body = []
    for block in blocks:
        kind = block[0]
        if kind == "table":
            body.append(
                f"<table:table>{odf_rows(block[1], block[2] if len(block) > 2 else {})}</table:table>"
            )
        elif kind in ("title", "h1", "h2"):
            level = {"title": 1, "h1": 1, "h2": 2}[kind]
            body.append(f'<text:h text:outline-level="{level}">{html.escape(block[1])}</text:h>')
        else:
            body.append(f"<text:p>{html.escape(block[1])}</text:p>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} office:version="1.2">'
        "<office:body><office:text>"
        + "".join(body)
        + "</office:text></office:body></office:document-content>"
    )
    odf_zip(path, "application/vnd.oasis.opendocument.text", content)


def write_docx(path: Path, blocks: list[tuple]) -> None:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(9)
    for block in blocks:
        kind = block[0]
        if kind == "table":
            rows, spans = block[1], block[2] if len(block) > 2 else {}
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value not in ("", None):
                        table.cell(r, c).text = str(value)
            for (r, c), (rs, cs) in spans.items():
                table.cell(r, c).merge(table.cell(r + rs - 1, c + cs - 1))
        elif kind == "title":
            document.add_heading(block[1], level=0)
        elif kind == "h1":
            document.add_heading(block[1], level=1)
        elif kind == "h2":
            document.add_heading(block[1], level=2)
        elif kind == "b":
            document.add_paragraph().add_run(block[1]).bold = True
        else:
            document.add_paragraph(block[1])
    document.core_properties.created = datetime(2024, 1, 1)
    document.core_properties.modified = datetime(2024, 1, 1)
    document.core_properties.last_modified_by = "fidelity corpus"
    document.core_properties.author = "fidelity corpus"
    document.save(path)
    fix_zip(path)


def write_pdf(path: Path, blocks: list[tuple], landscape=True) -> None:
    from weasyprint import HTML

    size = "A4 landscape" if landscape else "A4"
    parts = [
        "<html><head><meta charset='utf-8'><style>"
        f"@page {{ size: {size}; margin: 1.2cm }} body {{ font: 8pt DejaVu Sans, sans-serif }} "
        "p { margin: 2pt 0 } h1 { font-size: 12pt } h2 { font-size: 10pt } "
        "table { border-collapse: collapse; width: 100%; margin: 6pt 0 } "
        "td, th { border: 0.5pt solid #000; padding: 2pt 3pt; vertical-align: top }"
        "</style></head><body>"
    ]
    for block in blocks:
        kind = block[0]
        if kind == "table":
            rows, spans = block[1], block[2] if len(block) > 2 else {}
            covered = set()
            for (r, c), (rs, cs) in spans.items():
                covered |= {(r + i, c + j) for i in range(rs) for j in range(cs)} - {(r, c)}
            out = []
            for r, row in enumerate(rows):
                cells = []
                for c, value in enumerate(row):
                    if (r, c) in covered:
                        continue
                    rs, cs = spans.get((r, c), (1, 1))
                    text = html.escape(str(value)).replace("\n", "<br>") or "&nbsp;"
                    cells.append(f'<td rowspan="{rs}" colspan="{cs}">{text}</td>')
                out.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("<table>" + "".join(out) + "</table>")
        elif kind in ("title", "h1"):
            parts.append(f"<h1>{html.escape(block[1])}</h1>")
        elif kind == "h2":
            parts.append(f"<h2>{html.escape(block[1])}</h2>")
        elif kind == "b":
            parts.append(f"<p><b>{html.escape(block[1])}</b></p>")
        else:
            parts.append(f"<p>{html.escape(block[1])}</p>")
    parts.append("</body></html>")
    HTML(string="".join(parts)).write_pdf(path, uncompressed_pdf=False)


# --- the corpus -----------------------------------------------------------------------------------

FILES: list[dict] = []


def table_file(name, fmt, layout, territory, actions, columns, write) -> None:
    FILES.append(
        {
            "file": name,
            "format": fmt,
            "layout": layout,
            "territory": territory,
            "contract": None,
            "columns": columns,
            "actions": actions,
            "write": write,
        }
    )


def document_file(name, fmt, layout, the_contract, actions, write, columns=None, hint=None) -> None:
    """A document is imported without --territory: its grouping must be found in it.
    `territory_hint` is the SIREN a person gives when it is not (the contract's EPCI)."""
    FILES.append(
        {
            "file": name,
            "format": fmt,
            "layout": layout,
            "territory": None,
            "territory_hint": hint or (the_contract or {}).get("epci_siren"),
            "contract": the_contract,
            "columns": columns or {},
            "actions": actions,
            "write": write,
        }
    )


def with_rows(pairs: list[tuple[list, dict | None]], first_row: int) -> tuple[list[list], list[dict]]:
    """(cells, truth or None) pairs -> rows and truths, each truth told its row (1-based)."""
    rows, truths = [], []
    for offset, (cells, truth) in enumerate(pairs):
        rows.append(cells)
        if truth is not None:
            truth["row"] = first_row + offset
            truths.append(truth)
    return rows, truths


# 1. Guadeloupe: a préfecture's programming sheet (XLSX), title rows, TOTAL row ------------------

CAPEX = "200018653"
abymes, baie_mahault, pap = (
    Body("Les Abymes", "219711017"),
    Body("Baie-Mahault", "219711033"),
    Body("Pointe-à-Pitre", "219711207"),
)
capex = Body("CA CAP Excellence", CAPEX)
HEAD_971 = [
    "Réf.",
    "Porteur",
    "Objet de l'opération",
    "Lieu",
    "Enveloppe prévisionnelle (€ HT)",
    "DETR",
    "DSIL",
    "Fonds vert",
    "Région",
    "Part restant à charge du porteur",
    "Démarrage",
    "Achèvement",
]


def own(owner: dict, amount=None, rate=None, column="", annual=False) -> dict:
    return L(owner, amount, rate, column=column, annual=annual)


rows_971, truth_971 = with_rows(
    [
        (
            [
                "971-24-001",
                "Ville des Abymes",
                "Réhabilitation énergétique de l'école primaire Raizet-Bis",
                "Les Abymes",
                1480000,
                444000,
                "",
                296000,
                444000,
                296000,
                "2024",
                "2025",
            ],
            A(
                "Réhabilitation énergétique de l'école primaire Raizet-Bis",
                [abymes],
                1480000,
                [
                    L("État", 444000, scheme="DETR", column="DETR"),
                    L("État", 296000, scheme="Fonds vert", column="Fonds vert"),
                    L("Région Guadeloupe", 444000, column="Région"),
                    own(abymes, 296000, column="Part restant à charge du porteur"),
                ],
                2024,
                2025,
                ["97101"],
            ),
        ),
        (
            [
                "971-24-002",
                "CA Cap Excellence",
                "Création d'une voie verte entre Pointe-à-Pitre et Baie-Mahault (tranche 1)",
                "Pointe-à-Pitre / Baie-Mahault",
                3250000.5,
                "",
                1300000,
                650000,
                "",
                1300000.5,
                "2024",
                "2026",
            ],
            A(
                "Création d'une voie verte entre Pointe-à-Pitre et Baie-Mahault (tranche 1)",
                [capex],
                "3250000.50",
                [
                    L("État", 1300000, scheme="DSIL", column="DSIL"),
                    L("État", 650000, scheme="Fonds vert", column="Fonds vert"),
                    own(capex, "1300000.50", column="Part restant à charge du porteur"),
                ],
                2024,
                2026,
                ["97120", "97103"],
            ),
        ),
        (
            [
                "971-24-003",
                "Ville de Pointe-à-Pitre",
                "Rénovation du marché central",
                "Pointe-à-Pitre",
                2100000,
                630000,
                "",
                "",
                840000,
                630000,
                "2e semestre 2024",
                "2026",
            ],
            A(
                "Rénovation du marché central",
                [pap],
                2100000,
                [
                    L("État", 630000, scheme="DETR", column="DETR"),
                    L("Région Guadeloupe", 840000, column="Région"),
                    own(pap, 630000, column="Part restant à charge du porteur"),
                ],
                2024,
                2026,
                ["97120"],
            ),
        ),
        (
            [
                "971-24-004",
                "SEMAG",
                "Requalification de la friche de l'ancienne usine Darboussier",
                "Pointe-à-Pitre",
                5600000,
                "",
                1120000,
                1680000,
                1120000,
                1680000,
                "2025",
                "2027",
            ],
            A(
                "Requalification de la friche de l'ancienne usine Darboussier",
                [Body("SEMAG")],
                5600000,
                [
                    L("État", 1120000, scheme="DSIL", column="DSIL"),
                    L("État", 1680000, scheme="Fonds vert", column="Fonds vert"),
                    L("Région Guadeloupe", 1120000, column="Région"),
                    own(Body("SEMAG"), 1680000, column="Part restant à charge du porteur"),
                ],
                2025,
                2027,
                ["97120"],
            ),
        ),
        (
            [
                "971-24-005",
                "Ville de Baie-Mahault",
                "Installation de centrales photovoltaïques sur les toitures des bâtiments communaux",
                "Baie-Mahault",
                780000,
                "",
                "",
                390000,
                156000,
                234000,
                "2024",
                "2024",
            ],
            A(
                "Installation de centrales photovoltaïques sur les toitures des bâtiments communaux",
                [baie_mahault],
                780000,
                [
                    L("État", 390000, scheme="Fonds vert", column="Fonds vert"),
                    L("Région Guadeloupe", 156000, column="Région"),
                    own(baie_mahault, 234000, column="Part restant à charge du porteur"),
                ],
                2024,
                2024,
                ["97103"],
            ),
        ),
        (
            [
                "971-24-006",
                "CA Cap Excellence",
                "Schéma directeur d'alimentation en eau potable",
                "Les Abymes, Baie-Mahault, Pointe-à-Pitre",
                450000,
                135000,
                "",
                "",
                135000,
                180000,
                "2024",
                "2025",
            ],
            A(
                "Schéma directeur d'alimentation en eau potable",
                [capex],
                450000,
                [
                    L("État", 135000, scheme="DETR", column="DETR"),
                    L("Région Guadeloupe", 135000, column="Région"),
                    own(capex, 180000, column="Part restant à charge du porteur"),
                ],
                2024,
                2025,
                ["97101", "97103", "97120"],
            ),
        ),
        (["TOTAL", "", "", "", 13660000.5, 1209000, 2420000, 3016000, 2695000, 4320000.5, "", ""], None),
    ],
    first_row=6,
)


def write_971(path):
    top = [
        ["PRÉFECTURE DE LA RÉGION GUADELOUPE"],
        ["Contrat pour la réussite de la transition écologique — Cap Excellence"],
        ["Programmation des opérations 2024 (état au 12/03/2024)"],
        [],
        HEAD_971,
    ]
    write_xlsx(path, [("Programmation 2024", top + rows_971, ["A1:L1", "A2:L2", "A3:L3"])])


table_file(
    "971-cap-excellence-prefecture.xlsx",
    "xlsx",
    "préfecture programming sheet: title rows, « Réf. », « Objet de l'opération », « Lieu », « Enveloppe "
    "prévisionnelle (€ HT) », one column per scheme, « Part restant à charge du porteur », « Démarrage » / "
    "« Achèvement », TOTAL row",
    CAPEX,
    truth_971,
    {
        "title": "Objet de l'opération",
        "owners": "Porteur",
        "amount": "Enveloppe prévisionnelle (€ HT)",
        "start_year": "Démarrage",
        "end_year": "Achèvement",
        "communes": "Lieu",
    },
    write_971,
)

# 2. La Réunion: CSV cp1252 « ; », free-text « Plan de financement », section rows ----------------

CINOR = "249740119"
st_denis, ste_marie_re, ste_suzanne = (
    Body("Saint-Denis", "219740115"),
    Body("Sainte-Marie", "219740180"),
    Body("Sainte-Suzanne", "219740206"),
)
cinor = Body("CA Intercommunale du Nord de la Réunion (CINOR)", CINOR)
PF = "Plan de financement"
rows_cinor, truth_cinor = with_rows(
    [
        (["N°", "Maître d'ouvrage", "Intitulé", "Commune", "Coût total HT", PF, "Calendrier"], None),
        (["AXE 1 - SOBRIÉTÉ ÉNERGÉTIQUE ET ÉNERGIES RENOUVELABLES", "", "", "", "", "", ""], None),
        (
            [
                "1.1",
                "Ville de Saint-Denis",
                "Rénovation thermique de la médiathèque François-Mitterrand",
                "Saint-Denis",
                "1 500 000 €",
                "Région 300 000 €, DSIL 450 000 €, autofinancement 50 %",
                "2024-2025",
            ],
            A(
                "Rénovation thermique de la médiathèque François-Mitterrand",
                [st_denis],
                1500000,
                in_column(
                    [
                        L("Région La Réunion", 300000),
                        L("État", 450000, scheme="DSIL"),
                        own(st_denis, rate="0.5"),
                    ],
                    PF,
                ),
                2024,
                2025,
                ["97411"],
            ),
        ),
        (
            [
                "1.2",
                "CINOR",
                "Déploiement de l'éclairage public LED sur les zones d'activités",
                "Sainte-Marie, Sainte-Suzanne",
                "620 000 €",
                "Fonds vert 248 000 € ; CINOR 372 000 €",
                "2024",
            ],
            A(
                "Déploiement de l'éclairage public LED sur les zones d'activités",
                [cinor],
                620000,
                in_column([L("État", 248000, scheme="Fonds vert"), own(cinor, 372000)], PF),
                2024,
                None,
                ["97418", "97420"],
            ),
        ),
        (["AXE 2 - EAU ET BIODIVERSITÉ", "", "", "", "", "", ""], None),
        (
            [
                "2.1",
                "Ville de Sainte-Suzanne",
                "Création d'une station de traitement des eaux pluviales au quartier Bellevue",
                "Sainte-Suzanne",
                "2 350 000 €",
                "DETR 705 000 €, Office de l'eau 470 000 €, Département 470 000 €, autofinancement 20 %",
                "2025-2027",
            ],
            A(
                "Création d'une station de traitement des eaux pluviales au quartier Bellevue",
                [ste_suzanne],
                2350000,
                in_column(
                    [
                        L("État", 705000, scheme="DETR"),
                        L("Office de l'eau Réunion", 470000),
                        L("Département de La Réunion", 470000),
                        own(ste_suzanne, rate="0.2"),
                    ],
                    PF,
                ),
                2025,
                2027,
                ["97420"],
            ),
        ),
        (
            [
                "2.2",
                "CINOR",
                "Restauration écologique de la ravine du Butor",
                "Saint-Denis",
                "890 000 €",
                "FEDER 534 000 € – Région 178 000 € – CINOR 178 000 €",
                "2024-2026",
            ],
            A(
                "Restauration écologique de la ravine du Butor",
                [cinor],
                890000,
                in_column(
                    [
                        L("Fonds européen de développement régional", 534000),
                        L("Région La Réunion", 178000),
                        own(cinor, 178000),
                    ],
                    PF,
                ),
                2024,
                2026,
                ["97411"],
            ),
        ),
        (["AXE 3 - MOBILITÉS", "", "", "", "", "", ""], None),
        (
            [
                "3.1",
                "Ville de Sainte-Marie",
                "Aménagement d'une voie cyclable le long de la RN2 (Quartier Français – La Convenance)",
                "Sainte-Marie",
                "1 180 000 €",
                "Plan vélo (État) 354 000 €, Région 236 000 €, commune 590 000 €",
                "2025",
            ],
            A(
                "Aménagement d'une voie cyclable le long de la RN2 (Quartier Français – La Convenance)",
                [ste_marie_re],
                1180000,
                in_column(
                    [
                        L("État", 354000, scheme="Plan vélo"),
                        L("Région La Réunion", 236000),
                        own(ste_marie_re, 590000),
                    ],
                    PF,
                ),
                2025,
                None,
                ["97418"],
            ),
        ),
        (
            [
                "3.2",
                "CINOR",
                "Étude de faisabilité d'un téléphérique urbain Sainte-Marie – Saint-Denis",
                "Saint-Denis, Sainte-Marie",
                "350 000 €",
                "Banque des Territoires 50 %, CINOR 50 %",
                "2024",
            ],
            A(
                "Étude de faisabilité d'un téléphérique urbain Sainte-Marie – Saint-Denis",
                [cinor],
                350000,
                in_column([L("Banque des Territoires", rate="0.5"), own(cinor, rate="0.5")], PF),
                2024,
                None,
                ["97411", "97418"],
            ),
        ),
    ],
    first_row=1,
)
table_file(
    "974-cinor-plan-de-financement.csv",
    "csv",
    "CSV in Windows-1252 with « ; », orientation rows (one cell), the financing plan as free text in one column "
    "(« Région 300 000 €, DSIL 450 000 €, autofinancement 50 % »)",
    CINOR,
    truth_cinor,
    {
        "title": "Intitulé",
        "owners": "Maître d'ouvrage",
        "amount": "Coût total HT",
        "start_year": "Calendrier",
        "end_year": "Calendrier",
        "communes": "Commune",
    },
    lambda path: write_csv(path, rows_cinor, delimiter=";", encoding="cp1252"),
)

# 3. Guyane: ODS, merged two-row header (« Financements » over four bodies), total row --------------

CACL = "249730045"
cacl = Body("CA du Centre Littoral", CACL)
remire, roura, macouria = (
    Body("Remire-Montjoly", "219733094"),
    Body("Roura", "219733102"),
    Body("Macouria", "219733052"),
)
rows_cacl, truth_cacl = with_rows(
    [
        (
            [
                "Construction d'un pôle d'échanges multimodal à Matoury",
                "CACL",
                "Matoury",
                4200000,
                840000,
                1260000,
                1680000,
                420000,
                2025,
            ],
            A(
                "Construction d'un pôle d'échanges multimodal à Matoury",
                [cacl],
                4200000,
                [
                    L("Collectivité territoriale de Guyane", 840000, column="CTG"),
                    L("État", 1260000, column="État"),
                    L("Fonds européen de développement régional", 1680000, column="FEDER"),
                    own(cacl, 420000, column="Autofinancement"),
                ],
                2025,
                None,
                ["97307"],
            ),
        ),
        (
            [
                "Extension du réseau d'assainissement collectif de Rémire-Montjoly",
                "Commune de Remire-Montjoly",
                "Remire-Montjoly",
                2750000,
                "",
                825000,
                1375000,
                550000,
                2024,
            ],
            A(
                "Extension du réseau d'assainissement collectif de Rémire-Montjoly",
                [remire],
                2750000,
                [
                    L("État", 825000, column="État"),
                    L("Fonds européen de développement régional", 1375000, column="FEDER"),
                    own(remire, 550000, column="Autofinancement"),
                ],
                2024,
                None,
                ["97309"],
            ),
        ),
        (
            [
                "Réhabilitation de la digue du bourg de Roura",
                "Commune de Roura",
                "Roura",
                960000,
                288000,
                "384 000 (Fonds Barnier)",
                "",
                288000,
                2024,
            ],
            A(
                "Réhabilitation de la digue du bourg de Roura",
                [roura],
                960000,
                [
                    L("Collectivité territoriale de Guyane", 288000, column="CTG"),
                    L("État", 384000, scheme="Fonds Barnier", column="État"),
                    own(roura, 288000, column="Autofinancement"),
                ],
                2024,
                None,
                ["97310"],
            ),
        ),
        (
            [
                "Création d'une ressourcerie communautaire",
                "CACL",
                "Cayenne",
                1100000,
                220000,
                330000,
                440000,
                110000,
                "2024-2025",
            ],
            A(
                "Création d'une ressourcerie communautaire",
                [cacl],
                1100000,
                [
                    L("Collectivité territoriale de Guyane", 220000, column="CTG"),
                    L("État", 330000, column="État"),
                    L("Fonds européen de développement régional", 440000, column="FEDER"),
                    own(cacl, 110000, column="Autofinancement"),
                ],
                2024,
                2025,
                ["97302"],
            ),
        ),
        (
            [
                "Installation de bornes de recharge pour véhicules électriques",
                "Commune de Macouria",
                "Macouria",
                340000,
                68000,
                102000,
                "",
                170000,
                2024,
            ],
            A(
                "Installation de bornes de recharge pour véhicules électriques",
                [macouria],
                340000,
                [
                    L("Collectivité territoriale de Guyane", 68000, column="CTG"),
                    L("État", 102000, column="État"),
                    own(macouria, 170000, column="Autofinancement"),
                ],
                2024,
                None,
                ["97305"],
            ),
        ),
        (["Total général", "", "", 9350000, 1416000, 2901000, 3495000, 1538000, ""], None),
    ],
    first_row=4,
)


def write_cacl(path):
    title = [["CRTE CACL — Programmation pluriannuelle 2024-2026", "", "", "", "", "", "", "", ""]]
    head = [
        ["Opération", "Maître d'ouvrage", "Commune", "Coût HT", "Financements", "", "", "", "Année"],
        ["", "", "", "", "CTG", "État", "FEDER", "Autofinancement", ""],
    ]
    spans = {
        (0, 0): (1, 9),
        (1, 0): (2, 1),
        (1, 1): (2, 1),
        (1, 2): (2, 1),
        (1, 3): (2, 1),
        (1, 4): (1, 4),
        (1, 8): (2, 1),
    }
    write_ods(path, [("CRTE", title + head + rows_cacl, spans)])


table_file(
    "973-cacl-entete-fusionnee.ods",
    "ods",
    "OpenDocument sheet, a header on two rows: « Financements » merged over CTG / État / FEDER / Autofinancement, "
    "the other titles merged vertically; figures as numbers, a scheme written in a cell, « Total général »",
    CACL,
    truth_cacl,
    {
        "title": "Opération",
        "owners": "Maître d'ouvrage",
        "amount": "Coût HT",
        "start_year": "Année",
        "end_year": "Année",
        "communes": "Commune",
    },
    write_cacl,
)

# 4. Mayotte: CSV comma-separated, decimal points, « Etat » / « Departement » / « FEDER » -----------

CADEMA = "200060457"
mamoudzou, dembeni = Body("Mamoudzou", "200008837"), Body("Dembeni", "200008787")
cadema = Body("CA de Dembeni / Mamoudzou", CADEMA)
rows_cadema, truth_cadema = with_rows(
    [
        (["Projet", "Porteur", "Montant HT (EUR)", "Etat", "Departement", "FEDER", "Debut", "Fin"], None),
        (
            [
                "Aménagement de la voirie d'accès au quartier de Kawéni",
                "Commune de Mamoudzou",
                "1850000.00",
                "555000.00",
                "370000.00",
                "740000.00",
                "2024",
                "2025",
            ],
            A(
                "Aménagement de la voirie d'accès au quartier de Kawéni",
                [mamoudzou],
                1850000,
                [
                    L("État", 555000, column="Etat"),
                    L("Département de Mayotte", 370000, column="Departement"),
                    L("Fonds européen de développement régional", 740000, column="FEDER"),
                ],
                2024,
                2025,
            ),
        ),
        (
            [
                "Renforcement du réseau d'eau potable de Dembeni (Tsararano - Ongojou)",
                "SMEAM (Les Eaux de Mayotte)",
                "3120000.50",
                "936000.00",
                "",
                "1872000.00",
                "2024",
                "2026",
            ],
            A(
                "Renforcement du réseau d'eau potable de Dembeni (Tsararano - Ongojou)",
                [Body("SMEAM (Les Eaux de Mayotte)")],
                "3120000.50",
                [
                    L("État", 936000, column="Etat"),
                    L("Fonds européen de développement régional", 1872000, column="FEDER"),
                ],
                2024,
                2026,
            ),
        ),
        (
            [
                "Création d'un parc urbain à Cavani",
                "Commune de Mamoudzou",
                "975000.00",
                "292500.00",
                "195000.00",
                "",
                "2025",
                "2026",
            ],
            A(
                "Création d'un parc urbain à Cavani",
                [mamoudzou],
                975000,
                [L("État", 292500, column="Etat"), L("Département de Mayotte", 195000, column="Departement")],
                2025,
                2026,
            ),
        ),
        (
            [
                "Construction d'une cuisine centrale pour la restauration scolaire",
                "CADEMA",
                "2400000.00",
                "720000.00",
                "480000.00",
                "960000.00",
                "2024",
                "2026",
            ],
            A(
                "Construction d'une cuisine centrale pour la restauration scolaire",
                [cadema],
                2400000,
                [
                    L("État", 720000, column="Etat"),
                    L("Département de Mayotte", 480000, column="Departement"),
                    L("Fonds européen de développement régional", 960000, column="FEDER"),
                ],
                2024,
                2026,
            ),
        ),
        (
            [
                "Éclairage public solaire des villages de Dembeni",
                "Commune de Dembeni",
                "410000.00",
                "205000.00",
                "",
                "",
                "2024",
                "",
            ],
            A(
                "Éclairage public solaire des villages de Dembeni",
                [dembeni],
                410000,
                [L("État", 205000, column="Etat")],
                2024,
            ),
        ),
    ],
    first_row=1,
)
table_file(
    "976-cadema-virgules.csv",
    "csv",
    "CSV in UTF-8 with « , », figures with a decimal point (« 3120000.50 »), columns named by a body without "
    "accents (« Etat », « Departement »), « Debut » / « Fin »",
    CADEMA,
    truth_cadema,
    {
        "title": "Projet",
        "owners": "Porteur",
        "amount": "Montant HT (EUR)",
        "start_year": "Debut",
        "end_year": "Fin",
    },
    lambda path: write_csv(path, rows_cadema, delimiter=",", encoding="utf-8"),
)

# 5. La Réunion: one row per financing line (long format), the action on its first row only ----------

TCO = "249740101"
tco = Body("CA Territoire de la Côte Ouest (TCO)", TCO)
st_leu, possession = Body("Saint-Leu", "219740131"), Body("La Possession", "219740081")
LONG = ["Financeur", "Dispositif", "Montant sollicité", "Taux"]


def long_line(funder, amount, rate=None, scheme=""):
    return L(funder, amount, rate, scheme=scheme, column="Financeur")


tco_actions = [
    (
        ("Réhabilitation du front de mer de Saint-Leu", "Ville de Saint-Leu", 2600000),
        [
            ("État", "DSIL", 780000, 0.30, "sollicité"),
            ("Région Réunion", "", 520000, 0.20, "en cours d'instruction"),
            ("FEDER", "", 780000, 0.30, "accordé"),
            ("Ville de Saint-Leu", "Autofinancement", 520000, 0.20, ""),
        ],
        A(
            "Réhabilitation du front de mer de Saint-Leu",
            [st_leu],
            2600000,
            [
                long_line("État", 780000, "0.3", "DSIL"),
                long_line("Région La Réunion", 520000, "0.2"),
                long_line("Fonds européen de développement régional", 780000, "0.3"),
                long_line(st_leu, 520000, "0.2"),
            ],
        ),
    ),
    (
        ("Création de la déchèterie de Cambaie", "TCO", 1950000),
        [
            ("État", "Fonds vert", 585000, 0.30, "sollicité"),
            ("Département", "", 390000, 0.20, "sollicité"),
            ("TCO", "Autofinancement", 975000, 0.50, ""),
        ],
        A(
            "Création de la déchèterie de Cambaie",
            [tco],
            1950000,
            [
                long_line("État", 585000, "0.3", "Fonds vert"),
                long_line("Département de La Réunion", 390000, "0.2"),
                long_line(tco, 975000, "0.5"),
            ],
        ),
    ),
    (
        (
            "Programme de rénovation énergétique des écoles de La Possession",
            "Commune de La Possession",
            3400000,
        ),
        [
            ("État", "DETR", 1020000, 0.30, "accordé"),
            ("Région Réunion", "", 680000, 0.20, "sollicité"),
            ("Commune de La Possession", "Autofinancement", 1700000, 0.50, ""),
        ],
        A(
            "Programme de rénovation énergétique des écoles de La Possession",
            [possession],
            3400000,
            [
                long_line("État", 1020000, "0.3", "DETR"),
                long_line("Région La Réunion", 680000, "0.2"),
                long_line(possession, 1700000, "0.5"),
            ],
        ),
    ),
    (
        ("Sentier littoral Ouest – section Le Port / La Possession", "TCO", 1200000),
        [
            ("Conservatoire du littoral", "", 240000, 0.20, "sollicité"),
            ("État", "FNADT", 360000, 0.30, "sollicité"),
            ("TCO", "Autofinancement", 600000, 0.50, ""),
        ],
        A(
            "Sentier littoral Ouest – section Le Port / La Possession",
            [tco],
            1200000,
            [
                long_line("Conservatoire du littoral", 240000, "0.2"),
                long_line("État", 360000, "0.3", "FNADT"),
                long_line(tco, 600000, "0.5"),
            ],
        ),
    ),
]
rows_tco = [["Opération", "Maître d'ouvrage", "Coût total HT", *LONG, "Statut"]]
truth_tco = []
for (title, owner_text, cost), lines, truth in tco_actions:
    truth["row"] = len(rows_tco) + 1
    truth["rows"] = list(range(len(rows_tco) + 1, len(rows_tco) + 1 + len(lines)))
    for index, (funder, scheme, amount, rate, status) in enumerate(lines):
        head = [title, owner_text, cost] if index == 0 else ["", "", ""]
        rows_tco.append([*head, funder, scheme, amount, rate, status])
        truth["lines"][index]["row"] = len(rows_tco)
    truth_tco.append(truth)
table_file(
    "974-tco-lignes-de-financement.xlsx",
    "xlsx",
    "one row per financing line (« Financeur », « Dispositif », « Montant sollicité », « Taux », « Statut »), the "
    "action written on its first row only",
    TCO,
    truth_tco,
    {"title": "Opération", "owners": "Maître d'ouvrage", "amount": "Coût total HT"},
    lambda path: write_xlsx(path, [("Plan de financement", rows_tco, [])]),
)

# 6. Guyane: CSV cp1252 with tabs, « 1 200 000,00 € » with non-breaking spaces, TOTAL line -------------

CCOG = "249730037"
ccog = Body("CC de l'Ouest Guyanais", CCOG)
slm, grand_santi = Body("Saint-Laurent-du-Maroni", "219733110"), Body("Grand-Santi", "219733573")
apatou, awala = Body("Apatou", "219733607"), Body("Awala-Yalimapo", "219733615")
NB = "\u00a0"


def eur(text: str) -> str:
    return text.replace(" ", NB) + NB + "€"


rows_ccog, truth_ccog = with_rows(
    [
        (
            [
                "Intitulé du projet",
                "Porteur de projet",
                "Localisation",
                "Coût prévisionnel",
                "Etat",
                "CTG",
                "Europe (FEDER)",
                "Année de démarrage",
                "Année de fin",
            ],
            None,
        ),
        (
            [
                "Construction du marché couvert de Saint-Laurent-du-Maroni",
                "Commune de Saint-Laurent-du-Maroni",
                "Saint-Laurent-du-Maroni",
                eur("3 800 000,00"),
                eur("1 140 000,00"),
                eur("760 000,00"),
                eur("1 520 000,00"),
                "2024",
                "2026",
            ],
            A(
                "Construction du marché couvert de Saint-Laurent-du-Maroni",
                [slm],
                3800000,
                [
                    L("État", 1140000, column="Etat"),
                    L("Collectivité territoriale de Guyane", 760000, column="CTG"),
                    L("Fonds européen de développement régional", 1520000, column="Europe (FEDER)"),
                ],
                2024,
                2026,
                ["97311"],
            ),
        ),
        (
            [
                "Électrification photovoltaïque du bourg de Grand-Santi",
                "Commune de Grand-Santi",
                "Grand-Santi",
                eur("1 450 000,00"),
                eur("435 000,00"),
                "",
                eur("1 015 000,00"),
                "2025",
                "2026",
            ],
            A(
                "Électrification photovoltaïque du bourg de Grand-Santi",
                [grand_santi],
                1450000,
                [
                    L("État", 435000, column="Etat"),
                    L("Fonds européen de développement régional", 1015000, column="Europe (FEDER)"),
                ],
                2025,
                2026,
                ["97357"],
            ),
        ),
        (
            [
                "Aménagement de l'appontement fluvial de Maripasoula",
                "CCOG",
                "Maripasoula",
                eur("920 000,00"),
                eur("276 000,00") + " (FNADT)",
                eur("184 000,00"),
                eur("460 000,00"),
                "2024",
                "2025",
            ],
            A(
                "Aménagement de l'appontement fluvial de Maripasoula",
                [ccog],
                920000,
                [
                    L("État", 276000, scheme="FNADT", column="Etat"),
                    L("Collectivité territoriale de Guyane", 184000, column="CTG"),
                    L("Fonds européen de développement régional", 460000, column="Europe (FEDER)"),
                ],
                2024,
                2025,
                ["97353"],
            ),
        ),
        (
            [
                "Création d'une unité de potabilisation à Apatou",
                "Commune d'Apatou",
                "Apatou",
                eur("2 100 000,00"),
                eur("630 000,00"),
                eur("420 000,00"),
                eur("840 000,00"),
                "2025",
                "2027",
            ],
            A(
                "Création d'une unité de potabilisation à Apatou",
                [apatou],
                2100000,
                [
                    L("État", 630000, column="Etat"),
                    L("Collectivité territoriale de Guyane", 420000, column="CTG"),
                    L("Fonds européen de développement régional", 840000, column="Europe (FEDER)"),
                ],
                2025,
                2027,
                ["97360"],
            ),
        ),
        (
            [
                "Réhabilitation de la maison de la nature d'Awala-Yalimapo",
                "Commune d'Awala-Yalimapo",
                "Awala-Yalimapo",
                eur("380 000,00"),
                "",
                eur("114 000,00"),
                eur("190 000,00"),
                "2024",
                "2024",
            ],
            A(
                "Réhabilitation de la maison de la nature d'Awala-Yalimapo",
                [awala],
                380000,
                [
                    L("Collectivité territoriale de Guyane", 114000, column="CTG"),
                    L("Fonds européen de développement régional", 190000, column="Europe (FEDER)"),
                ],
                2024,
                2024,
                ["97361"],
            ),
        ),
        (
            [
                "TOTAL",
                "",
                "",
                eur("8 650 000,00"),
                eur("2 481 000,00"),
                eur("1 478 000,00"),
                eur("4 025 000,00"),
                "",
                "",
            ],
            None,
        ),
    ],
    first_row=1,
)
table_file(
    "973-ccog-tabulations.csv",
    "csv",
    "CSV in Windows-1252 separated by tabs, amounts « 1 200 000,00 € » with non-breaking spaces, « Europe (FEDER) », "
    "« Année de démarrage » / « Année de fin », TOTAL line",
    CCOG,
    truth_ccog,
    {
        "title": "Intitulé du projet",
        "owners": "Porteur de projet",
        "amount": "Coût prévisionnel",
        "start_year": "Année de démarrage",
        "end_year": "Année de fin",
        "communes": "Localisation",
    },
    lambda path: write_csv(path, rows_ccog, delimiter="\t", encoding="cp1252"),
)

# 7. Bretagne: XLSX, orientations as merged rows spanning the table, sous-totaux, body columns -------

LANDERNEAU = "242900801"
cald = Body("CA du Pays de Landerneau-Daoulas", LANDERNEAU)
landerneau, loperhet = Body("Landerneau", "212901037"), Body("Loperhet", "212901409")
logonna = Body("Logonna-Daoulas", "212901375")
BODIES_29 = {
    "Région": "Région Bretagne",
    "Département": "Département du Finistère",
    "État": "État",
    "Europe": "Union européenne",
}


def body_lines(values: dict, **schemes) -> list[dict]:
    """{column: amount} for columns titled by a body alone."""
    out = []
    for column, amount in values.items():
        if amount in ("", None):
            continue
        out.append(L(BODIES_29[column], amount, scheme=schemes.get(column, ""), column=column))
    return out


rows_29, truth_29 = with_rows(
    [
        (["ORIENTATION 1 — SOBRIÉTÉ FONCIÈRE ET REVITALISATION DES CENTRES"] + [""] * 9, None),
        (
            [
                "1.1",
                "Réhabilitation de l'îlot de la Gare en logements et commerces",
                "Ville de Landerneau",
                "Landerneau",
                2900000,
                400000,
                250000,
                "580 000 € Fonds vert",
                "",
                "2024-2026",
            ],
            A(
                "Réhabilitation de l'îlot de la Gare en logements et commerces",
                [landerneau],
                2900000,
                body_lines({"Région": 400000, "Département": 250000, "État": 580000}, État="Fonds vert"),
                2024,
                2026,
                ["29103"],
            ),
        ),
        (
            [
                "1.2",
                "Revitalisation du centre-bourg de Loperhet : halle et place publique",
                "Commune de Loperhet",
                "Loperhet",
                1350000,
                270000,
                135000,
                337500,
                "",
                "2025",
            ],
            A(
                "Revitalisation du centre-bourg de Loperhet : halle et place publique",
                [loperhet],
                1350000,
                body_lines({"Région": 270000, "Département": 135000, "État": 337500}),
                2025,
                None,
                ["29140"],
            ),
        ),
        (["", "Sous-total orientation 1", "", "", 4250000, 670000, 385000, 917500, "", ""], None),
        (["ORIENTATION 2 — MOBILITÉS DU QUOTIDIEN"] + [""] * 9, None),
        (
            [
                "2.1",
                "Liaison cyclable Dirinon – Landerneau",
                "CA du Pays de Landerneau-Daoulas",
                "Dirinon, Landerneau",
                1600000,
                320000,
                160000,
                480000,
                "",
                "2024-2025",
            ],
            A(
                "Liaison cyclable Dirinon – Landerneau",
                [cald],
                1600000,
                body_lines({"Région": 320000, "Département": 160000, "État": 480000}),
                2024,
                2025,
                ["29045", "29103"],
            ),
        ),
        (
            [
                "2.2",
                "Pôle d'échanges multimodal de la gare de Landerneau",
                "CA du Pays de Landerneau-Daoulas",
                "Landerneau",
                4500000,
                900000,
                "",
                1125000,
                900000,
                "2025-2027",
            ],
            A(
                "Pôle d'échanges multimodal de la gare de Landerneau",
                [cald],
                4500000,
                body_lines({"Région": 900000, "État": 1125000, "Europe": 900000}),
                2025,
                2027,
                ["29103"],
            ),
        ),
        (["", "Sous-total orientation 2", "", "", 6100000, 1220000, 160000, 1605000, 900000, ""], None),
        (["ORIENTATION 3 — EAU ET LITTORAL"] + [""] * 9, None),
        (
            [
                "3.1",
                "Restauration des zones humides de la vallée de l'Élorn",
                "CA du Pays de Landerneau-Daoulas",
                "Plouédern",
                540000,
                108000,
                54000,
                "",
                "",
                "2024-2026",
            ],
            A(
                "Restauration des zones humides de la vallée de l'Élorn",
                [cald],
                540000,
                body_lines({"Région": 108000, "Département": 54000}),
                2024,
                2026,
                ["29181"],
            ),
        ),
        (
            [
                "3.2",
                "Sécurisation de l'alimentation en eau potable de Logonna-Daoulas",
                "Commune de Logonna-Daoulas",
                "Logonna-Daoulas",
                780000,
                "",
                156000,
                234000,
                "",
                "2026",
            ],
            A(
                "Sécurisation de l'alimentation en eau potable de Logonna-Daoulas",
                [logonna],
                780000,
                body_lines({"Département": 156000, "État": 234000}),
                2026,
                None,
                ["29137"],
            ),
        ),
        (["", "Sous-total orientation 3", "", "", 1320000, 108000, 210000, 234000, "", ""], None),
        (["", "TOTAL GÉNÉRAL", "", "", 11670000, 1998000, 755000, 2756500, 900000, ""], None),
    ],
    first_row=4,
)


def write_29(path):
    head = [
        ["CRTE du Pays de Landerneau-Daoulas — Tableau de programmation 2024-2026"],
        [],
        [
            "N°",
            "Intitulé de l'action",
            "Maître d'ouvrage",
            "Commune",
            "Coût HT (€)",
            "Région",
            "Département",
            "État",
            "Europe",
            "Calendrier",
        ],
    ]
    merges = ["A1:J1"] + [
        f"A{4 + i}:J{4 + i}" for i, row in enumerate(rows_29) if row[0].startswith("ORIENTATION")
    ]
    write_xlsx(path, [("Programmation", head + rows_29, merges)])


table_file(
    "29-landerneau-daoulas-orientations.xlsx",
    "xlsx",
    "orientations as rows merged across the whole table, « Sous-total orientation N » and « TOTAL GÉNÉRAL » rows, "
    "columns titled by a body alone (« Région », « Département », « État », « Europe »), a scheme written in a cell",
    LANDERNEAU,
    truth_29,
    {
        "title": "Intitulé de l'action",
        "owners": "Maître d'ouvrage",
        "amount": "Coût HT (€)",
        "start_year": "Calendrier",
        "end_year": "Calendrier",
        "communes": "Commune",
    },
    write_29,
)

# 8. Occitanie: XLSX in thousands of euros (« (k€) » in the titles) ----------------------------------

LODEVOIS = "200017341"
ccll = Body("CC Lodévois et Larzac", LODEVOIS)
lodeve = Body("Lodève", "213401425")
K = Decimal(1000)


def k(value) -> Decimal:
    return Decimal(str(value)) * K


def lines_34(region, departement, etat):
    out = []
    for funder, value, column in (
        ("Région Occitanie", region, "Région (k€)"),
        ("Département de l'Hérault", departement, "Département (k€)"),
        ("État", etat, "État (k€)"),
    ):
        if value != "":
            out.append(L(funder, k(value), column=column))
    return out


rows_34, truth_34 = with_rows(
    [
        (
            [
                "Énergie",
                "Chaufferie bois et réseau de chaleur du centre-ville de Lodève",
                "Commune de Lodève",
                "Lodève",
                1850,
                370,
                185,
                555,
                "2024-2026",
            ],
            A(
                "Chaufferie bois et réseau de chaleur du centre-ville de Lodève",
                [lodeve],
                k(1850),
                lines_34(370, 185, 555),
                2024,
                2026,
                ["34142"],
            ),
        ),
        (
            [
                "Tourisme durable",
                "Aménagement de l'aire de services du Caylar (A75)",
                "CC Lodévois et Larzac",
                "Le Caylar",
                640.5,
                128.1,
                64.05,
                192.15,
                "2025",
            ],
            A(
                "Aménagement de l'aire de services du Caylar (A75)",
                [ccll],
                k("640.5"),
                lines_34("128.1", "64.05", "192.15"),
                2025,
                None,
                ["34064"],
            ),
        ),
        (
            [
                "Eau",
                "Sécurisation de la ressource en eau du plateau du Larzac",
                "CC Lodévois et Larzac",
                "Le Caylar",
                2300,
                "",
                460,
                920,
                "2024-2027",
            ],
            A(
                "Sécurisation de la ressource en eau du plateau du Larzac",
                [ccll],
                k(2300),
                lines_34("", 460, 920),
                2024,
                2027,
                ["34064"],
            ),
        ),
        (
            [
                "Mobilités",
                "Navette électrique Lodève – Soubès",
                "CC Lodévois et Larzac",
                "Lodève, Soubès",
                420,
                84,
                "",
                126,
                "2025-2026",
            ],
            A(
                "Navette électrique Lodève – Soubès",
                [ccll],
                k(420),
                lines_34(84, "", 126),
                2025,
                2026,
                ["34142", "34304"],
            ),
        ),
        (
            [
                "Culture",
                "Rénovation énergétique du musée de Lodève",
                "Commune de Lodève",
                "Lodève",
                2750,
                550,
                275,
                825,
                "2024-2025",
            ],
            A(
                "Rénovation énergétique du musée de Lodève",
                [lodeve],
                k(2750),
                lines_34(550, 275, 825),
                2024,
                2025,
                ["34142"],
            ),
        ),
    ],
    first_row=3,
)
table_file(
    "34-lodevois-larzac-keuros.xlsx",
    "xlsx",
    "figures in thousands of euros, said only in the titles (« Coût total (k€) », « Région (k€) »), decimals "
    "(« 640,5 »), a theme column",
    LODEVOIS,
    truth_34,
    {
        "title": "Projet",
        "owners": "Porteur",
        "amount": "Coût total (k€)",
        "start_year": "Calendrier",
        "end_year": "Calendrier",
        "communes": "Lieu",
    },
    lambda path: write_xlsx(
        path,
        [
            (
                "CRTE",
                [
                    ["Programme d'actions CRTE Lodévois et Larzac — montants en milliers d'euros (k€)"],
                    [
                        "Thème",
                        "Projet",
                        "Porteur",
                        "Lieu",
                        "Coût total (k€)",
                        "Région (k€)",
                        "Département (k€)",
                        "État (k€)",
                        "Calendrier",
                    ],
                    *rows_34,
                ],
                [],
            )
        ],
    ),
)

# 9. Alsace: an open-data export, snake_case, UTF-8 with BOM, SIREN of the owner ---------------------

KOCHERSBERG = "200034635"
cck = Body("CC du Kochersberg", KOCHERSBERG)
truchtersheim, berstett, schnersheim = (
    Body("Truchtersheim", "200057321"),
    Body("Berstett", "216700344"),
    Body("Schnersheim", "216704528"),
)


def lines_67(etat, dispositif, region, cea):
    out = []
    if etat != "":
        out.append(L("État", etat, scheme=dispositif, column="montant_etat"))
    if region != "":
        out.append(L("Région Grand Est", region, column="montant_region"))
    if cea != "":
        out.append(L("Collectivité européenne d'Alsace", cea, column="montant_cea"))
    return out


rows_67, truth_67 = with_rows(
    [
        (
            [
                "id_action",
                "libelle_action",
                "porteur_siren",
                "porteur_nom",
                "code_insee",
                "cout_total_ht",
                "montant_etat",
                "dispositif_etat",
                "montant_region",
                "montant_cea",
                "annee_debut",
                "annee_fin",
            ],
            None,
        ),
        (
            [
                "KOC-2024-01",
                "Extension du périscolaire de Truchtersheim",
                "200057321",
                "COMMUNE DE TRUCHTERSHEIM",
                "67495",
                "1750000",
                "350000",
                "DETR",
                "262500",
                "175000",
                "2024",
                "2025",
            ],
            A(
                "Extension du périscolaire de Truchtersheim",
                [truchtersheim],
                1750000,
                lines_67(350000, "DETR", 262500, 175000),
                2024,
                2025,
                ["67495"],
            ),
        ),
        (
            [
                "KOC-2024-02",
                "Piste cyclable Ittenheim - Furdenheim",
                KOCHERSBERG,
                "CC DU KOCHERSBERG",
                "67226;67150",
                "980000",
                "294000",
                "DSIL",
                "196000",
                "98000",
                "2024",
                "2025",
            ],
            A(
                "Piste cyclable Ittenheim - Furdenheim",
                [cck],
                980000,
                lines_67(294000, "DSIL", 196000, 98000),
                2024,
                2025,
                ["67226", "67150"],
            ),
        ),
        (
            [
                "KOC-2024-03",
                "Rénovation thermique de la salle polyvalente de Berstett",
                "216700344",
                "COMMUNE DE BERSTETT",
                "67034",
                "620000",
                "186000",
                "DSIL",
                "",
                "93000",
                "2025",
                "2025",
            ],
            A(
                "Rénovation thermique de la salle polyvalente de Berstett",
                [berstett],
                620000,
                lines_67(186000, "DSIL", "", 93000),
                2025,
                2025,
                ["67034"],
            ),
        ),
        (
            [
                "KOC-2024-04",
                "Création d'un verger conservatoire à Schnersheim",
                "216704528",
                "COMMUNE DE SCHNERSHEIM",
                "67452",
                "85000",
                "",
                "",
                "17000",
                "25500",
                "2024",
                "2024",
            ],
            A(
                "Création d'un verger conservatoire à Schnersheim",
                [schnersheim],
                85000,
                lines_67("", "", 17000, 25500),
                2024,
                2024,
                ["67452"],
            ),
        ),
        (
            [
                "KOC-2024-05",
                "Déploiement de bornes de recharge sur le territoire",
                KOCHERSBERG,
                "CC DU KOCHERSBERG",
                "",
                "240000",
                "96000",
                "Fonds vert",
                "",
                "48000",
                "2024",
                "2026",
            ],
            A(
                "Déploiement de bornes de recharge sur le territoire",
                [cck],
                240000,
                lines_67(96000, "Fonds vert", "", 48000),
                2024,
                2026,
            ),
        ),
    ],
    first_row=1,
)
table_file(
    "67-kochersberg-opendata.csv",
    "csv",
    "open-data export: snake_case titles (« libelle_action », « porteur_siren », « montant_etat », « dispositif_etat », "
    "« montant_cea »), « , », UTF-8 with a BOM, INSEE codes",
    KOCHERSBERG,
    truth_67,
    {
        "title": "libelle_action",
        "owners": "porteur_nom",
        "amount": "cout_total_ht",
        "start_year": "annee_debut",
        "end_year": "annee_fin",
        "communes": "code_insee",
    },
    lambda path: write_csv(path, rows_67, delimiter=",", encoding="utf-8", bom=True),
)

# 10. Occitanie: ODS with one sheet per axis, shares in « Part … » columns, « Autres financeurs » -------

QUERCY = "248200057"
ccqc = Body("CC du Quercy Caussadais", QUERCY)
caussade, septfonds, montpezat = (
    Body("Caussade", "218200376"),
    Body("Septfonds", "218201796"),
    Body("Montpezat-de-Quercy", "218201317"),
)
PARTS_82 = {
    "Part État": "État",
    "Part Région": "Région Occitanie",
    "Part Département": "Département du Tarn-et-Garonne",
}


def parts_82(values: dict, others: list[dict] = (), **schemes) -> list[dict]:
    out = [
        L(PARTS_82[column], rate=rate, scheme=schemes.get(column.split()[-1], ""), column=column)
        for column, rate in values.items()
        if rate != ""
    ]
    return out + in_column(list(others), "Autres financeurs")


HEAD_82 = [
    "Action",
    "Porteur",
    "Montant",
    "Part État",
    "Part Région",
    "Part Département",
    "Autres financeurs",
    "Échéance",
]
sheet1_82, truth1_82 = with_rows(
    [
        (HEAD_82, None),
        (
            [
                "Réhabilitation de la halle de Caussade",
                "Commune de Caussade",
                "1 200 000 €",
                "30 %",
                "20 %",
                "15 %",
                "LEADER 60 000 €",
                "2025",
            ],
            A(
                "Réhabilitation de la halle de Caussade",
                [caussade],
                1200000,
                parts_82(
                    {"Part État": "0.3", "Part Région": "0.2", "Part Département": "0.15"},
                    [L("Programme LEADER", 60000)],
                ),
                2025,
            ),
        ),
        (
            [
                "Aménagement des espaces publics du centre de Septfonds",
                "Commune de Septfonds",
                "780 000 €",
                "25 %",
                "",
                "20 %",
                "",
                "2024-2025",
            ],
            A(
                "Aménagement des espaces publics du centre de Septfonds",
                [septfonds],
                780000,
                parts_82({"Part État": "0.25", "Part Département": "0.2"}),
                2024,
                2025,
            ),
        ),
        (
            [
                "Création d'une maison de santé pluriprofessionnelle à Réalville",
                "CC du Quercy Caussadais",
                "2 450 000 €",
                "35 %",
                "15 %",
                "10 %",
                "ARS 100 000 €",
                "2025-2026",
            ],
            A(
                "Création d'une maison de santé pluriprofessionnelle à Réalville",
                [ccqc],
                2450000,
                parts_82(
                    {"Part État": "0.35", "Part Région": "0.15", "Part Département": "0.1"},
                    [L("Agence régionale de santé Occitanie", 100000)],
                ),
                2025,
                2026,
            ),
        ),
    ],
    first_row=1,
)
sheet2_82, truth2_82 = with_rows(
    [
        (HEAD_82, None),
        (
            [
                "Mise en place de la tarification incitative des déchets",
                "CC du Quercy Caussadais",
                "350 000 €",
                "",
                "",
                "",
                "ADEME 50 %",
                "2024",
            ],
            A(
                "Mise en place de la tarification incitative des déchets",
                [ccqc],
                350000,
                parts_82({}, [L("Agence de la transition écologique", rate="0.5")]),
                2024,
            ),
        ),
        (
            [
                "Rénovation de l'éclairage public de Montpezat-de-Quercy",
                "Commune de Montpezat-de-Quercy",
                "210 000 €",
                "40 % (Fonds vert)",
                "",
                "",
                "",
                "2024",
            ],
            A(
                "Rénovation de l'éclairage public de Montpezat-de-Quercy",
                [montpezat],
                210000,
                parts_82({"Part État": "0.4"}, État="Fonds vert"),
                2024,
            ),
        ),
        (
            [
                "Centrale photovoltaïque au sol sur l'ancienne décharge de Caussade",
                "SEM Quercy Énergies",
                "3 100 000 €",
                "",
                "10 %",
                "",
                "Banque des Territoires 500 000 €",
                "2026-2027",
            ],
            A(
                "Centrale photovoltaïque au sol sur l'ancienne décharge de Caussade",
                [Body("SEM Quercy Énergies")],
                3100000,
                parts_82({"Part Région": "0.1"}, [L("Banque des Territoires", 500000)]),
                2026,
                2027,
            ),
        ),
    ],
    first_row=1,
)
for truth in truth2_82:
    truth["sheet"] = "Axe 2 - Transition écologique"
for truth in truth1_82:
    truth["sheet"] = "Axe 1 - Revitalisation"
table_file(
    "82-quercy-caussadais-onglets.ods",
    "ods",
    "one sheet per axis, shares in « Part État » / « Part Région » / « Part Département » (« 30 % »), a free-text "
    "« Autres financeurs » column (« LEADER 60 000 € », « ADEME 50 % »)",
    QUERCY,
    truth1_82 + truth2_82,
    {
        "title": "Action",
        "owners": "Porteur",
        "amount": "Montant",
        "start_year": "Échéance",
        "end_year": "Échéance",
    },
    lambda path: write_ods(
        path, [("Axe 1 - Revitalisation", sheet1_82, {}), ("Axe 2 - Transition écologique", sheet2_82, {})]
    ),
)

# --- contract documents ---------------------------------------------------------------------------


def preamble(lines: list[str]) -> list[tuple]:
    return [("p", line) for line in lines]


# 11. Martinique: DOCX contract, Word table with a merged two-row header, orientation rows spanning the
# table, a TOTAL row; SIREN written beside the grouping's name.

CAPNORD = "200041788"
capnord = Body("CA du Pays Nord Martinique", CAPNORD)
robert, trinite, st_pierre_mq = (
    Body("Le Robert", "219722220"),
    Body("La Trinité", "219722303"),
    Body("Saint-Pierre", "219722253"),
)
CTM = "Collectivité territoriale de Martinique"
rows_972 = [
    ["Maître d'ouvrage", "Opération", "Coût total HT", "Financements", "", "", "", "Calendrier"],
    ["", "", "", "CTM", "État", "Europe", "Autofinancement", ""],
    ["Orientation 1 : Préserver la ressource en eau"] + [""] * 7,
    [
        "Ville du Robert",
        "Réhabilitation du réseau d'eau potable du quartier Pointe Lynch",
        "1 250 000 €",
        "250 000 €",
        "375 000 € (DETR)",
        "375 000 €",
        "250 000 €",
        "2023-2024",
    ],
    [
        "CAP Nord",
        "Construction de la station d'épuration de Sainte-Marie bourg",
        "6 400 000 €",
        "1 280 000 €",
        "1 920 000 €",
        "2 560 000 €",
        "640 000 €",
        "2024-2026",
    ],
    ["Orientation 2 : Accélérer la transition énergétique"] + [""] * 7,
    [
        "Commune de La Trinité",
        "Rénovation énergétique de l'hôtel de ville",
        "890 000 €",
        "178 000 €",
        "356 000 € (DSIL)",
        "",
        "356 000 €",
        "2024",
    ],
    [
        "CAP Nord",
        "Déploiement d'ombrières photovoltaïques sur les parkings communautaires",
        "1 100 000 €",
        "",
        "330 000 € (Fonds vert)",
        "440 000 €",
        "330 000 €",
        "2024-2025",
    ],
    ["Orientation 3 : Préserver la biodiversité et le littoral"] + [""] * 7,
    [
        "Commune de Saint-Pierre",
        "Restauration du littoral de l'anse Latouche",
        "740 000 €",
        "148 000 €",
        "222 000 €",
        "",
        "370 000 €",
        "2025",
    ],
    ["TOTAL", "", "10 380 000 €", "1 856 000 €", "3 203 000 €", "3 375 000 €", "1 946 000 €", ""],
]
spans_972 = {
    (0, 0): (2, 1),
    (0, 1): (2, 1),
    (0, 2): (2, 1),
    (0, 3): (1, 4),
    (0, 7): (2, 1),
    (2, 0): (1, 8),
    (5, 0): (1, 8),
    (8, 0): (1, 8),
    (10, 0): (1, 2),
}


def lines_972(ctm, etat, europe, own_amount, owner, scheme=""):
    out = []
    if ctm:
        out.append(L(CTM, ctm, column="CTM"))
    if etat:
        out.append(L("État", etat, scheme=scheme, column="État"))
    if europe:
        out.append(L("Union européenne", europe, column="Europe"))
    if own_amount:
        out.append(own(owner, own_amount, column="Autofinancement"))
    return out


truth_972 = [
    A(
        "Réhabilitation du réseau d'eau potable du quartier Pointe Lynch",
        [robert],
        1250000,
        lines_972(250000, 375000, 375000, 250000, robert, "DETR"),
        2023,
        2024,
    ),
    A(
        "Construction de la station d'épuration de Sainte-Marie bourg",
        [capnord],
        6400000,
        lines_972(1280000, 1920000, 2560000, 640000, capnord),
        2024,
        2026,
    ),
    A(
        "Rénovation énergétique de l'hôtel de ville",
        [trinite],
        890000,
        lines_972(178000, 356000, None, 356000, trinite, "DSIL"),
        2024,
    ),
    A(
        "Déploiement d'ombrières photovoltaïques sur les parkings communautaires",
        [capnord],
        1100000,
        lines_972(None, 330000, 440000, 330000, capnord, "Fonds vert"),
        2024,
        2025,
    ),
    A(
        "Restauration du littoral de l'anse Latouche",
        [st_pierre_mq],
        740000,
        lines_972(148000, 222000, None, 370000, st_pierre_mq),
        2025,
    ),
]
blocks_972 = [
    ("b", "PRÉFET DE LA MARTINIQUE"),
    ("title", "CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE"),
    ("p", "du territoire du Nord de la Martinique"),
    ("p", "Entre"),
    (
        "p",
        "La Communauté d'Agglomération du Pays Nord Martinique (CAP Nord), SIREN 200 041 788, dont le siège est au "
        "Marigot, représentée par son Président, Monsieur Jean-Marc LUCIEN, dûment habilité par délibération du "
        "conseil communautaire du 25 mai 2023,",
    ),
    ("p", "Et"),
    ("p", "L'État, représenté par le Préfet de la Martinique, Monsieur Paul DURAND,"),
    ("p", "Il est convenu ce qui suit."),
    ("h1", "ARTICLE 1 – OBJET DU CONTRAT"),
    (
        "p",
        "Le présent contrat traduit le projet de territoire de CAP Nord en actions concrètes de transition écologique, "
        "dans la continuité du CRTE signé en 2021.",
    ),
    ("h1", "ARTICLE 2 – DURÉE"),
    ("p", "Le présent contrat est conclu pour la période 2023-2026."),
    ("h1", "ARTICLE 3 – ORIENTATIONS STRATÉGIQUES"),
    ("p", "Orientation 1 : Préserver la ressource en eau"),
    ("p", "Sécuriser la distribution d'eau potable et moderniser l'assainissement des bourgs du Nord."),
    ("p", "Orientation 2 : Accélérer la transition énergétique"),
    ("p", "Réduire les consommations du patrimoine public et développer la production photovoltaïque."),
    ("p", "Orientation 3 : Préserver la biodiversité et le littoral"),
    ("p", "Restaurer les milieux littoraux exposés à l'érosion et aux sargasses."),
    ("h1", "ARTICLE 4 – PROGRAMMATION"),
    (
        "p",
        "Les opérations retenues à la signature figurent dans le tableau ci-dessous ; les montants sont prévisionnels.",
    ),
    ("table", rows_972, spans_972),
    ("h1", "ARTICLE 5 – GOUVERNANCE"),
    (
        "p",
        "Un comité de pilotage coprésidé par le Préfet et le Président de CAP Nord se réunit au moins une fois par an.",
    ),
    ("p", "Fait à Sainte-Marie, le 14 juin 2023"),
    ("p", "Le Président de CAP Nord, Jean-Marc LUCIEN          Le Préfet de la Martinique, Paul DURAND"),
]
document_file(
    "972-cap-nord-contrat.docx",
    "docx",
    "Word contract in capital « ARTICLE n – » headings, the annex as a Word table whose header spans two rows "
    "(« Financements » merged over CTM / État / Europe / Autofinancement), orientations as merged rows, TOTAL row",
    contract("CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE", CAPNORD, "2023-06-14", 2023, 2026),
    truth_972,
    lambda path: write_docx(path, blocks_972),
    {
        "title": "Opération",
        "owners": "Maître d'ouvrage",
        "amount": "Coût total HT",
        "start_year": "Calendrier",
        "end_year": "Calendrier",
    },
)

# 12. La Réunion: ODT contract whose programme is a series of fiches actions (labelled paragraphs) ----

CIVIS = "249740077"
civis = Body("CA CIVIS (Communauté Intercommunale des Villes Solidaires)", CIVIS)
st_pierre_re, st_louis, cilaos = (
    Body("Saint-Pierre", "219740164"),
    Body("Saint-Louis", "219740149"),
    Body("Cilaos", "219740248"),
)
fiches_civis = [
    (
        [
            "Fiche action n° 1 — Voie vélo littorale Saint-Pierre – Saint-Louis",
            "Axe : A",
            "Maître d'ouvrage : CIVIS",
            "Localisation : Saint-Pierre, Saint-Louis",
            "Description : continuité cyclable de 9 km le long du littoral, avec traversée sécurisée de la rivière Saint-Étienne.",
            "Coût prévisionnel : 2 400 000 € HT",
            "Plan de financement : État (DSIL) 720 000 € ; Région 480 000 € ; FEDER 720 000 € ; CIVIS 480 000 €",
            "Calendrier : 2024 – 2026",
        ],
        A(
            "Voie vélo littorale Saint-Pierre – Saint-Louis",
            [civis],
            2400000,
            [
                L("État", 720000, scheme="DSIL"),
                L("Région La Réunion", 480000),
                L("Fonds européen de développement régional", 720000),
                own(civis, 480000),
            ],
            2024,
            2026,
            ["97416", "97414"],
        ),
    ),
    (
        [
            "Fiche action n° 2 — Réhabilitation de la piscine municipale de Saint-Louis",
            "Axe : B",
            "Maître d'ouvrage : Commune de Saint-Louis",
            "Localisation : Saint-Louis",
            "Description : mise aux normes, couverture du bassin et production d'eau chaude solaire.",
            "Coût prévisionnel : 3 600 000 € HT",
            "Plan de financement : Région 1 080 000 € ; Département 720 000 € ; Agence nationale du sport 360 000 € ; "
            "Commune de Saint-Louis 1 440 000 €",
            "Calendrier : 2025-2027",
        ],
        A(
            "Réhabilitation de la piscine municipale de Saint-Louis",
            [st_louis],
            3600000,
            [
                L("Région La Réunion", 1080000),
                L("Département de La Réunion", 720000),
                L("Agence nationale du sport", 360000),
                own(st_louis, 1440000),
            ],
            2025,
            2027,
            ["97414"],
        ),
    ),
    (
        [
            "Fiche action n° 3 — Création d'un réseau de chaleur et de froid renouvelable à Saint-Pierre",
            "Axe : A",
            "Maître d'ouvrage : Commune de Saint-Pierre",
            "Localisation : Saint-Pierre (Ravine Blanche)",
            "Description : boucle d'eau de mer pour le froid des bâtiments publics et chaudière biomasse.",
            "Coût prévisionnel : 5 200 000 € HT",
            "Plan de financement : ADEME (Fonds chaleur) 40 % ; FEDER 30 % ; reste à charge commune 30 %",
            "Calendrier : de 2025 à 2028",
        ],
        A(
            "Création d'un réseau de chaleur et de froid renouvelable à Saint-Pierre",
            [st_pierre_re],
            5200000,
            [
                L("Agence de la transition écologique", rate="0.4", scheme="Fonds chaleur"),
                L("Fonds européen de développement régional", rate="0.3"),
                own(st_pierre_re, rate="0.3"),
            ],
            2025,
            2028,
            ["97416"],
        ),
    ),
    (
        [
            "Fiche action n° 4 — Sentier de découverte du cirque de Cilaos",
            "Axe : C",
            "Maître d'ouvrage : Commune de Cilaos",
            "Localisation : Cilaos",
            "Description : sentier d'interprétation des milieux et des risques, belvédères et signalétique.",
            "Coût prévisionnel : 450 000 € HT",
            "Plan de financement : Département : 225 000 € — Parc national de La Réunion : 90 000 € — Commune : 135 000 €",
            "Calendrier : 2024",
        ],
        A(
            "Sentier de découverte du cirque de Cilaos",
            [cilaos],
            450000,
            [
                L("Département de La Réunion", 225000),
                L("Parc national de La Réunion", 90000),
                own(cilaos, 135000),
            ],
            2024,
            None,
            ["97424"],
        ),
    ),
    (
        [
            "Fiche action n° 5 — Programme de lutte contre l'habitat indigne",
            "Axe : B",
            "Maître d'ouvrage : CIVIS",
            "Localisation : ensemble du territoire",
            "Description : repérage, accompagnement des propriétaires et travaux d'office.",
            "Coût prévisionnel : 300 000 € par an",
            "Plan de financement : ANAH 150 000 €/an ; CIVIS 150 000 €/an",
            "Calendrier : 2023-2028",
        ],
        A(
            "Programme de lutte contre l'habitat indigne",
            [civis],
            300000,
            [L("Agence nationale de l'habitat", 150000, annual=True), own(civis, 150000, annual=True)],
            2023,
            2028,
            annual=True,
        ),
    ),
]
blocks_civis = [
    ("title", "Contrat pour la Réussite de la Transition Écologique"),
    ("p", "CIVIS — Communauté Intercommunale des Villes Solidaires"),
    (
        "p",
        "Entre l'État, représenté par le Sous-Préfet de Saint-Pierre, Monsieur Alain ROBERT, et la Communauté "
        "Intercommunale des Villes Solidaires (CIVIS), représentée par sa Présidente, Madame Claire HOARAU, il est "
        "convenu ce qui suit.",
    ),
    ("h1", "Titre I — Objet et durée"),
    (
        "p",
        "Le contrat couvre les années 2023 à 2028. Il peut être modifié par avenant après avis du comité de pilotage.",
    ),
    ("h1", "Titre II — Le projet de territoire"),
    ("p", "Axe A. Un territoire sobre en énergie et en carbone"),
    ("p", "Axe B. Un habitat et des équipements adaptés au climat"),
    ("p", "Axe C. Des paysages et une biodiversité préservés"),
    ("h1", "Titre III — Les fiches actions"),
]
for paragraphs, _ in fiches_civis:
    blocks_civis.append(("h2", paragraphs[0]))
    blocks_civis += [("p", p) for p in paragraphs[1:]]
blocks_civis += [
    ("h1", "Titre IV — Suivi"),
    ("p", "Le comité de pilotage se réunit deux fois par an ; il examine l'avancement de chaque fiche."),
    ("p", "Saint-Pierre, le 3 juillet 2023"),
    ("p", "Pour l'État, le Sous-Préfet, Alain ROBERT — Pour la CIVIS, la Présidente, Claire HOARAU"),
]
document_file(
    "974-civis-fiches-actions.odt",
    "odt",
    "OpenDocument contract in « Titre I — » sections whose programme is a series of fiches actions: labelled "
    "paragraphs (« Maître d'ouvrage : », « Coût prévisionnel : », « Plan de financement : », « Calendrier : »)",
    contract("Contrat pour la Réussite de la Transition Écologique", CIVIS, "2023-07-03", 2023, 2028),
    [truth for _, truth in fiches_civis],
    lambda path: write_odt(path, blocks_civis),
)

# 13. Guadeloupe: PDF contract, annex with a free-text « Plan de financement » column ---------------

GSC = "249710070"
cagsc = Body("CA Grand Sud Caraïbe", GSC)
basse_terre, trois_rivieres, bouillante = (
    Body("Basse-Terre", "219711058"),
    Body("Trois-Rivières", "219711322"),
    Body("Bouillante", "219711066"),
)
rows_gsc = [
    ["Porteur", "Projet", "Coût total", "Plan de financement", "Échéance"],
    [
        "Commune de Basse-Terre",
        "Confortement parasismique de l'école Circonvallation",
        "2 300 000 €",
        "Fonds Barnier 50 % ; Région 20 % ; commune 30 %",
        "2024-2026",
    ],
    [
        "CAGSC",
        "Sécurisation de l'alimentation en eau potable de Capesterre-Belle-Eau",
        "4 800 000 €",
        "État (DETR) : 1 440 000 € / Office de l'eau : 960 000 € / FEDER : 1 440 000 € / CAGSC : 960 000 €",
        "2024-2027",
    ],
    [
        "Commune de Trois-Rivières",
        "Aménagement de la ravine Grande Anse contre les inondations",
        "1 650 000 €",
        "FPRNM 825 000 €, Département 330 000 €, Trois-Rivières 495 000 €",
        "2025",
    ],
    [
        "Commune de Bouillante",
        "Valorisation touristique du site géothermique",
        "980 000 €",
        "Région 392 000 € + FEDER 294 000 € + commune 294 000 €",
        "2024-2025",
    ],
    [
        "CAGSC",
        "Déploiement du tri à la source des biodéchets",
        "1 200 000 €",
        "Fonds vert 600 000 € ; ADEME 240 000 € ; CAGSC 360 000 €",
        "2024",
    ],
]
PF_GSC = "Plan de financement"
truth_gsc = [
    A(
        "Confortement parasismique de l'école Circonvallation",
        [basse_terre],
        2300000,
        in_column(
            [
                L("État", rate="0.5", scheme="Fonds Barnier"),
                L("Région Guadeloupe", rate="0.2"),
                own(basse_terre, rate="0.3"),
            ],
            PF_GSC,
        ),
        2024,
        2026,
    ),
    A(
        "Sécurisation de l'alimentation en eau potable de Capesterre-Belle-Eau",
        [cagsc],
        4800000,
        in_column(
            [
                L("État", 1440000, scheme="DETR"),
                L("Office de l'eau Guadeloupe", 960000),
                L("Fonds européen de développement régional", 1440000),
                own(cagsc, 960000),
            ],
            PF_GSC,
        ),
        2024,
        2027,
    ),
    A(
        "Aménagement de la ravine Grande Anse contre les inondations",
        [trois_rivieres],
        1650000,
        in_column(
            [
                L("État", 825000, scheme="FPRNM"),
                L("Département de la Guadeloupe", 330000),
                own(trois_rivieres, 495000),
            ],
            PF_GSC,
        ),
        2025,
    ),
    A(
        "Valorisation touristique du site géothermique",
        [bouillante],
        980000,
        in_column(
            [
                L("Région Guadeloupe", 392000),
                L("Fonds européen de développement régional", 294000),
                own(bouillante, 294000),
            ],
            PF_GSC,
        ),
        2024,
        2025,
    ),
    A(
        "Déploiement du tri à la source des biodéchets",
        [cagsc],
        1200000,
        in_column(
            [
                L("État", 600000, scheme="Fonds vert"),
                L("Agence de la transition écologique", 240000),
                own(cagsc, 360000),
            ],
            PF_GSC,
        ),
        2024,
    ),
]
blocks_gsc = [
    ("title", "CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE 2023-2026"),
    ("p", "Communauté d'Agglomération Grand Sud Caraïbe (CAGSC)"),
    ("p", "ENTRE l'État, représenté par Monsieur Xavier LEFORT, Préfet de la région Guadeloupe,"),
    (
        "p",
        "ET la Communauté d'Agglomération Grand Sud Caraïbe, représentée par son Président, Monsieur Luc ZÉNON,",
    ),
    ("h2", "Article 1er – Objet"),
    (
        "p",
        "Le présent contrat fixe les engagements des parties pour la transition écologique du Sud Basse-Terre.",
    ),
    ("h2", "Article 2 – Durée"),
    ("p", "Le présent contrat est conclu pour une durée de quatre ans, de 2023 à 2026."),
    ("h2", "Article 3 – Orientations"),
    ("p", "Axe 1 : Eau et assainissement"),
    ("p", "Axe 2 : Prévention des risques naturels"),
    ("p", "Axe 3 : Énergie et économie circulaire"),
    ("h2", "Article 4 – Programmation"),
    ("p", "Annexe 1 — Tableau des opérations"),
    ("table", rows_gsc),
    ("h2", "Article 5 – Suivi et évaluation"),
    ("p", "Les indicateurs de suivi sont renseignés chaque année par les services de la CAGSC."),
    ("p", "Fait à Basse-Terre, le 27 septembre 2023"),
]
document_file(
    "971-grand-sud-caraibe-contrat.pdf",
    "pdf",
    "PDF contract (« Article 1er – »), an annex table with the financing plan as free text in one column, written "
    "five ways (« ; », « / », « , », « + », « : »), percentages and amounts",
    contract("CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE 2023-2026", GSC, "2023-09-27", 2023, 2026),
    truth_gsc,
    lambda path: write_pdf(path, blocks_gsc),
    {
        "title": "Projet",
        "owners": "Porteur",
        "amount": "Coût total",
        "start_year": "Échéance",
        "end_year": "Échéance",
    },
)

# 14. Jura: Markdown, pipe tables without outer pipes, body columns ---------------------------------

HAUTJURA = "200026573"
cchjsc = Body("CC Haut-Jura Saint-Claude", HAUTJURA)
st_claude_39, viry, septmoncel = (
    Body("Saint-Claude", "213904782"),
    Body("Viry", "213905797"),
    Body("Septmoncel les Molunes", "200071355"),
)
BODIES_39 = {"Région": "Région Bourgogne-Franche-Comté", "Département": "Département du Jura", "État": "État"}


def lines_39(region, departement, etat, scheme="", etat_funder=None):
    out = []
    if region:
        out.append(L(BODIES_39["Région"], region, column="Région"))
    if departement:
        out.append(L(BODIES_39["Département"], departement, column="Département"))
    if etat:
        out.append(L(etat_funder or "État", etat, scheme=scheme, column="État"))
    return out


truth_39 = [
    A(
        "Rénovation énergétique de la piscine du Martinet",
        [st_claude_39],
        2850000,
        lines_39(570000, 285000, 855000, "DSIL"),
        2024,
        2025,
    ),
    A("Véloroute de la vallée de la Bienne", [cchjsc], 1400000, lines_39(280000, 210000, 420000), 2025, 2026),
    A(
        "Chaufferie bois de l'école et de la mairie",
        [viry],
        460000,
        lines_39(92000, 46000, 138000, "DETR"),
        2024,
    ),
    A(
        "Réhabilitation de l'ancienne fromagerie en tiers-lieu",
        [septmoncel],
        720000,
        lines_39(144000, 108000, 216000),
        2025,
    ),
    A(
        "Étude de revitalisation du centre-ville de Saint-Claude (PVD)",
        [cchjsc],
        120000,
        lines_39(None, None, 60000, etat_funder="Agence nationale de la cohésion des territoires"),
        2024,
    ),
]
text_39 = """# Contrat pour la réussite de la transition écologique

**Communauté de communes Haut-Jura Saint-Claude**

Entre la Communauté de communes Haut-Jura Saint-Claude, représentée par son Président, Monsieur Raphaël PERRIN,
et l'État, représenté par la Sous-Préfète de Saint-Claude, Madame Hélène MARCHAND.

## Article 1 — Objet

Le contrat décline le projet de territoire du Haut-Jura : un territoire de moyenne montagne qui adapte son économie
et ses équipements au changement climatique.

## Article 2 — Durée

Il couvre la période 2023-2028 et peut être modifié par avenant.

## Article 3 — Orientations

### Orientation 1 : Sobriété énergétique des équipements publics

### Orientation 2 : Mobilités de montagne

### Orientation 3 : Revitalisation des centres

## Annexe — Programme d'actions

Porteur | Action | Coût HT | Région | Département | État | Calendrier
--- | --- | ---: | ---: | ---: | ---: | ---
Commune de Saint-Claude | Rénovation énergétique de la piscine du Martinet | 2 850 000 € | 570 000 € | 285 000 € | 855 000 € (DSIL) | 2024-2025
CC Haut-Jura Saint-Claude | Véloroute de la vallée de la Bienne | 1 400 000 € | 280 000 € | 210 000 € | 420 000 € | 2025-2026
Commune de Viry | Chaufferie bois de l'école et de la mairie | 460 000 € | 92 000 € | 46 000 € | 138 000 € (DETR) | 2024
Commune de Septmoncel les Molunes | Réhabilitation de l'ancienne fromagerie en tiers-lieu | 720 000 € | 144 000 € | 108 000 € | 216 000 € | 2025
CC Haut-Jura Saint-Claude | Étude de revitalisation du centre-ville de Saint-Claude (PVD) | 120 000 € |  |  | 60 000 € (ANCT) | 2024

Fait à Saint-Claude, le 9 novembre 2023
"""
document_file(
    "39-haut-jura-saint-claude.md",
    "md",
    "Markdown contract (« ## Article 3 — », « ### Orientation 1 : »), the annex as a pipe table without outer pipes "
    "and with alignment colons, columns titled by a body alone",
    contract("Contrat pour la réussite de la transition écologique", HAUTJURA, "2023-11-09", 2023, 2028),
    truth_39,
    lambda path: path.write_text(text_39, encoding="utf-8"),
    {
        "title": "Action",
        "owners": "Porteur",
        "amount": "Coût HT",
        "start_year": "Calendrier",
        "end_year": "Calendrier",
    },
)

# 15. Mayotte: plain text, the annex laid out by spaces (a word processor's text export) -------------

PETITETERRE = "200050532"
ccpt = Body("CC de Petite-Terre", PETITETERRE)
dzaoudzi, pamandzi = Body("Dzaoudzi", "200008795"), Body("Pamandzi", "200008860")


def lines_976(etat, departement, feder, scheme=""):
    out = []
    if etat:
        out.append(L("État", etat, scheme=scheme, column="État"))
    if departement:
        out.append(L("Département de Mayotte", departement, column="Département"))
    if feder:
        out.append(L("Fonds européen de développement régional", feder, column="FEDER"))
    return out


truth_976 = [
    A("Réhabilitation du boulevard des Crabes", [dzaoudzi], 1800000, lines_976(540000, 360000, 720000), 2024),
    A(
        "Extension du réseau d'assainissement de Pamandzi",
        [pamandzi],
        2600000,
        lines_976(780000, 520000, 1040000),
        2024,
        2026,
    ),
    A(
        "Création d'une station de transit des déchets",
        [ccpt],
        950000,
        lines_976(285000, 190000, 380000),
        2025,
    ),
    A(
        "Protection du littoral de Labattoir contre l'érosion",
        [dzaoudzi],
        1200000,
        lines_976(600000, 240000, None, "Fonds Barnier"),
        2025,
        2026,
    ),
]
annex_976 = [
    ["Maître d'ouvrage", "Projet", "Montant HT", "État", "Département", "FEDER", "Année"],
    [
        "Commune de Dzaoudzi",
        "Réhabilitation du boulevard des Crabes",
        "1 800 000 €",
        "540 000 €",
        "360 000 €",
        "720 000 €",
        "2024",
    ],
    [
        "Commune de Pamandzi",
        "Extension du réseau d'assainissement de Pamandzi",
        "2 600 000 €",
        "780 000 €",
        "520 000 €",
        "1 040 000 €",
        "2024-2026",
    ],
    [
        "CCPT",
        "Création d'une station de transit des déchets",
        "950 000 €",
        "285 000 €",
        "190 000 €",
        "380 000 €",
        "2025",
    ],
    [
        "Commune de Dzaoudzi",
        "Protection du littoral de Labattoir contre l'érosion",
        "1 200 000 €",
        "600 000 € (Fonds Barnier)",
        "240 000 €",
        "—",
        "2025-2026",
    ],
]


def aligned(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [c.rjust(widths[i]) if "€" in c else c.ljust(widths[i]) for i, c in enumerate(row)]
        out.append("   ".join(cells).rstrip())
    return "\n".join(out)


text_976 = f"""CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE

Communauté de communes de Petite-Terre (CCPT)

Entre la Communauté de communes de Petite-Terre (CCPT), représentée par son Président, Monsieur Saïd AHAMADA,
et l'État, représenté par le Préfet de Mayotte, Monsieur François MARTIN,

il est convenu ce qui suit.

I. OBJET

Le contrat organise l'action commune de l'État et de la CCPT pour l'eau, l'assainissement, les déchets et la
protection du littoral de Petite-Terre.

II. DURÉE

Il couvre les années 2024, 2025 et 2026.

III. ORIENTATIONS

1. Garantir l'accès à l'eau et à l'assainissement
2. Réduire et valoriser les déchets
3. Protéger le littoral

IV. PROGRAMME D'OPÉRATIONS

{aligned(annex_976)}

V. SUIVI

Un comité de pilotage se réunit chaque année à Dzaoudzi.

Le 18 décembre 2023

Le Préfet de Mayotte                    Le Président de la CCPT
"""
document_file(
    "976-petite-terre-texte-aligne.txt",
    "txt",
    "plain-text contract with roman section numbers (« III. ORIENTATIONS »), the programme laid out in columns by "
    "spaces, « — » for an empty cell",
    contract("CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE", PETITETERRE, "2023-12-18", 2024, 2026),
    truth_976,
    lambda path: path.write_text(text_976, encoding="utf-8"),
    {
        "title": "Projet",
        "owners": "Maître d'ouvrage",
        "amount": "Montant HT",
        "start_year": "Année",
        "end_year": "Année",
    },
)

# 16. Ardennes: DOCX, one two-column table (label | value) per fiche action -------------------------

CRETES = "240800862"
cccp = Body("CC des Crêtes Préardennaises", CRETES)
attigny = Body("Attigny", "210800231")
smtda = Body("Syndicat mixte de traitement des déchets ardennais")
fiches_08 = [
    (
        [
            ("Intitulé", "Création d'une maison France services à Signy-l'Abbaye"),
            ("Maître d'ouvrage", "Communauté de communes des Crêtes Préardennaises"),
            ("Localisation", "Signy-l'Abbaye"),
            ("Coût estimatif", "650 000 € HT"),
            (
                "Plan de financement prévisionnel",
                "DETR 35 % – Région Grand Est 20 % – Département des Ardennes 15 % – CCCP 30 %",
            ),
            ("Calendrier de réalisation", "2024-2025"),
        ],
        A(
            "Création d'une maison France services à Signy-l'Abbaye",
            [cccp],
            650000,
            [
                L("État", rate="0.35", scheme="DETR"),
                L("Région Grand Est", rate="0.2"),
                L("Département des Ardennes", rate="0.15"),
                own(cccp, rate="0.3"),
            ],
            2024,
            2025,
            ["08419"],
        ),
    ),
    (
        [
            ("Intitulé", "Réhabilitation thermique du groupe scolaire d'Attigny"),
            ("Maître d'ouvrage", "Commune d'Attigny"),
            ("Localisation", "Attigny"),
            ("Coût estimatif", "1 120 000 € HT"),
            ("Plan de financement prévisionnel", "DSIL 448 000 € ; Région 224 000 € ; Commune 448 000 €"),
            ("Calendrier de réalisation", "2025"),
        ],
        A(
            "Réhabilitation thermique du groupe scolaire d'Attigny",
            [attigny],
            1120000,
            [L("État", 448000, scheme="DSIL"), L("Région Grand Est", 224000), own(attigny, 448000)],
            2025,
            None,
            ["08025"],
        ),
    ),
    (
        [
            ("Intitulé", "Voie verte Poix-Terron – Launois-sur-Vence"),
            ("Maître d'ouvrage", "Communauté de communes des Crêtes Préardennaises"),
            ("Localisation", "Poix-Terron, Launois-sur-Vence"),
            ("Coût estimatif", "2 300 000 € HT"),
            (
                "Plan de financement prévisionnel",
                "État (Fonds vert) 690 000 € ; Région 460 000 € ; Département 345 000 € ; FEDER 345 000 € ; CCCP 460 000 €",
            ),
            ("Calendrier de réalisation", "2025-2027"),
        ],
        A(
            "Voie verte Poix-Terron – Launois-sur-Vence",
            [cccp],
            2300000,
            [
                L("État", 690000, scheme="Fonds vert"),
                L("Région Grand Est", 460000),
                L("Département des Ardennes", 345000),
                L("Fonds européen de développement régional", 345000),
                own(cccp, 460000),
            ],
            2025,
            2027,
            ["08341", "08248"],
        ),
    ),
    (
        [
            ("Intitulé", "Méthaniseur territorial : étude de faisabilité"),
            ("Maître d'ouvrage", smtda["name"]),
            ("Localisation", "Ensemble du territoire"),
            ("Coût estimatif", "80 000 € HT"),
            ("Plan de financement prévisionnel", "ADEME 70 %, syndicat 30 %"),
            ("Calendrier de réalisation", "2024"),
        ],
        A(
            "Méthaniseur territorial : étude de faisabilité",
            [smtda],
            80000,
            [L("Agence de la transition écologique", rate="0.7"), own(smtda, rate="0.3")],
            2024,
        ),
    ),
]
blocks_08 = [
    ("title", "Contrat pour la réussite de la transition écologique des Crêtes Préardennaises"),
    ("p", "ENTRE"),
    (
        "p",
        "La Communauté de communes des Crêtes Préardennaises (CCCP), représentée par son Président, Monsieur Bernard "
        "COLLIGNON,",
    ),
    ("p", "ET"),
    ("p", "L'État, représenté par le Préfet des Ardennes, Monsieur Thierry VALLOIS,"),
    ("h1", "Article 1 : Objet"),
    (
        "p",
        "Le présent contrat est conclu pour six ans (2023-2028) ; il rassemble les projets de transition du territoire.",
    ),
    ("h1", "Article 2 : Les fiches actions"),
]
for number, (pairs, _) in enumerate(fiches_08, start=1):
    blocks_08.append(("h2", f"Fiche action {number}"))
    blocks_08.append(("table", [[label, value] for label, value in pairs]))
blocks_08 += [
    ("h1", "Article 3 : Gouvernance"),
    ("p", "Le comité de pilotage se réunit au moins une fois par an à Poix-Terron."),
    ("p", "Fait à Poix-Terron, le 5 octobre 2023"),
]
document_file(
    "08-cretes-preardennaises-fiches.docx",
    "docx",
    "Word contract whose fiches actions are each a two-column table (label | value: « Intitulé », « Coût estimatif », "
    "« Plan de financement prévisionnel » in shares, « Calendrier de réalisation »)",
    contract(
        "Contrat pour la réussite de la transition écologique des Crêtes Préardennaises",
        CRETES,
        "2023-10-05",
        2023,
        2028,
    ),
    [truth for _, truth in fiches_08],
    lambda path: write_docx(path, blocks_08),
)

# 17. Aisne: a préfecture's PDF list of DSIL grants (not a contract) ----------------------------------

THIERACHE = "240200444"
vervins, nouvion = Body("Vervins", "210207627"), Body("Le Nouvion-en-Thiérache", "210205357")
sains, buironfosse = Body("Sains-Richaumont", "210206439"), Body("Buironfosse", "210201224")
ccthc = Body("CC de la Thiérache du Centre", THIERACHE)
rows_02 = [
    ["Réf.", "Bénéficiaire", "Objet de l'opération", "Lieu", "Coût HT retenu", "Subvention DSIL", "Taux"],
    [
        "DSIL-2024-02-017",
        "Commune de Vervins",
        "Rénovation énergétique de la salle des fêtes",
        "Vervins",
        "412 500,00",
        "123 750,00",
        "30 %",
    ],
    [
        "DSIL-2024-02-018",
        "CC de la Thiérache du Centre",
        "Création d'une maison de santé à La Capelle",
        "La Capelle",
        "1 980 000,00",
        "495 000,00",
        "25 %",
    ],
    [
        "DSIL-2024-02-021",
        "Commune du Nouvion-en-Thiérache",
        "Aménagement d'une liaison douce vers le collège",
        "Le Nouvion-en-Thiérache",
        "236 800,00",
        "94 720,00",
        "40 %",
    ],
    [
        "DSIL-2024-02-024",
        "Commune de Sains-Richaumont",
        "Remplacement de l'éclairage public par des LED",
        "Sains-Richaumont",
        "148 300,00",
        "59 320,00",
        "40 %",
    ],
    [
        "DSIL-2024-02-026",
        "Commune de Buironfosse",
        "Réhabilitation de l'école en pôle périscolaire",
        "Buironfosse",
        "684 000,00",
        "171 000,00",
        "25 %",
    ],
    ["", "", "Total", "", "3 461 600,00", "943 790,00", ""],
]


def dsil(amount, rate):
    return [L("État", amount, rate=rate, scheme="DSIL", column="Subvention DSIL")]


truth_02 = [
    A(
        "Rénovation énergétique de la salle des fêtes",
        [vervins],
        "412500",
        dsil("123750", "0.3"),
        communes=["02789"],
    ),
    A(
        "Création d'une maison de santé à La Capelle",
        [ccthc],
        "1980000",
        dsil("495000", "0.25"),
        communes=["02141"],
    ),
    A(
        "Aménagement d'une liaison douce vers le collège",
        [nouvion],
        "236800",
        dsil("94720", "0.4"),
        communes=["02558"],
    ),
    A(
        "Remplacement de l'éclairage public par des LED",
        [sains],
        "148300",
        dsil("59320", "0.4"),
        communes=["02668"],
    ),
    A(
        "Réhabilitation de l'école en pôle périscolaire",
        [buironfosse],
        "684000",
        dsil("171000", "0.25"),
        communes=["02135"],
    ),
]
blocks_02 = [
    ("b", "PRÉFET DE L'AISNE"),
    ("h1", "Dotation de soutien à l'investissement local (DSIL) — exercice 2024"),
    (
        "p",
        "Arrondissement de Vervins — opérations retenues au titre du CRTE de la Communauté de communes de la "
        "Thiérache du Centre",
    ),
    ("table", rows_02),
    (
        "p",
        "Les subventions sont attribuées sous réserve du commencement des travaux avant le 31 décembre 2025.",
    ),
    ("p", "Fait à Laon, le 15 mai 2024"),
]
document_file(
    "02-prefecture-dsil-2024.pdf",
    "pdf",
    "a préfecture's PDF list of grants, not a contract: « Réf. », « Bénéficiaire », « Objet de l'opération », "
    "« Lieu », « Coût HT retenu », « Subvention DSIL », « Taux », a Total row",
    None,
    truth_02,
    lambda path: write_pdf(path, blocks_02),
    {
        "title": "Objet de l'opération",
        "owners": "Bénéficiaire",
        "amount": "Coût HT retenu",
        "communes": "Lieu",
    },
    hint=THIERACHE,
)

# 18. Bretagne: Markdown with outer pipes, a « Plan de financement » column in M€ / k€ -------------

BREST = "242900314"
brest = Body("Brest Métropole", BREST)
guipavas, plougastel, plouzane = (
    Body("Guipavas", "212900757"),
    Body("Plougastel-Daoulas", "212901896"),
    Body("Plouzané", "212902126"),
)
PF_29 = "Plan de financement"
truth_brest = [
    A(
        "Deuxième ligne de tramway — section Saint-Martin / Lambézellec",
        [brest],
        45000000,
        in_column(
            [L("État", 11250000, scheme="AAP TCSP"), L("Région Bretagne", 6000000), own(brest, 27750000)],
            PF_29,
        ),
        2024,
        2026,
    ),
    A(
        "Réhabilitation énergétique du complexe sportif de Kercoco",
        [guipavas],
        3200000,
        in_column(
            [
                L("État", rate="0.25", scheme="DSIL"),
                L("Région Bretagne", 400000),
                L("Département du Finistère", 300000),
                own(guipavas, 1700000),
            ],
            PF_29,
        ),
        2025,
    ),
    A(
        "Création d'une chaufferie bois pour le centre-bourg",
        [plougastel],
        1150000,
        in_column(
            [
                L("Agence de la transition écologique", 460000, scheme="Fonds chaleur"),
                L("Département du Finistère", 115000),
                own(plougastel, 575000),
            ],
            PF_29,
        ),
        2024,
    ),
    A(
        "Renaturation des berges de la Penfeld",
        [brest],
        2000000,
        in_column(
            [
                L("Agence de l'eau Loire-Bretagne", rate="0.5"),
                L("Fonds européen de développement régional", rate="0.2"),
                own(brest, rate="0.3"),
            ],
            PF_29,
        ),
        2024,
        2027,
    ),
    A(
        "Construction d'une école maternelle à énergie positive",
        [plouzane],
        4600000,
        in_column(
            [
                L("État", 920000, scheme="DSIL"),
                L("État", 460000, scheme="Fonds vert"),
                L("Région Bretagne", 230000),
                own(plouzane, 2990000),
            ],
            PF_29,
        ),
        2025,
        2026,
    ),
]
text_brest = """# CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE DE BREST MÉTROPOLE

Entre **Brest métropole**, représentée par son Président, Monsieur Yann GUÉGUEN, et **l'État**, représenté par le
Préfet du Finistère, Monsieur Alain ESNAULT, il est convenu ce qui suit.

## 1. Objet

Le contrat engage les signataires sur la trajectoire bas-carbone du Plan climat de la métropole.

## 2. Durée

Le contrat est conclu pour la période 2024-2026.

## 3. Orientations stratégiques

- Décarboner les mobilités
- Rénover le patrimoine bâti
- Restaurer l'eau et la nature en ville

## 4. Programme d'actions

| Maître d'ouvrage | Opération | Montant HT | Plan de financement | Année |
|---|---|---|---|---|
| Brest métropole | Deuxième ligne de tramway — section Saint-Martin / Lambézellec | 45 M€ | État (AAP TCSP) 11,25 M€ ; Région Bretagne 6 M€ ; Brest métropole 27,75 M€ | 2024-2026 |
| Ville de Guipavas | Réhabilitation énergétique du complexe sportif de Kercoco | 3,2 M€ | DSIL 25 % ; Région 0,4 M€ ; Département du Finistère 0,3 M€ ; commune 1,7 M€ | 2025 |
| Ville de Plougastel-Daoulas | Création d'une chaufferie bois pour le centre-bourg | 1,15 M€ | ADEME (Fonds chaleur) 460 k€ ; Département du Finistère 115 k€ ; Ville de Plougastel-Daoulas 575 k€ | 2024 |
| Brest métropole | Renaturation des berges de la Penfeld | 2 M€ | Agence de l'eau Loire-Bretagne 50 % ; FEDER 20 % ; Brest métropole 30 % | 2024-2027 |
| Ville de Plouzané | Construction d'une école maternelle à énergie positive | 4,6 M€ | DSIL 920 k€ ; Fonds vert 460 k€ ; Région 230 k€ ; commune 2,99 M€ | 2025-2026 |

## 5. Signatures

Signé le 22 mars 2024, à Brest.
"""
document_file(
    "29-brest-metropole-plan-financement.md",
    "md",
    "Markdown contract with numbered « ## 1. » sections, a pipe table with outer pipes whose financing plan is free "
    "text in M€ and k€ (« État (AAP TCSP) 11,25 M€ ; Région Bretagne 6 M€ »), « Signé le … »",
    contract(
        "CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE DE BREST MÉTROPOLE",
        BREST,
        "2024-03-22",
        2024,
        2026,
    ),
    truth_brest,
    lambda path: path.write_text(text_brest, encoding="utf-8"),
    {
        "title": "Opération",
        "owners": "Maître d'ouvrage",
        "amount": "Montant HT",
        "start_year": "Année",
        "end_year": "Année",
    },
)

# 19. Guyane: plain-text fiches actions (« Porteur : », « Montant : », « Financements : ») ----------

SAVANES = "200027548"
ccds = Body("CC des Savanes", SAVANES)
sinnamary, kourou, iracoubo = (
    Body("Sinnamary", "219733128"),
    Body("Kourou", "219733045"),
    Body("Iracoubo", "219733037"),
)
CTG = "Collectivité territoriale de Guyane"
FEDER = "Fonds européen de développement régional"
fiches_973 = [
    (
        """Action 1.1 – Réhabilitation du réseau d'eau potable de Sinnamary
Porteur : Commune de Sinnamary
Montant : 2,4 M€ HT
Financements : État (DETR) 40 % – CTG 20 % – FEDER 30 % – Sinnamary 10 %
Calendrier : 2024-2026
Commune(s) : Sinnamary""",
        A(
            "Réhabilitation du réseau d'eau potable de Sinnamary",
            [sinnamary],
            2400000,
            [
                L("État", rate="0.4", scheme="DETR"),
                L(CTG, rate="0.2"),
                L(FEDER, rate="0.3"),
                own(sinnamary, rate="0.1"),
            ],
            2024,
            2026,
            ["97312"],
        ),
    ),
    (
        """Action 1.2 – Construction d'une station de traitement des boues à Kourou
Porteur : CCDS
Montant : 5,8 M€ HT
Financements : État 1,74 M€ – FEDER 2,9 M€ – Office de l'eau 580 k€ – CCDS 580 k€
Calendrier : 2025-2028
Commune(s) : Kourou""",
        A(
            "Construction d'une station de traitement des boues à Kourou",
            [ccds],
            5800000,
            [
                L("État", 1740000),
                L(FEDER, 2900000),
                L("Office de l'eau de Guyane", 580000),
                own(ccds, 580000),
            ],
            2025,
            2028,
            ["97304"],
        ),
    ),
    (
        """Action 2.1 – Pôle nautique et aménagement des berges du Kourou
Porteur : Ville de Kourou
Montant : 3,1 M€ HT
Financements : Fonds vert 930 k€ – CTG 620 k€ – Kourou 1,55 M€
Calendrier : 2025-2027
Commune(s) : Kourou""",
        A(
            "Pôle nautique et aménagement des berges du Kourou",
            [kourou],
            3100000,
            [L("État", 930000, scheme="Fonds vert"), L(CTG, 620000), own(kourou, 1550000)],
            2025,
            2027,
            ["97304"],
        ),
    ),
    (
        """Action 2.2 – Électrification solaire des écarts d'Iracoubo
Porteur : Commune d'Iracoubo
Montant : 760 000 €
Financements : FEDER 60 % – CTG 20 % – commune 20 %
Calendrier : 2024
Commune(s) : Iracoubo""",
        A(
            "Électrification solaire des écarts d'Iracoubo",
            [iracoubo],
            760000,
            [L(FEDER, rate="0.6"), L(CTG, rate="0.2"), own(iracoubo, rate="0.2")],
            2024,
            None,
            ["97303"],
        ),
    ),
    (
        """Action 3.1 – Animation du programme Petites villes de demain (chef de projet)
Porteur : Ville de Sinnamary
Montant : 65 000 € par an
Financements : ANCT 75 % ; Banque des Territoires 5 % ; commune 20 %
Calendrier : 2023-2026
Commune(s) : Sinnamary""",
        A(
            "Animation du programme Petites villes de demain (chef de projet)",
            [sinnamary],
            65000,
            [
                L("Agence nationale de la cohésion des territoires", rate="0.75", annual=True),
                L("Banque des Territoires", rate="0.05", annual=True),
                own(sinnamary, rate="0.2", annual=True),
            ],
            2023,
            2026,
            ["97312"],
            annual=True,
        ),
    ),
]
text_973 = (
    """CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE (CRTE)

Communauté de communes des Savanes (CCDS)

Entre la Communauté de communes des Savanes, représentée par son Président, Monsieur Hugues NÉRON,
et l'État, représenté par le Préfet de la Guyane, Monsieur Antoine POUSSIER,

Article 1 – Objet : le contrat rassemble les actions de transition écologique des communes de Kourou, Sinnamary,
Iracoubo et Saint-Élie.

Article 2 – Durée : le contrat s'applique de 2023 à 2026.

Article 3 – Axes : 1. Eau et assainissement ; 2. Énergie et aménagement ; 3. Ingénierie.

Article 4 – Actions

"""
    + "\n\n".join(text for text, _ in fiches_973)
    + """

Fait à Kourou le 30/11/2023
"""
)
document_file(
    "973-savanes-fiches-texte.txt",
    "txt",
    "plain-text contract, « Article n – Objet : » on one line, fiches actions as labelled lines (« Porteur : », "
    "« Montant : 2,4 M€ HT », « Financements : État (DETR) 40 % – CTG 20 % … », « Commune(s) : »)",
    contract(
        "CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE (CRTE)", SAVANES, "2023-11-30", 2023, 2026
    ),
    [truth for _, truth in fiches_973],
    lambda path: path.write_text(text_973, encoding="utf-8"),
)

# 20. Occitanie: ODT contract, annex columns titled by bodies (« Région », « Département », « État »,
# « Lunel Agglo »), shares and amounts mixed ----------------------------------------------------------

LUNEL = "243400520"
lunel_agglo = Body("CA Lunel Agglo", LUNEL)
lunel, marsillargues, boisseron = (
    Body("Lunel", "213401458"),
    Body("Marsillargues", "213401516"),
    Body("Boisseron", "213400336"),
)
rows_34b = [
    [
        "Maîtrise d'ouvrage",
        "Projet",
        "Montant (€ HT)",
        "Région",
        "Département",
        "État",
        "Lunel Agglo",
        "Démarrage",
    ],
    [
        "Lunel Agglo",
        "Aménagement de la voie verte Lunel – Marsillargues",
        "1 900 000",
        "20 %",
        "15 %",
        "30 %",
        "35 %",
        "2024",
    ],
    [
        "Ville de Lunel",
        "Réhabilitation des halles de Lunel",
        "2 400 000",
        "480 000 €",
        "240 000 €",
        "720 000 € DSIL",
        "",
        "2025",
    ],
    [
        "Commune de Marsillargues",
        "Rénovation thermique de l'école Louis-Figuier",
        "860 000",
        "10 %",
        "20 %",
        "35 % (DETR)",
        "",
        "2024",
    ],
    [
        "Lunel Agglo",
        "Unité de méthanisation des biodéchets",
        "3 500 000",
        "700 000 €",
        "",
        "1 050 000 € (Fonds vert)",
        "1 750 000 €",
        "2025",
    ],
    [
        "Commune de Boisseron",
        "Désimperméabilisation de la cour d'école",
        "190 000",
        "",
        "38 000 €",
        "",
        "",
        "2024",
    ],
]
REG, DEP = "Région Occitanie", "Département de l'Hérault"
truth_34b = [
    A(
        "Aménagement de la voie verte Lunel – Marsillargues",
        [lunel_agglo],
        1900000,
        [
            L(REG, rate="0.2", column="Région"),
            L(DEP, rate="0.15", column="Département"),
            L("État", rate="0.3", column="État"),
            own(lunel_agglo, rate="0.35", column="Lunel Agglo"),
        ],
        2024,
    ),
    A(
        "Réhabilitation des halles de Lunel",
        [lunel],
        2400000,
        [
            L(REG, 480000, column="Région"),
            L(DEP, 240000, column="Département"),
            L("État", 720000, scheme="DSIL", column="État"),
        ],
        2025,
    ),
    A(
        "Rénovation thermique de l'école Louis-Figuier",
        [marsillargues],
        860000,
        [
            L(REG, rate="0.1", column="Région"),
            L(DEP, rate="0.2", column="Département"),
            L("État", rate="0.35", scheme="DETR", column="État"),
        ],
        2024,
    ),
    A(
        "Unité de méthanisation des biodéchets",
        [lunel_agglo],
        3500000,
        [
            L(REG, 700000, column="Région"),
            L("État", 1050000, scheme="Fonds vert", column="État"),
            own(lunel_agglo, 1750000, column="Lunel Agglo"),
        ],
        2025,
    ),
    A(
        "Désimperméabilisation de la cour d'école",
        [boisseron],
        190000,
        [L(DEP, 38000, column="Département")],
        2024,
    ),
]
blocks_34b = [
    ("title", "CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE"),
    ("p", "Territoire de Lunel Agglo — Hérault"),
    (
        "p",
        "Entre Lunel Agglo, communauté d'agglomération, représentée par son Président, Monsieur Pierre SOUJOL, et "
        "l'État, représenté par le Sous-Préfet de Lunel… le Préfet de l'Hérault, Monsieur Hugues MOUTOUH, il est "
        "convenu ce qui suit :",
    ),
    ("h1", "Chapitre 1. Cadre"),
    ("p", "Période de contractualisation : 2023-2026."),
    ("h1", "Chapitre 2. Ambitions"),
    ("p", "Ambition 1 – Une mobilité décarbonée"),
    ("p", "Ambition 2 – Un patrimoine public sobre"),
    ("p", "Ambition 3 – Une économie circulaire"),
    ("h1", "Chapitre 3. Opérations"),
    ("table", rows_34b),
    ("p", "Signé à Lunel le 12/10/2023"),
]
document_file(
    "34-lunel-agglo-colonnes-organismes.odt",
    "odt",
    "OpenDocument contract in « Chapitre n. » sections, annex columns titled by a body alone (« Région », "
    "« Département », « État », « Lunel Agglo »), shares (« 20 % ») and amounts mixed in the same columns",
    contract("CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE", LUNEL, "2023-10-12", 2023, 2026),
    truth_34b,
    lambda path: write_odt(path, blocks_34b),
    {
        "title": "Projet",
        "owners": "Maîtrise d'ouvrage",
        "amount": "Montant (€ HT)",
        "start_year": "Démarrage",
    },
)

# 21. Dordogne: DOCX contract, one « Financements sollicités » column with a line per financer -------

DORDOGNE = "200041051"
ccvdfb = Body("CC Vallée de la Dordogne et Forêt Bessède", DORDOGNE)
st_cyprien, meyrals, belves = (
    Body("Saint-Cyprien", "212403968"),
    Body("Meyrals", "212402689"),
    Body("Pays de Belvès", "200059731"),
)
FS = "Financements sollicités"
rows_24 = [
    ["N°", "Projet", "Porteur", "Montant de l'opération", FS, "Échéancier"],
    [
        "1",
        "Aménagement du bourg de Saint-Cyprien (tranche 2)",
        "Commune de Saint-Cyprien",
        "1 320 000 € HT",
        "DETR : 330 000 €\nRégion Nouvelle-Aquitaine : 198 000 €\nDépartement : 264 000 €",
        "2024-2025",
    ],
    [
        "2",
        "Passerelle piétonne sur la Dordogne à Siorac-en-Périgord",
        "CC Vallée de la Dordogne et Forêt Bessède",
        "2 750 000 € HT",
        "DSIL : 825 000 €\nRégion : 550 000 €\nDépartement de la Dordogne : 412 500 €\nFEDER : 550 000 €",
        "2025-2027",
    ],
    [
        "3",
        "Rénovation énergétique de l'école de Meyrals",
        "Commune de Meyrals",
        "540 000 € HT",
        "DSIL rénovation énergétique : 216 000 €\nDépartement : 81 000 €",
        "2024",
    ],
    [
        "4",
        "Création d'un réseau de chaleur bois à Belvès",
        "Commune de Pays de Belvès",
        "980 000 € HT",
        "ADEME Fonds chaleur : 392 000 €\nRégion : 98 000 €",
        "2025",
    ],
    ["", "TOTAL", "", "5 590 000 €", "", ""],
]
NA, DD = "Région Nouvelle-Aquitaine", "Département de la Dordogne"
truth_24 = [
    A(
        "Aménagement du bourg de Saint-Cyprien (tranche 2)",
        [st_cyprien],
        1320000,
        in_column([L("État", 330000, scheme="DETR"), L(NA, 198000), L(DD, 264000)], FS),
        2024,
        2025,
    ),
    A(
        "Passerelle piétonne sur la Dordogne à Siorac-en-Périgord",
        [ccvdfb],
        2750000,
        in_column([L("État", 825000, scheme="DSIL"), L(NA, 550000), L(DD, 412500), L(FEDER, 550000)], FS),
        2025,
        2027,
    ),
    A(
        "Rénovation énergétique de l'école de Meyrals",
        [meyrals],
        540000,
        in_column([L("État", 216000, scheme="DSIL rénovation énergétique"), L(DD, 81000)], FS),
        2024,
    ),
    A(
        "Création d'un réseau de chaleur bois à Belvès",
        [belves],
        980000,
        in_column(
            [L("Agence de la transition écologique", 392000, scheme="Fonds chaleur"), L(NA, 98000)], FS
        ),
        2025,
    ),
]
blocks_24 = [
    ("title", "CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE"),
    ("p", "Vallée de la Dordogne et Forêt Bessède"),
    (
        "p",
        "Entre la Communauté de communes Vallée de la Dordogne et Forêt Bessède, représentée par son Président, "
        "Monsieur Pierre LAFON,",
    ),
    ("p", "et l'État, représenté par le Préfet de la Dordogne, Monsieur Jean-Sébastien LAMONTAGNE,"),
    ("h1", "Article 1 – Objet et durée"),
    ("p", "Le présent contrat est conclu pour la période 2024-2026."),
    ("h1", "Article 2 – Orientations"),
    ("p", "Orientation 1 : Aménager des bourgs vivants"),
    ("p", "Orientation 2 : Sobriété et énergies renouvelables"),
    ("h1", "Article 3 – Projets retenus"),
    ("table", rows_24),
    ("p", "Fait à Saint-Cyprien, le 19 janvier 2024"),
]
document_file(
    "24-vallee-dordogne-financements-sollicites.docx",
    "docx",
    "Word contract whose annex has one « Financements sollicités » column with one line per financer "
    "(« DETR : 330 000 € » / « Région Nouvelle-Aquitaine : 198 000 € »), « Montant de l'opération », TOTAL row",
    contract("CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE", DORDOGNE, "2024-01-19", 2024, 2026),
    truth_24,
    lambda path: write_docx(path, blocks_24),
    {
        "title": "Projet",
        "owners": "Porteur",
        "amount": "Montant de l'opération",
        "start_year": "Échéancier",
        "end_year": "Échéancier",
    },
)

# 22. Normandie: XLSX with amounts as text, « / an », asterisks, a note row, long body titles --------

MSMN = "200069425"
camsmn = Body("CA Mont-Saint-Michel-Normandie", MSMN)
st_james, st_hilaire, avranches = (
    Body("Saint-James", "200063295"),
    Body("Saint-Hilaire-du-Harcouët", "200058204"),
    Body("Avranches", "200083640"),
)
C_ETAT = "Subventions attendues (État)"
C_REG = "Subventions attendues (Région Normandie)"
C_DEP = "Subventions attendues (Département de la Manche)"
C_OWN = "Autofinancement"
rows_50, truth_50 = with_rows(
    [
        (
            [
                "Mobilité",
                "Pôle d'échanges de la gare de Pontorson – Mont-Saint-Michel",
                "CA Mont-Saint-Michel-Normandie",
                "Pontorson",
                "3 600 000,00 €",
                "900 000,00 €",
                "720 000,00 €",
                "540 000,00 €",
                "1 440 000,00 €",
                "2024-2026",
            ],
            A(
                "Pôle d'échanges de la gare de Pontorson – Mont-Saint-Michel",
                [camsmn],
                3600000,
                [
                    L("État", 900000, column=C_ETAT),
                    L("Région Normandie", 720000, column=C_REG),
                    L("Département de la Manche", 540000, column=C_DEP),
                    own(camsmn, 1440000, column=C_OWN),
                ],
                2024,
                2026,
                ["50410"],
            ),
        ),
        (
            [
                "Habitat",
                "OPAH-RU du centre-ville d'Avranches (suivi-animation)",
                "CA Mont-Saint-Michel-Normandie",
                "Avranches",
                "95 000,00 € / an",
                "47 500,00 € / an (ANAH)",
                "",
                "",
                "47 500,00 € / an",
                "2024-2028",
            ],
            A(
                "OPAH-RU du centre-ville d'Avranches (suivi-animation)",
                [camsmn],
                95000,
                [
                    L("Agence nationale de l'habitat", 47500, annual=True, column=C_ETAT),
                    own(camsmn, 47500, annual=True, column=C_OWN),
                ],
                2024,
                2028,
                ["50025"],
                annual=True,
            ),
        ),
        (
            [
                "Santé",
                "Maison de santé pluriprofessionnelle de Saint-James",
                "Commune de Saint-James",
                "Saint-James",
                "1 850 000,00 €",
                "462 500,00 € (DETR)",
                "370 000,00 €",
                "185 000,00 €",
                "832 500,00 €",
                "2025-2026",
            ],
            A(
                "Maison de santé pluriprofessionnelle de Saint-James",
                [st_james],
                1850000,
                [
                    L("État", 462500, scheme="DETR", column=C_ETAT),
                    L("Région Normandie", 370000, column=C_REG),
                    L("Département de la Manche", 185000, column=C_DEP),
                    own(st_james, 832500, column=C_OWN),
                ],
                2025,
                2026,
                ["50487"],
            ),
        ),
        (
            [
                "Énergie",
                "Réseau de chaleur biomasse de Saint-Hilaire-du-Harcouët",
                "Commune de Saint-Hilaire-du-Harcouët",
                "Saint-Hilaire-du-Harcouët",
                "2 240 000,00 €*",
                "896 000,00 € (Fonds chaleur ADEME)",
                "224 000,00 €",
                "",
                "1 120 000,00 €",
                "2025-2027",
            ],
            A(
                "Réseau de chaleur biomasse de Saint-Hilaire-du-Harcouët",
                [st_hilaire],
                2240000,
                [
                    L("Agence de la transition écologique", 896000, scheme="Fonds chaleur", column=C_ETAT),
                    L("Région Normandie", 224000, column=C_REG),
                    own(st_hilaire, 1120000, column=C_OWN),
                ],
                2025,
                2027,
                ["50484"],
            ),
        ),
        (
            [
                "Culture",
                "Rénovation du Scriptorial d'Avranches",
                "Commune d'Avranches",
                "Avranches",
                "1 200 000,00 €",
                "360 000,00 € (DSIL)",
                "240 000,00 €",
                "120 000,00 €",
                "480 000,00 €",
                "2024",
            ],
            A(
                "Rénovation du Scriptorial d'Avranches",
                [avranches],
                1200000,
                [
                    L("État", 360000, scheme="DSIL", column=C_ETAT),
                    L("Région Normandie", 240000, column=C_REG),
                    L("Département de la Manche", 120000, column=C_DEP),
                    own(avranches, 480000, column=C_OWN),
                ],
                2024,
                None,
                ["50025"],
            ),
        ),
    ],
    first_row=5,
)
table_file(
    "50-mont-saint-michel-suivi.xlsx",
    "xlsx",
    "a follow-up sheet: figures typed as text (« 1 200 000,00 € », « 95 000,00 € / an », « 2 240 000,00 €* »), long "
    "titles naming the body in brackets (« Subventions attendues (Région Normandie) »), a note row above the header",
    MSMN,
    truth_50,
    {
        "title": "Projet",
        "owners": "Maître d'ouvrage",
        "amount": "Coût global",
        "start_year": "Période",
        "end_year": "Période",
        "communes": "Commune",
    },
    lambda path: write_xlsx(
        path,
        [
            (
                "Suivi",
                [
                    ["CRTE Mont-Saint-Michel-Normandie – suivi de la programmation"],
                    ["* montants en cours de consolidation"],
                    [],
                    [
                        "Thématique",
                        "Projet",
                        "Maître d'ouvrage",
                        "Commune",
                        "Coût global",
                        C_ETAT,
                        C_REG,
                        C_DEP,
                        C_OWN,
                        "Période",
                    ],
                    *rows_50,
                ],
                [],
            )
        ],
    ),
)

# 23. Martinique: CSV with « , », every field quoted, UTF-8 with BOM, columns « Etat - DSIL » --------

ESPACESUD = "249720053"
caesm = Body("CA de l'Espace Sud de la Martinique", ESPACESUD)
marin, ste_luce, ducos = (
    Body("Le Marin", "219722170"),
    Body("Sainte-Luce", "219722279"),
    Body("Ducos", "219722071"),
)
HEAD_972B = [
    "Opération",
    "Maître d'ouvrage",
    "Coût (€)",
    "CTM",
    "Etat - DSIL",
    "Etat - Fonds vert",
    "Europe - FEDER",
    "Reste à charge",
    "Démarrage",
    "Achèvement",
]


def lines_972b(owner, ctm, dsil_amount, vert, feder, rest):
    out = []
    if ctm:
        out.append(L(CTM, ctm, column="CTM"))
    if dsil_amount:
        out.append(L("État", dsil_amount, scheme="DSIL", column="Etat - DSIL"))
    if vert:
        out.append(L("État", vert, scheme="Fonds vert", column="Etat - Fonds vert"))
    if feder:
        out.append(L(FEDER, feder, column="Europe - FEDER"))
    if rest:
        out.append(own(owner, rest, column="Reste à charge"))
    return out


rows_972b, truth_972b = with_rows(
    [
        (HEAD_972B, None),
        (
            [
                "Reconstruction du ponton de pêche du Marin",
                "Commune du Marin",
                "1 250 000,00",
                "250 000,00",
                "375 000,00",
                "",
                "500 000,00",
                "125 000,00",
                "2024",
                "2025",
            ],
            A(
                "Reconstruction du ponton de pêche du Marin",
                [marin],
                1250000,
                lines_972b(marin, 250000, 375000, None, 500000, 125000),
                2024,
                2025,
            ),
        ),
        (
            [
                "Création d'une ferme photovoltaïque flottante : étude",
                "CAESM",
                "180 000,00",
                "36 000,00",
                "",
                "54 000,00",
                "54 000,00",
                "36 000,00",
                "2024",
                "2024",
            ],
            A(
                "Création d'une ferme photovoltaïque flottante : étude",
                [caesm],
                180000,
                lines_972b(caesm, 36000, None, 54000, 54000, 36000),
                2024,
                2024,
            ),
        ),
        (
            [
                "Aménagement du front de mer de Sainte-Luce",
                "Ville de Sainte-Luce",
                "2 700 000,00",
                "540 000,00",
                "810 000,00",
                "",
                "1 080 000,00",
                "270 000,00",
                "2025",
                "2027",
            ],
            A(
                "Aménagement du front de mer de Sainte-Luce",
                [ste_luce],
                2700000,
                lines_972b(ste_luce, 540000, 810000, None, 1080000, 270000),
                2025,
                2027,
            ),
        ),
        (
            [
                "Réhabilitation de la station d'épuration du Vauclin",
                "CAESM",
                "3 900 000,00",
                "780 000,00",
                "",
                "1 170 000,00",
                "1 560 000,00",
                "390 000,00",
                "2024",
                "2026",
            ],
            A(
                "Réhabilitation de la station d'épuration du Vauclin",
                [caesm],
                3900000,
                lines_972b(caesm, 780000, None, 1170000, 1560000, 390000),
                2024,
                2026,
            ),
        ),
        (
            [
                "Jardins partagés et ferme pédagogique de Ducos",
                "Commune de Ducos",
                "320 000,00",
                "64 000,00",
                "",
                "96 000,00",
                "",
                "160 000,00",
                "2024",
                "2025",
            ],
            A(
                "Jardins partagés et ferme pédagogique de Ducos",
                [ducos],
                320000,
                lines_972b(ducos, 64000, None, 96000, None, 160000),
                2024,
                2025,
            ),
        ),
    ],
    first_row=1,
)
table_file(
    "972-espace-sud-colonnes-dispositifs.csv",
    "csv",
    "CSV with « , », every field quoted, UTF-8 with a BOM, financer and scheme in one title (« Etat - DSIL », "
    "« Europe - FEDER »), « Reste à charge », figures « 1 250 000,00 »",
    ESPACESUD,
    truth_972b,
    {
        "title": "Opération",
        "owners": "Maître d'ouvrage",
        "amount": "Coût (€)",
        "start_year": "Démarrage",
        "end_year": "Achèvement",
    },
    lambda path: write_csv(path, rows_972b, delimiter=",", encoding="utf-8", bom=True, quote_all=True),
)


def main() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    names = set()
    for spec in FILES:
        path = CORPUS / spec["file"]
        spec["write"](path)
        truth = {key: value for key, value in spec.items() if key != "write"}
        (CORPUS / f"{spec['file']}.truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        names.add(spec["file"])
        print(f"{path.stat().st_size:>8} B  {spec['file']}  ({len(spec['actions'])} actions)")
    for stale in CORPUS.iterdir():
        if stale.name.removesuffix(".truth.json") not in names:
            stale.unlink()
    print(f"{len(FILES)} files in {CORPUS}")


if __name__ == "__main__":
    main()
