"""Every document format people have, read into one neutral sequence of blocks (heading,
paragraph, table with its cells, each with its page when the format has pages), which the
single structure reader (`contract_document`) works on. Pure functions from bytes.

- PDF with pdfplumber: its tables (ruled or not) as tables, the rest of each page as text;
  a PDF without any text (a scan) is refused with a clear message (no OCR here);
- Word `.docx` with python-docx: headings, paragraphs (bold kept as `**…**`, the way the
  text export of a contract marks signatories), tables;
- OpenDocument `.odt`: its content.xml (text:h, text:p, table:table);
- text and Markdown: lines; tab-separated, pipe and space-aligned tables are tables."""

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from crte.importers.read.sandbox import ReadError
from crte.importers.read.text import decode

DOCUMENT_SUFFIXES = {".txt", ".md", ".pdf", ".docx", ".odt"}
MAX_PAGES = 400


class UnreadableDocument(ReadError):
    """The file cannot be read as a document; the message is French and says why."""


@dataclass
class Block:
    kind: str  # "heading", "paragraph" or "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    page: int | None = None


@dataclass
class Lines:
    """Blocks laid out as the lines the structure reader reads (tables as tab-separated
    rows), with the page each line comes from."""

    lines: list[str]
    pages: list[int | None]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def page_of(self, line: int | None) -> int | None:
        """The page of a 1-based line number."""
        if line is None or not 1 <= line <= len(self.pages):
            return None
        return self.pages[line - 1]


def read_blocks(data: bytes, name: str) -> list[Block]:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    readers = {"pdf": pdf_blocks, "docx": docx_blocks, "odt": odt_blocks}
    if suffix in readers:
        return readers[suffix](data)
    return text_blocks(decode(data, name).text)


def cell(text: str | None) -> str:
    """A table cell on one line: line breaks inside a cell become spaces, tabs too."""
    return " ".join((text or "").replace("\t", " ").split())


def text_blocks(text: str) -> list[Block]:
    """Lines of text: a run of lines with tabs or pipes is a table, and so is a run of
    lines whose cells are aligned by spaces; other lines are paragraphs (the structure
    reader decides what is a heading)."""
    blocks: list[Block] = []
    lines = text.splitlines()
    aligned = aligned_tables(lines) | pipe_tables(lines) | grid_tables(lines)
    for index, line in enumerate(lines):
        if index in aligned:
            row = aligned[index]
            if not row:
                continue  # a rule line
        elif "\t" in line:
            row = line.split("\t")
        elif re.match(r"^\s*\|.*\|\s*$", line):
            if re.fullmatch(r"\s*\|[\s:|-]+\|\s*", line):
                continue  # a Markdown table's rule line
            row = [c.strip() for c in line.strip().strip("|").split("|")]
        else:
            blocks.append(Block("paragraph", line))
            continue
        if blocks and blocks[-1].kind == "table":
            blocks[-1].rows.append(row)
        else:
            blocks.append(Block("table", rows=[row]))
    return blocks


GRID_BORDER = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")
ENDS_WITH_FIGURE = re.compile(r"[\d€%]\s*$")


def grid_tables(lines: list[str]) -> dict[int, list[str]]:
    """Grid tables (pandoc, reStructuredText): rows between `+----+` borders, a cell's text
    over several lines joined back (by « ; » after a figure: one financer per line), the
    columns where the border has its `+`. The row sits at its first line; its other lines
    and the borders are empty rows (skipped)."""
    rows: dict[int, list[str]] = {}
    index = 0
    while index < len(lines):
        if not GRID_BORDER.match(lines[index]):
            index += 1
            continue
        border = lines[index].strip()
        cuts = [i for i, ch in enumerate(border) if ch == "+"]
        offset = lines[index].index("+")
        rows[index] = []
        start, following = None, index + 1
        while following < len(lines) and (
            GRID_BORDER.match(lines[following]) or lines[following].strip().startswith("|")
        ):
            if GRID_BORDER.match(lines[following]):
                rows[following] = []
                start = None
            elif start is None:
                start = following
                rows[following] = grid_cells([lines[following]], cuts, offset)
            else:
                parts = [lines[n] for n in range(start, following + 1)]
                rows[start] = grid_cells(parts, cuts, offset)
                rows[following] = []
            following += 1
        index = following
    return rows


def grid_cells(parts: list[str], cuts: list[int], offset: int) -> list[str]:
    cells = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        text = ""
        for part in parts:
            piece = " ".join(part[offset + left + 1 : offset + right].split())
            if piece:
                joiner = " ; " if ENDS_WITH_FIGURE.search(text) and piece[:1].isupper() else " "
                text = f"{text}{joiner}{piece}" if text else piece
        cells.append(text)
    return cells


