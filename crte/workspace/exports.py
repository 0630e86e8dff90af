"""The actions list as files, exactly the rows and columns the page shows (every page of
the selection): CSV for a French spreadsheet (`;`, UTF-8 with BOM, decimal comma) and
XLSX (numbers as numbers, euros formatted). Formula-like texts are neutralised."""

import csv
import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from crte.core.formats import format_number, harden_workbook, neutralize_formula
from crte.finance.money import Period, action_total

HEADERS = [
    "Contrat",
    "Identifiant",
    "Intitulé",
    "Orientation",
    "Enjeu",
    "Maîtres d'ouvrage",
    "Montant HT (€)",
    "Nature du montant",
    "Montant sur la durée du contrat (€)",
    "Financements (€)",
    "Année de début",
    "Année de fin",
    "Maturité",
]


def row_of(action) -> list:
    """`action.funded`: its lines over the contract (`finance.sql.funding_of_action`)."""
    contract = action.contract
    period = Period(contract.start_year, contract.end_year)
    return [
        action.contract.name,
        action.external_id,
        action.title,
        action.orientation.name,
        action.priority.label if action.priority else "",
        " ; ".join(o.name for o in action.owners.all()),
        action.amount,
        action.get_amount_basis_display(),
        action_total(action.amount, action.is_annual, action.start_year, action.end_year, period),
        action.funded,
        action.start_year,
        action.end_year,
        action.get_maturity_display(),
    ]


def french(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "quantize"):
        return format_number(value, 2).replace("\u00a0", " ")
    return str(neutralize_formula(value)) if isinstance(value, str) else str(value)


def actions_csv(actions) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for action in actions.iterator(chunk_size=500):
        writer.writerow([french(v) for v in row_of(action)])
    return buffer.getvalue().encode("utf-8-sig")


def actions_xlsx(actions) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(HEADERS)
    for action in actions.iterator(chunk_size=500):
        sheet.append([neutralize_formula(v) if isinstance(v, str) else v for v in row_of(action)])
    for column in (7, 9, 10):
        for cell in sheet[get_column_letter(column)][1:]:
            cell.number_format = '#,##0.00 "€"'
    for index, width in enumerate([30, 18, 50, 30, 30, 40, 16, 18, 16, 16, 10, 10, 14], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    harden_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
