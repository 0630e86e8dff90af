"""The maquette financière as an XLSX workbook a finance officer can work with: real
numbers in euro format, one sheet per view, and the lines with their spreading."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from crte.core.formats import harden_workbook
from crte.finance.maquette import GROUP_LABELS, SPREAD_RULE, STATUS_GROUPS, Maquette, spread, year_label
from crte.finance.overview import contract_period

EURO = '#,##0.00 "€";-#,##0.00 "€"'
HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="000091")


def write_table(sheet, title: str, header: list, rows: list[list], money_from: int) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[3]:
        cell.font, cell.fill = HEADER, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=4, min_col=money_from + 1):
        for cell in row:
            cell.number_format = EURO
    sheet.freeze_panes = sheet.cell(row=4, column=money_from + 1)
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 42 if index <= money_from else 16


def pivot_rows(maquette: Maquette, rows: str, columns: list, column_dimension: str) -> list[list]:
    table = maquette.pivot(rows, column_dimension)
    result = []
    for row_label, values in table.items():
        amounts = [values.get(c, 0) for c in columns]
        result.append([year_label(row_label) if rows == "year" else row_label, *amounts, sum(amounts)])
    return result


def maquette_workbook(contract, maquette: Maquette, facts) -> bytes:
    workbook = Workbook()
    years = maquette.years
    sheet = workbook.active
    sheet.title = "Financeurs par année"
    write_table(
        sheet,
        f"Maquette financière — {contract.name} — par financeur et par année (€ HT)",
        ["Financeur", *[year_label(y) for y in years], "Total"],
        pivot_rows(maquette, "funder", years, "year"),
        money_from=1,
    )
    write_status_sheets(workbook, contract, maquette)
    write_lines_sheet(workbook.create_sheet("Lignes"), contract, facts, years)
    write_spread_rule(workbook.create_sheet("Règle de ventilation"))
    buffer = io.BytesIO()
    harden_workbook(workbook)
    workbook.save(buffer)
    return buffer.getvalue()


def write_status_sheets(workbook, contract, maquette: Maquette) -> None:
    """One sheet per dimension (orientation, credit type, funder) by status group."""
    statuses = list(GROUP_LABELS)
    for title, dimension in (
        ("Orientations", "orientation"),
        ("Types de crédits", "credit_type"),
        ("Financeurs par statut", "funder"),
    ):
        write_table(
            workbook.create_sheet(title),
            f"Maquette financière — {contract.name} — par {title.lower()} et statut (€ HT)",
            [title, *GROUP_LABELS.values(), "Total"],
            pivot_rows(maquette, dimension, statuses, "status"),
            money_from=1,
        )


def write_lines_sheet(sheet, contract, facts, years: list) -> None:
    """Every financing line with its amount spread over the years."""
    rows = []
    for fact in facts:
        per_year = spread(fact, contract_period(contract))
        rows.append(
            [
                fact.action_title,
                fact.orientation,
                fact.funder,
                fact.credit_type,
                GROUP_LABELS[STATUS_GROUPS[fact.status]],
                "par an" if fact.is_annual else "total",
                fact.amount,
                *[per_year.get(y) for y in years],
            ]
        )
    write_table(
        sheet,
        "Lignes de financement et leur ventilation par année",
        [
            "Action",
            "Orientation",
            "Financeur",
            "Type de crédits",
            "Statut",
            "Nature",
            "Montant",
            *[year_label(y) for y in years],
        ],
        rows,
        money_from=6,
    )


def write_spread_rule(sheet) -> None:
    sheet.append(["Règle de ventilation des montants par année"])
    sheet.append([SPREAD_RULE])
    sheet.column_dimensions["A"].width = 120
    sheet["A2"].alignment = Alignment(wrap_text=True)
