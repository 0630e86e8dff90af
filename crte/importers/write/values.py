"""Imports indicator values from a spreadsheet (.xlsx, .ods, .csv): one row per value with
the indicator's identifier, a date or a year, the value and its source. All or nothing;
a value already there for the same date is corrected (its history keeps the old one)."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from crte.core.limits import field_problem
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
    tables = read_table(path, name, report, reader)
    table = next((t for t in tables if t.rows), None)
    if table is None:
        if not report.errors:
            report.error("vide", "Le fichier est vide.", Place(name))
        return report
    header_index = next((i for i, row in enumerate(table.rows[:20]) if len(find_columns(row)) >= 3), None)
    if header_index is None:
        report.error(
            "colonnes",
            "Colonnes attendues : indicateur (identifiant), date ou année, valeur, source.",
            Place(name),
        )
        return report
    columns = find_columns(table.rows[header_index])
    indicators = {}
    for indicator in Indicator.objects.filter(contract=contract):
        indicators[normalize_label(indicator.code)] = indicator
        indicators.setdefault(normalize_label(indicator.name), indicator)
    values = []
    for row, line in zip(table.rows[header_index + 1 :], table.lines[header_index + 1 :], strict=False):
        if not any(cell_text(c) for c in row):
            continue

        def cell(column, row=row):
            index = columns.get(column)
            return row[index] if index is not None and index < len(row) else None

        key = cell_text(cell("indicateur"))
        indicator = indicators.get(normalize_label(key))
        if indicator is None:
            report.error("indicateur", f"Indicateur inconnu : « {key} ».", Place(name, line, "indicateur"))
            continue
        day = value_date(cell("date"), cell("annee"))
        if day is None:
            report.error("date", "Date ou année manquante ou illisible.", Place(name, line, "date"))
            continue
        if day.year < 1990:
            report.error("date", f"Date {day:%d/%m/%Y} antérieure à 1990.", Place(name, line, "date"))
            continue
        if day > dt.date.today():
            report.error("date", f"Date {day:%d/%m/%Y} dans le futur.", Place(name, line, "date"))
            continue
        raw = cell("valeur")
        number = cell_number(raw)
        if number is None:
            report.error("valeur", f"Valeur illisible : « {cell_text(raw)} ».", Place(name, line, "valeur"))
            continue
        if problem := field_problem(Measurement, "value", number):
            report.error("valeur", f"Valeur {cell_text(raw)} : {problem}.", Place(name, line, "valeur"))
            continue
        values.append((indicator, day, number, cell_text(cell("source")) or name))
    if report.errors:
        return report
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
    return report