RULE_CELL = r"\s*:?-{3,}:?\s*"
RULE_WITHOUT_OUTER_PIPES = re.compile(rf"^{RULE_CELL}(?:\|{RULE_CELL})+$")


def pipe_tables(lines: list[str]) -> dict[int, list[str]]:
    """Markdown tables written without outer pipes (« a | b » over « --- | --- »): the
    header above a rule line and the lines with pipes below it; the rule itself is an
    empty row (skipped)."""
    rows: dict[int, list[str]] = {}
    for index, line in enumerate(lines):
        if index == 0 or not RULE_WITHOUT_OUTER_PIPES.match(line) or "|" not in lines[index - 1]:
            continue
        rows[index - 1] = [c.strip() for c in lines[index - 1].strip().strip("|").split("|")]
        rows[index] = []
        following = index + 1
        while following < len(lines) and "|" in lines[following] and lines[following].strip():
            rows[following] = [c.strip() for c in lines[following].strip().strip("|").split("|")]
            following += 1
    return rows


GAP = re.compile(r"\S(?: {2,}|\u00a0{2,})(?=\S)")
SEGMENT = re.compile(r"\S+(?: \S+)*")


def segments(line: str) -> list[tuple[int, int, str]]:
    """The cells of a space-aligned line: text separated by two spaces or more."""
    return [(m.start(), m.end(), m.group(0)) for m in SEGMENT.finditer(line.replace("\u00a0", " "))]


def is_aligned_row(line: str) -> bool:
    return "\t" not in line and "|" not in line and len(GAP.findall(line)) >= 2


def aligned_tables(lines: list[str]) -> dict[int, list[str]]:
    """Space-aligned tables (a text export of a spreadsheet, a plain-text annex): a run
    of at least two lines of three cells or more, over section titles (one cell).
    Columns are the spans between gutters, the positions blank in every aligned line of
    the run (so a header's empty cells and a row's empty cells stay in place); each cell
    is the text inside a column, and a line of one cell goes to the column where it
    starts."""
    rows: dict[int, list[str]] = {}
    index = 0
    while index < len(lines):
        if not is_aligned_row(lines[index]):
            index += 1
            continue
        run, following = [index], index + 1
        while following < len(lines) and not ends_run(lines, following):
            if lines[following].strip():
                run.append(following)
            following += 1
        aligned = [lines[n].replace("\u00a0", " ") for n in run if is_aligned_row(lines[n])]
        if len(aligned) >= 2:
            spans = column_spans(aligned)
            for number in run:
                rows[number] = cells_in(lines[number].replace("\u00a0", " "), spans)
        index = following
    return rows


def column_spans(lines: list[str]) -> list[tuple[int, int]]:
    """The columns of aligned lines: maximal spans of positions, split by gutters of two
    blank positions or more (blank in every line)."""
    width = max(len(line) for line in lines)
    blank = [all(pos >= len(line) or line[pos] == " " for line in lines) for pos in range(width)]
    spans, start, pos = [], None, 0
    while pos < width:
        if not blank[pos]:
            start = pos if start is None else start
            pos += 1
            continue
        gutter = pos
        while gutter < width and blank[gutter]:
            gutter += 1
        if start is not None and (gutter - pos >= 2 or gutter == width):
            spans.append((start, pos))
            start = None
        pos = gutter
    if start is not None:
        spans.append((start, width))
    return spans


def cells_in(line: str, spans: list[tuple[int, int]]) -> list[str]:
    if not is_aligned_row(line):  # a section title: one cell, where it starts
        found = segments(line)
        first = found[0][0] if found else 0
        column = max((i for i, (start, _) in enumerate(spans) if start <= first), default=0)
        return ["" if i != column else " ".join(line.split()) for i in range(len(spans))]
    return [" ".join(line[start:end].split()) for start, end in spans]


def ends_run(lines: list[str], index: int) -> bool:
    """A table of aligned lines goes on over section titles (one cell); it ends at a
    blank line or at a line of several cells that are not aligned."""
    line = lines[index]
    return not is_aligned_row(line) and (not line.strip() or len(segments(line)) > 1)


def to_lines(blocks: list[Block]) -> Lines:
    lines: list[str] = []
    pages: list[int | None] = []
    for block in blocks:
        if block.kind == "table":
            for row in block.rows:
                lines.append("\t".join(row))
                pages.append(block.page)
        else:
            for line in block.text.split("\n") or [""]:
                lines.append(line)
                pages.append(block.page)
    return Lines(lines, pages)


# --- PDF ----------------------------------------------------------------------------------------


