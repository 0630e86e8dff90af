"""Imports indicator values from a spreadsheet (.xlsx, .ods, .csv): one row per value with
the indicator's identifier, a date or a year, the value and its source. All or nothing;
a value already there for the same date is corrected (its history keeps the old one)."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from crte.core.limits import MEASURE_YEAR_MIN, field_problem
from crte.core.text import normalize_label
from crte.importers.plan import Place
from crte.importers.plan.report import Report
from crte.importers.read import Reader
from crte.importers.understand.from_table import cell_text, read_table
from crte.importers.understand.parsing import parse_number
from crte.indicators.models import Indicator, Measurement

COLUMNS = {
    "indicateur": {
        "indicateur",
        "identifiant",
        "code",
        "id indicateur",
        "code indicateur",
        "nom de l indicateur",
    },
    "date": {"date", "date de la valeur"},
    "annee": {"annee", "exercice", "millesime"},
    "valeur": {"valeur", "value", "resultat", "valeur mesuree"},
    "source": {"source", "provenance", "origine"},
}


def find_columns(row) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(row):
        key = normalize_label(cell_text(cell))
        for name, labels in COLUMNS.items():
            if key in labels and name not in found:
                found[name] = index
    return found


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 31/02/2022
        return None


def value_date(raw, year_raw) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = cell_text(raw) or cell_text(year_raw)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        return safe_date(int(match[3]), int(match[2]), int(match[1]))
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        return safe_date(int(match[1]), int(match[2]), int(match[3]))
    if re.fullmatch(r"(19|20)\d{2}", text):
        return dt.date(int(text), 1, 1)
    return None


def cell_number(raw) -> Decimal | None:
    """A cell's number: a spreadsheet number (finite) or French text; None when unreadable."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        number = Decimal(str(raw))
        return number if number.is_finite() else None
    return parse_number(cell_text(raw).replace("%", ""))


def import_values(*, contract, path: Path, name: str, user, reader: Reader) -> Report:
    report = Report()
    found = values_table(read_table(path, name, report, reader), name, report)
    if found is None:
        return report
    table, header_index, columns = found
    indicators = indicators_by_key(contract)
    values = []
    for row, line in zip(table.rows[header_index + 1 :], table.lines[header_index + 1 :], strict=False):
        if any(cell_text(c) for c in row):
            value = read_value(Row(row, columns, Place(name, line)), indicators, report)
            if value is not None:
                values.append(value)
    if not report.errors:
        write_values(values, user, report)
    return report


def values_table(tables, name: str, report: Report):
    """The first sheet with rows, its header row and its columns; None, reported, if none."""
    table = next((t for t in tables if t.rows), None)
    if table is None:
        if not report.errors:
            report.error("vide", "Le fichier est vide.", Place(name))
        return None
    header_index = next((i for i, row in enumerate(table.rows[:20]) if len(find_columns(row)) >= 3), None)
    if header_index is None:
        report.error(
            "colonnes",
            "Colonnes attendues : indicateur (identifiant), date ou année, valeur, source.",
            Place(name),
        )
        return None
    return table, header_index, find_columns(table.rows[header_index])


def indicators_by_key(contract) -> dict:
    """The contract's indicators by their code, then by their name (normalized)."""
    indicators = {}
    for indicator in Indicator.objects.filter(contract=contract):
        indicators[normalize_label(indicator.code)] = indicator
        indicators.setdefault(normalize_label(indicator.name), indicator)
    return indicators


@dataclass
class Row:
    cells: list
    columns: dict[str, int]
    place: Place

    def cell(self, column: str):
        index = self.columns.get(column)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def at(self, column: str) -> Place:
        return Place(self.place.file, self.place.line, column)


def read_value(row: Row, indicators: dict, report: Report):
    """(indicator, date, value, source) of a row, or None with the row's error reported."""
    key = cell_text(row.cell("indicateur"))
    indicator = indicators.get(normalize_label(key))
    if indicator is None:
        report.error("indicateur", f"Indicateur inconnu : « {key} ».", row.at("indicateur"))
        return None
    day = value_date(row.cell("date"), row.cell("annee"))
    if problem := date_problem(day):
        report.error("date", problem, row.at("date"))
        return None
    raw = row.cell("valeur")
    number = cell_number(raw)
    if number is None:
        report.error("valeur", f"Valeur illisible : « {cell_text(raw)} ».", row.at("valeur"))
        return None
    if problem := field_problem(Measurement, "value", number):
        report.error("valeur", f"Valeur {cell_text(raw)} : {problem}.", row.at("valeur"))
        return None
    return indicator, day, number, cell_text(row.cell("source")) or row.place.file


def date_problem(day: dt.date | None) -> str:
    if day is None:
        return "Date ou année manquante ou illisible."
    if day.year < MEASURE_YEAR_MIN:
        return f"Date {day:%d/%m/%Y} antérieure à {MEASURE_YEAR_MIN}."
    if day > dt.date.today():
        return f"Date {day:%d/%m/%Y} dans le futur."
    return ""


def write_values(values, user, report: Report) -> None:
    """All the values in one transaction: new ones created, changed ones corrected (their
    history keeps the old value)."""
    with transaction.atomic():
        for indicator, day, number, source in values:
            existing = Measurement.objects.filter(indicator=indicator, date=day).first()
            if existing is None:
                Measurement.objects.create(
                    indicator=indicator, date=day, value=number, source=source, entered_by=user
                )
                report.count("valeur", "created")
            elif existing.value != number or existing.source != source:
                existing.value, existing.source, existing.entered_by = number, source, user
                existing.save()
                report.count("valeur", "updated")
            else:
                report.count("valeur", "unchanged")
    report.written = True
