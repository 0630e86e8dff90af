"""Spreadsheets (.xlsx, .xlsm, .ods through calamine; .csv through the csv module) into
tables of raw cells, one per sheet, each row with its line in the file. What the cells mean
is understood later (understand/from_table.py)."""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from crte.importers.read.sandbox import ReadError
from crte.importers.read.text import decode

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".csv"}


@dataclass
class Table:
    rows: list[list[object]]
    lines: list[int]  # the file's line number of each row
    sheet: str = ""
    warnings: list[str] = field(default_factory=list)
    encoding: str = ""  # a CSV's encoding, as people know it


def read_tables(path: Path, name: str) -> list[Table]:
    """Every sheet of the file (run in the sandbox: see read_spreadsheet)."""
    if Path(name).suffix.lower() == ".csv":
        return [read_csv(Path(path).read_bytes(), name)]
    try:
        return read_workbook(path)
    except ReadError:
        raise
    except Exception as error:  # calamine raises its own errors on damaged files
        suffix = Path(name).suffix.lower()
        raise ReadError(
            f"Le fichier est illisible, tronqué ou n'est pas un classeur {suffix} ({error})."
        ) from None


def read_csv(data: bytes, name: str) -> Table:
    decoded = decode(data, name)
    sample = decoded.text[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter)
    rows, lines = [], []
    line = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(line)
            line = reader.line_num + 1
    except csv.Error as error:
        raise ReadError(f"Fichier CSV mal formé à la ligne {line} ({error}).") from None
    return Table(rows, lines, encoding=decoded.label)


def read_workbook(path: Path) -> list[Table]:
    workbook = CalamineWorkbook.from_path(str(path))
    tables = []
    for sheet_name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        tables.append(Table(rows, list(range(1, len(rows) + 1)), sheet=sheet_name))
    return tables