def pdf_blocks(data: bytes) -> list[Block]:
    import pdfplumber  # imported here: only PDF imports pay for it

    try:
        document = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises its own errors on damaged files
        raise UnreadableDocument(f"Le PDF est illisible ou endommagé ({type(error).__name__}).") from None
    blocks: list[Block] = []
    with document:
        if len(document.pages) > MAX_PAGES:
            raise UnreadableDocument(f"Le PDF a {len(document.pages)} pages (limite : {MAX_PAGES}).")
        for number, page in enumerate(document.pages, start=1):
            blocks += pdf_page_blocks(page, number)
    if not any(b.text.strip() or b.rows for b in blocks):
        raise UnreadableDocument(
            "Ce PDF ne contient pas de texte (document numérisé) : exportez le contrat depuis son "
            "traitement de texte, ou faites-le passer par une reconnaissance de caractères avant l'import."
        )
    return blocks


def pdf_page_blocks(page, number: int) -> list[Block]:
    """One page: its tables where they are, the text between them line by line."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    pieces: list[tuple[float, Block]] = []
    for table in tables:
        rows = [[cell(c) for c in row] for row in table.extract() if any(c for c in row)]
        if rows:
            pieces.append((table.bbox[1], Block("table", rows=rows, page=number)))
    text_page = page.filter(outside) if boxes else page
    for line in text_page.extract_text_lines(return_chars=False):
        pieces.append((line["top"], Block("paragraph", line["text"], page=number)))
    return [block for _, block in sorted(pieces, key=lambda piece: piece[0])]


# --- Word ---------------------------------------------------------------------------------------


def docx_blocks(data: bytes) -> list[Block]:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds on damaged files
        raise UnreadableDocument(
            f"Le fichier Word est illisible ou endommagé ({type(error).__name__})."
        ) from None
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.append(Block("table", rows=[merged_once(row.cells) for row in item.rows]))
        elif isinstance(item, Paragraph):
            style = (item.style.name or "").lower() if item.style is not None else ""
            kind = "heading" if style.startswith(("heading", "titre", "title")) else "paragraph"
            blocks.append(Block(kind, runs_text(item)))
    return blocks


def runs_text(paragraph) -> str:
    """A paragraph's text, bold runs marked `**…**` as in the text export of contracts."""
    parts = []
    for run in paragraph.runs:
        text = run.text
        if run.bold and text.strip():
            lead, core, trail = re.match(r"(\s*)(.*?)(\s*)$", text, re.S).groups()
            text = f"{lead}**{core}**{trail}"
        parts.append(text)
    return "".join(parts).replace("****", "") or paragraph.text


def merged_once(cells) -> list[str]:
    """python-docx gives a merged cell once per grid column it spans (the same XML cell):
    its text is kept in the first, so that « Financements » spanning three columns stays
    one heading over them; equal texts in distinct cells stay."""
    result, previous = [], None
    for c in cells:
        result.append("" if c._tc is previous else cell(c.text))
        previous = c._tc
    return result


# --- OpenDocument -------------------------------------------------------------------------------

ODF = {
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}


def odt_blocks(data: bytes) -> list[Block]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("content.xml")
            if info.file_size > 100 * 1024**2:
                raise UnreadableDocument("Le document OpenDocument est trop volumineux.")
            root = SafeElementTree.fromstring(archive.read(info))  # no entities, no external refs
    except DefusedXmlException:
        raise UnreadableDocument(
            "Le document OpenDocument contient des entités ou des références externes XML : refusé."
        ) from None
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
        raise UnreadableDocument(
            f"Le document OpenDocument est illisible ({type(error).__name__})."
        ) from None
    body = root.find("office:body/office:text", ODF)
    blocks: list[Block] = []
    for element in list(body) if body is not None else []:
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "h":
            blocks.append(Block("heading", odf_text(element)))
        elif tag == "p":
            blocks.append(Block("paragraph", odf_text(element)))
        elif tag == "table":
            rows = []
            for row in element.iter(f"{{{ODF['table']}}}table-row"):
                cells = []
                for c in row.findall("table:table-cell", ODF):
                    repeat = min(int(c.get(f"{{{ODF['table']}}}number-columns-repeated", "1")), 50)
                    cells += [cell(" ".join(odf_text(p) for p in c))] * repeat
                rows.append(cells)
            blocks.append(Block("table", rows=rows))
        elif tag == "list":
            for item in element.iter(f"{{{ODF['text']}}}list-item"):
                blocks.append(Block("paragraph", "- " + " ".join(odf_text(p) for p in item)))
    return blocks


MAX_SPACES = 100  # `<text:s c="1000000000"/>` is a run of spaces, not a gigabyte of them


def int_or_one(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 1


def odf_text(element) -> str:
    parts = []
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "s":
            parts.append(" " * min(int_or_one(child.get(f"{{{ODF['text']}}}c")), MAX_SPACES))
        elif tag in ("tab",) or tag == "line-break":
            parts.append(" ")
        else:
            parts.append(odf_text(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)
