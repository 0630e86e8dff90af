"""Builds real contract documents for the tests from a text layout (lines; tab-separated
lines are table rows; `**…**` is bold; `# ` opens a heading): a Word file with python-docx
(real tables, bold runs, heading styles), a PDF with WeasyPrint (real HTML tables), an
OpenDocument text as LibreOffice writes it."""

import html
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.shared import Pt

from crte.importers.read.blocks import text_blocks


def bold_runs(paragraph, text: str) -> None:
    for index, piece in enumerate(re.split(r"\*\*", text)):
        if piece:
            paragraph.add_run(piece).bold = index % 2 == 1


def write_docx(text: str, path: Path) -> Path:
    document = Document()
    document.styles["Normal"].font.size = Pt(9)
    for block in text_blocks(text):
        if block.kind == "table":
            width = max(len(r) for r in block.rows)
            table = document.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            for row in block.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row + [""] * (width - len(row)), strict=True):
                    cell.text = value
        elif block.text.startswith("# "):
            document.add_heading(block.text[2:], level=1)
        else:
            bold_runs(document.add_paragraph(), block.text)
    document.save(path)
    return path


def html_of(text: str) -> str:
    parts = [
        "<html><head><meta charset='utf-8'><style>"
        "@page { size: A3 landscape; margin: 1cm } body { font: 6.5pt DejaVu Sans, sans-serif } "
        "p { margin: 0 } h1 { font-size: 9pt; margin: 4pt 0 } "
        "table { border-collapse: collapse; width: 100%; margin: 4pt 0 } "
        "td { border: 0.5pt solid #000; padding: 1pt 2pt; vertical-align: top }"
        "</style></head><body>"
    ]
    for block in text_blocks(text):
        if block.kind == "table":
            width = max(len(r) for r in block.rows)
            rows = "".join(
                "<tr>"
                + "".join(f"<td>{html.escape(c) or '&nbsp;'}</td>" for c in r + [""] * (width - len(r)))
                + "</tr>"
                for r in block.rows
            )
            parts.append(f"<table>{rows}</table>")
        elif block.text.startswith("# "):
            parts.append(f"<h1>{html.escape(block.text[2:])}</h1>")
        elif block.text.strip():
            escaped = html.escape(block.text)
            parts.append("<p>" + re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped) + "</p>")
        else:
            parts.append("<p>&nbsp;</p>")
    return "".join(parts) + "</body></html>"


def write_pdf(text: str, path: Path) -> Path:
    from crte.reports.pdf import html_to_pdf

    path.write_bytes(html_to_pdf(html_of(text)))
    return path


def write_odt(text: str, path: Path) -> Path:
    body = []
    for block in text_blocks(text):
        if block.kind == "table":
            rows = "".join(
                "<table:table-row>"
                + "".join(
                    f"<table:table-cell><text:p>{html.escape(c)}</text:p></table:table-cell>" for c in row
                )
                + "</table:table-row>"
                for row in block.rows
            )
            body.append(f"<table:table>{rows}</table:table>")
        elif block.text.startswith("# "):
            body.append(f"<text:h>{html.escape(block.text[2:])}</text:h>")
        else:
            body.append(f"<text:p>{html.escape(block.text)}</text:p>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
        "<office:body><office:text>"
        + "".join(body)
        + "</office:text></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        archive.writestr("content.xml", content)
    return path


def write_aligned(text: str, path: Path) -> Path:
    """The same text with its tables laid out by spaces, as a spreadsheet's or a word
    processor's plain-text export does: each column padded to its widest cell over the
    whole table (section titles between rows included), figures aligned to the right."""
    blocks = text_blocks(text)
    groups: list[list] = []  # a table's rows and the section titles between them, or a paragraph
    for index, block in enumerate(blocks):
        between = (
            block.kind == "paragraph"
            and block.text.strip()
            and groups
            and isinstance(groups[-1], list)
            and index + 1 < len(blocks)
            and blocks[index + 1].kind == "table"
        )
        if block.kind == "table" and groups and isinstance(groups[-1], list):
            groups[-1] += block.rows
        elif block.kind == "table":
            groups.append(list(block.rows))
        elif between:
            groups[-1].append(block.text)
        else:
            groups.append(block.text)
    out = []
    for group in groups:
        if isinstance(group, str):
            out.append(group)
            continue
        rows = [r for r in group if isinstance(r, list)]
        width = max(len(r) for r in rows)
        sizes = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(width)]
        for row in group:
            if isinstance(row, str):
                out.append(row)
                continue
            row = [*row, *[""] * (width - len(row))]
            cells = [
                c.rjust(sizes[i]) if re.match(r"^[\d.,  ]+\s*(?:€|K€|M€|%)?$", c) else c.ljust(sizes[i])
                for i, c in enumerate(row)
            ]
            out.append("   ".join(cells).rstrip())
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
