"""What a spreadsheet may cost, checked before it is read. A 5 KB `.xlsx` with one cell in
A1 and one in XFD1048576 makes a reader that builds the dense range allocate hundreds of
GiB; a zip bomb inflates to gigabytes. So: the archive's declared sizes are checked, every
sheet's cells are scanned as a stream for the rectangle they span; then the reading itself
runs in a bounded child process (sandbox.py). Pure Python, no Django."""

import html
import re
import zipfile
from dataclasses import dataclass

from crte.importers.read.sandbox import ReadError, TooCostly

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200  # unpacked / packed, per member
MAX_CELLS = 5_000_000  # the dense rectangle a sheet may span (rows x columns)

CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
CHUNK = 1 << 20


@dataclass
class Extent:
    sheet: str
    first_row: int = 0
    last_row: int = 0
    first_column: int = 0
    last_column: int = 0

    @property
    def cells(self) -> int:
        if not self.last_row:
            return 0
        return (self.last_row - self.first_row + 1) * (self.last_column - self.first_column + 1)

    def include(self, references: list[tuple[bytes, bytes]]) -> None:
        """Cells given as (column letters, row digits): the extremes only are added."""
        if references:
            columns = {column_number(letters) for letters in {c for c, _ in references}}
            rows = [int(r) for _, r in references]
            self.add(min(columns), min(rows))
            self.add(max(columns), max(rows))

    def add(self, column: int, row: int) -> None:
        if not self.last_row:
            self.first_row = self.last_row = row
            self.first_column = self.last_column = column
            return
        self.first_row, self.last_row = min(self.first_row, row), max(self.last_row, row)
        self.first_column, self.last_column = min(self.first_column, column), max(self.last_column, column)


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_size(size: int, name: str) -> None:
    if size > MAX_FILE_BYTES:
        raise TooCostly(
            f"{name} : le fichier fait {size / 1024**2:.1f} Mo, au-delà de la limite de "
            f"{MAX_FILE_BYTES // 1024**2} Mo."
        )


def check_archive(path, name: str) -> None:
    """An .xlsx or .ods is a zip: its declared sizes and every sheet's extent are checked."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise ReadError(f"Le fichier est illisible ou endommagé ({error}).") from None
    with archive:
        members = archive.infolist()
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise TooCostly(
                f"{name} : le classeur décompressé ferait {unpacked / 1024**2:.0f} Mo, "
                f"au-delà de la limite de {MAX_UNPACKED_BYTES // 1024**2} Mo."
            )
        for member in members:
            ratio = member.file_size // max(member.compress_size, 1)
            if member.file_size > 1024**2 and ratio > MAX_RATIO:
                raise TooCostly(
                    f"{name} : l'élément « {member.filename} » se décompresse {ratio} fois : "
                    "fichier refusé (archive piégée)."
                )
        names = sheet_names(archive)
        for member in members:
            if re.fullmatch(r"xl/worksheets/[^/]+\.xml", member.filename):
                extent = scan_sheet(archive, member)
                extent.sheet = names.get(member.filename, extent.sheet)
                check_extent(extent, name)


def sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> the sheet's name as the user sees it (xl/workbook.xml and its
    relationships); small files, read only when present and small."""
    try:
        book = archive.read("xl/workbook.xml")[: 4 * 1024**2].decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels")[: 4 * 1024**2].decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'Id="([^"]+)"', rel[0]), re.search(r'Target="([^"]+)"', rel[0])
        if rid and target:
            targets[rid[1]] = "xl/" + target[1].removeprefix("/xl/").removeprefix("xl/")
    names = {}
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", book):
        label, rid = re.search(r'name="([^"]*)"', sheet[0]), re.search(r'r:id="([^"]+)"', sheet[0])
        if label and rid and rid[1] in targets:
            names[targets[rid[1]]] = html.unescape(label[1])
    return names


def scan_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Extent:
    """The rectangle spanned by the cells of one worksheet, read as a stream (bounded by
    the member's size, itself bounded above)."""
    extent = Extent(member.filename.rsplit("/", 1)[-1].removesuffix(".xml"))
    tail = b""
    with archive.open(member) as stream:
        read = 0
        while chunk := stream.read(CHUNK):
            read += len(chunk)
            if read > MAX_UNPACKED_BYTES:  # a header that lied about its size
                raise TooCostly(f"la feuille « {extent.sheet} » dépasse la taille autorisée.")
            data = tail + chunk
            cut = data.rfind(b"<")
            cut = len(data) if cut < 0 else cut
            extent.include(CELL_REF.findall(data, 0, cut))
            tail = data[cut:]
    extent.include(CELL_REF.findall(tail))
    return extent


def check_extent(extent: Extent, name: str) -> None:
    if extent.cells > MAX_CELLS:
        first = f"{column_letters(extent.first_column)}{extent.first_row}"
        last = f"{column_letters(extent.last_column)}{extent.last_row}"
        raise TooCostly(
            f"{name}, feuille « {extent.sheet} » : les cellules vont de {first} à {last}, soit "
            f"{_count(extent.cells)} cellules à lire (limite {_count(MAX_CELLS)}). Supprimez les "
            "cellules éloignées du tableau ou enregistrez seulement le tableau."
        )


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")
