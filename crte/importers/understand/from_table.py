"""Reads programming tables from spreadsheets (.xlsx, .ods, .csv) into an ImportPlan.

Finds the header row, maps French column names and their synonyms (data/colonnes.csv),
and understands two shapes: one row per action with a column per financer (like the
contract's annex), or one row per financing line (financer, amount requested, rate), the
action repeated or left blank on following rows."""

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.utils.text import slugify

from crte.core.formats import format_euros
from crte.core.text import normalize_label
from crte.finance.money import TOLERANCE
from crte.importers.plan import ActionPlan, ImportPlan, LinePlan, Place
from crte.importers.plan.report import Report
from crte.importers.read import Reader, ReadError, Table
from crte.importers.understand.contract_document import clean_cell, is_heading
from crte.importers.understand.funding import (
    STATUS_WORDS,
    FunderDirectory,
    FundingPart,
    euros_for_bare_number,
    funding_lines,
    parse_funding_cell,
    plan_text_lines,
)
from crte.importers.understand.headers import MAPPER, SYNONYMS, header_key
from crte.importers.understand.mapping import FUNDING, IGNORE, OWN_FUNDING, Choice, ColumnView, meaning_of
from crte.importers.understand.parsing import parse_amount, parse_calendar, parse_number

HEADER_SCAN_ROWS = 30
FIELD_LABELS = {
    "intitule": "intitulé / opération / projet",
    "maitre_ouvrage": "maître d'ouvrage / porteur / bénéficiaire",
    "montant": "montant prévisionnel / coût HT",
    "financeur": "financeur / dispositif",
    "subvention": "subvention / montant sollicité",
    "taux": "taux",
    "calendrier": "année / exercice / calendrier",
    "orientation": "orientation / axe",
}


@dataclass
class Column:
    index: int
    header: str
    field: str  # a known field, "financement" (a financer's column) or "" (ignored)
    funder: str | None = None
    scheme: str = ""  # a scheme's column ('Montant DSIL')
    own_funding: bool = False  # the maître d'ouvrage's own share ('Autofinancement')
    chosen: bool = False  # a person said what it means (mapping.Choice)
    scale: int = 1  # 1 000 when the title says its figures are in k€, 1 000 000 in M€
    sniffed: bool = False  # understood from its cells, its title being unknown
    serves: int | None = None  # a scheme's or a rate's column: the money column it describes
    decimal_comma: bool = False  # its figures write decimals after a comma (« 12815,0 »)

    @property
    def letter(self) -> str:
        n, letters = self.index + 1, ""
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(65 + rest) + letters
        return letters

    def place(self, source: str, line: int) -> Place:
        return Place(source, line, f"{self.letter} « {self.header} »")


def read_table(path: Path, name: str, report: Report, reader: Reader) -> list[Table]:
    """Every sheet of the file, read in the sandbox; what cannot be read is an error of the
    report, a CSV's encoding an information."""
    try:
        tables = reader.sheets(path, name)
    except ReadError as error:
        report.error(error.code, str(error), Place(name))
        return []
    for table in tables:
        if table.encoding:
            report.info("encodage", f"Fichier lu avec l'encodage {table.encoding}.", Place(name))
    return tables


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


# --- finding the header ------------------------------------------------------------------------


OWN_FUNDING_WORDS = re.compile(
    r"autofin(?:ancement)?\b|part du maitre d ouvrage|rest(?:e|ant) a (?:la )?charge|fonds propres"
    r"|part du porteur"
)
THOUSANDS = re.compile(r"\b(?:k ?(?:€|eur|euros?)|keur|keuros|milliers? d ?euros?)(?:\W|$)", re.I)
MILLIONS = re.compile(r"\b(?:m ?(?:€|eur)|meur|millions? d ?euros?)(?:\W|$)", re.I)


def header_scale(header: str) -> int:
    """« Coût total (k€) », « Région (en milliers d'euros) », « Montant (M€) »: the unit
    the title gives its figures in."""
    text = header.replace("’", "'").replace("'", " ")
    if THOUSANDS.search(text):
        return 1000
    if MILLIONS.search(text):
        return 1_000_000
    return 1


def map_header(
    cells: list[str], directory: FunderDirectory, mapping: dict[str, Choice] | None = None
) -> list[Column]:
    """Known fields by their synonyms; a column per financer ('CABBALR', 'Montant Région',
    'Part État'), per scheme ('DSIL', 'Montant DETR') or for the owner's own share
    ('Autofinancement'). A person's choice (`mapping`, by header key) comes first."""
    columns = []
    for index, header in enumerate(cells):
        key = header_key(header)
        if mapping and key in mapping:
            columns.append(chosen_column(index, header, mapping[key], directory))
            continue
        name = SYNONYMS.get(key, "")
        if not name and key and not _financing_column(Column(index, header, ""), key, directory).field:
            name = MAPPER.field(header)  # a close or longer title ('Intitulé de l'opération', 'cout_ht')
        column = Column(index, header, "financement" if name == "autres_financeurs" else name)
        if not name and key:
            _financing_column(column, key, directory)
        column.scale = header_scale(header)
        columns.append(column)
    if not any(c.field == "intitule" for c in columns):
        # « Objet », « Description » alone: with no title column, it names the operation
        described = next((c for c in columns if c.field == "contenu" and not c.chosen), None)
        if described is not None:
            described.field = "intitule"
    return columns


def chosen_column(index: int, header: str, choice: Choice, directory: FunderDirectory) -> Column:
    """The column as a person said: a field, nothing, the owner's share, or a financer's
    money (the financer named in the choice, a scheme, or else named in each cell)."""
    if choice.meaning == IGNORE:
        return Column(index, header, "", chosen=True)
    if choice.meaning == OWN_FUNDING:
        return Column(index, header, "financement", own_funding=True, chosen=True)
    if choice.meaning != FUNDING:
        return Column(index, header, choice.meaning, chosen=True)
    column = Column(index, header, "financement", chosen=True)
    if choice.funder:
        found = {name for _, name in directory.find(choice.funder)}
        column.funder = found.pop() if len(found) == 1 else None
        column.scheme = directory.scheme(choice.funder) or ""
        if column.funder is None and not column.scheme:
            column.funder = choice.funder  # kept as written, reported as an unknown financer
    return column


def column_views(columns: list[Column], source: str) -> list[ColumnView]:
    """The columns as the preview shows them (titled ones only)."""
    return [
        ColumnView(
            source=source,
            letter=c.letter,
            header=c.header,
            meaning=meaning_of(c.field, c.own_funding),
            funder=(c.funder or c.scheme or "") if c.field == "financement" and not c.own_funding else "",
            chosen=c.chosen,
        )
        for c in columns
        if header_key(c.header)
    ]


NOT_A_FINANCER = {
    "code",
    "nom",
    "numero",
    "num",
    "n",
    "id",
    "libelle",
    "siren",
    "siret",
    "insee",
}  # « code_departement », « nom_region »: the first word says it is a place's code or name


def _financing_column(column: Column, key: str, directory: FunderDirectory) -> Column:
    """« Région », « Montant DSIL », « Part État »: a financer's or a scheme's column; not
    « code_departement » or « nom_region » (a place, not a financer)."""
    words = key.split()
    if len(words) > 1 and words[0] in NOT_A_FINANCER:
        return column
    if OWN_FUNDING_WORDS.search(key):
        column.field, column.own_funding = "financement", True
        return column
    funders = {name for _, name in directory.find(column.header)}
    scheme = directory.scheme(column.header) or directory.scheme_inside(column.header)
    if len(funders) == 1 or scheme:
        column.field = "financement"
        column.funder = funders.pop() if len(funders) == 1 else None
        column.scheme = scheme or ""
    return column


def find_header(
    table: Table, directory: FunderDirectory, mapping: dict[str, Choice] | None = None
) -> tuple[int, list[Column]] | None:
    best = None
    for i, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        cells = [cell_text(c) for c in row]
        columns = map_header(cells, directory, mapping)
        # A header may continue on the next row (financers under a merged "Financements"),
        # a row that has no title of its own: a row with a title is an action.
        title = next((c.index for c in columns if c.field == "intitule"), None)
        below = [cell_text(c) for c in table.rows[i + 1]] if i + 1 < len(table.rows) else []
        if below and (title is None or title >= len(below) or not below[title]):
            below_columns = map_header(below, directory, mapping)
            for index, under in enumerate(below_columns):
                if index < len(columns) and under.field == "financement" and _spans(columns[index]):
                    columns[index] = under
        fields = {c.field for c in columns if c.field}
        score = len([c for c in columns if c.field])
        if "intitule" in fields and score >= 2 and (best is None or score > best[2]):
            best = (i, columns, score)
        grouped = financer_groups(cells, below, directory, mapping) if below else None
        if grouped and (best is None or len([c for c in grouped if c.field]) > best[2]):
            best = (i + 1, grouped, len([c for c in grouped if c.field]))
    return (best[0], best[1]) if best else None


SUB_HEADERS = re.compile(r"^(montant|aide|subvention|taux|assiette|base|depense|montant eligible)\b")


def financer_groups(above: list[str], below: list[str], directory, mapping=None) -> list[Column] | None:
    """A header on two rows where a financer's name spans its columns (« État — DETR »
    over « Montant éligible | Taux | Aide »): each group is one line of that financer, its
    amount from « Aide »/« Subvention »/« Montant », its rate from « Taux », the eligible
    base not read (reported). The columns above that span nothing keep their own title."""
    group_of: list[int | None] = []
    current = None
    for index in range(max(len(above), len(below))):
        top = above[index] if index < len(above) else ""
        under = below[index] if index < len(below) else ""
        if top:
            current = index if under and SUB_HEADERS.match(header_key(under)) else None
        group_of.append(current if under and SUB_HEADERS.match(header_key(under)) else None)
    groups = {g for g in group_of if g is not None}
    if not groups:
        return None
    cells = [
        f"{above[g]} {below[i]}" if g is not None else (above[i] if i < len(above) and above[i] else below[i])
        for i, g in enumerate(group_of)
    ]
    columns = map_header(cells, directory, mapping)
    for group in groups:
        members = [c for c, g in zip(columns, group_of, strict=False) if g == group]
        funder = map_header([above[group]], directory)[0]
        if funder.field != "financement" or not (funder.funder or funder.scheme):
            return None  # the spanning title names no financer: not this shape
        kinds = {c.index: header_key(below[c.index]) for c in members}
        amount = next((c for c in members if re.match(r"(aide|subvention)", kinds[c.index])), None)
        amount = amount or next((c for c in members if kinds[c.index] == "montant"), None)
        if amount is None:
            return None
        for column in members:
            column.field, column.funder, column.scheme, column.serves = "", None, "", None
            if column is amount:
                column.field, column.funder, column.scheme = "financement", funder.funder, funder.scheme
            elif kinds[column.index].startswith("taux"):
                column.field, column.serves = "taux", amount.index
    return columns


def _spans(column: Column) -> bool:
    """A header cell a row below may complete: empty, unknown, or « Financements » above
    the financers' columns."""
    generic = column.field == "financement" and not column.funder and not column.scheme
    return not column.field or (generic and not column.own_funding and not column.chosen)


def unknown_layout(tables: list[Table], name: str, directory, report: Report, mapping=None) -> None:
    """No row reads as a header with a title column: the error lists the first row that
    looks like one, and the preview offers its columns to be mapped by hand."""
    found, line, sheet = [], None, ""
    for table in tables:
        for row, number in zip(table.rows[:HEADER_SCAN_ROWS], table.lines, strict=False):
            cells = [cell_text(c) for c in row]
            if sum(1 for c in cells if c) >= 2:
                found, line, sheet = cells, number, table.sheet
                break
        if found:
            break
    source = f"{name} ({sheet})" if sheet and len(tables) > 1 else name
    report.columns += column_views(map_header(found, directory, mapping), source)
    expected = "; ".join(FIELD_LABELS.values())
    listed = " | ".join(c for c in found[:15] if c) if found else "aucune"
    report.error(
        "colonnes",
        f"Disposition du tableau non reconnue : aucune ligne d'en-tête avec une colonne "
        f"d'intitulé. Colonnes trouvées : {listed}. Colonnes attendues : {expected}. "
        "Indiquez ci-dessous ce que contient chaque colonne.",
        Place(source, line),
    )


# --- rows to actions ---------------------------------------------------------------------------


def read_spreadsheet(
    path: Path,
    *,
    name: str,
    directory: FunderDirectory,
    report: Report,
    reader: Reader,
    mapping: dict[str, Choice] | None = None,
):
    tables = read_table(path, name, report, reader)
    if not tables:
        if not report.errors:
            report.error("vide", "Le fichier est vide.", Place(name))
        return None
    plans = []
    for table in tables:
        header = find_header(table, directory, mapping)
        if header:
            source = f"{name} ({table.sheet})" if table.sheet and len(tables) > 1 else name
            sheet = table.sheet if len(tables) > 1 else ""
            plans.append(rows_to_plan(table, *header, source, directory, report, sheet=sheet))
    if plans:
        plan = ImportPlan(source=name)
        for part in plans:
            plan.actions += part.actions
        return plan
    if all(not any(cell_text(c) for row in t.rows for c in row) for t in tables):
        report.error("vide", "Le fichier est vide.", Place(name))
    else:
        unknown_layout(tables, name, directory, report, mapping)
    return None


YEAR_SHEET = re.compile(r"(?:annee |exercice |programmation )?((?:19|20)\d{2})")
TOTAL_ROW = re.compile(r"^(sous )?tota(l|ux)\b")


def rows_to_plan(table, header_index, columns, source, directory, report, sheet="") -> ImportPlan:
    plan = ImportPlan(source=source)
    header_line = table.lines[header_index] if header_index < len(table.lines) else None
    body = [[cell_text(v) for v in row] for row in table.rows[header_index + 1 :]]
    long_shape = understand_columns(columns, body, directory)
    report_columns(columns, source, header_line, report)
    by_field = fields_read(columns)
    money_columns = [c for c in columns if c.field == "financement"]
    taken: set[str] = set()
    current: ActionPlan | None = None
    sheet_year = YEAR_SHEET.fullmatch(normalize_label(sheet))
    section = {"orientation": "" if sheet_year else sheet, "enjeu": ""}  # headings inside the table
    start = header_index + 1
    if start < len(table.rows) and _is_second_header(table.rows[start], columns):
        start += 1
    for row, line in zip(table.rows[start:], table.lines[start:], strict=False):
        values = {c.field: row[c.index] if c.index < len(row) else None for c in by_field.values()}
        texts = [cell_text(v) for v in row]
        filled = [text for text in texts if text]
        if filled and TOTAL_ROW.match(normalize_label(filled[0])):
            _check_total(filled[0], values, by_field, plan.actions, source, line, report)
            continue
        if not filled:
            continue
        title = cell_text(values.get("intitule"))
        continues = long_shape and current is not None and _same_action(values, current, title)
        if continues and title and not cell_text(values.get("identifiant")):
            _say_merged(current, source, line, title, report)
        if not continues:
            if len(filled) == 1 and _is_section(row, filled[0], by_field["intitule"]):
                _section(section, filled[0])
                continue
            if not title:
                report.error(
                    "intitule", "Ligne sans intitulé d'action.", by_field["intitule"].place(source, line)
                )
                continue
            current = row_action(values, by_field, source, line, taken, report)
            current.orientation = current.orientation or section["orientation"]
            current.priority_hint = current.priority_hint or section["enjeu"]
            current.has_financing_columns = bool(money_columns) or long_shape
            _sheet_year(current, sheet_year, source, line, report)
            plan.actions.append(current)
        if long_shape:
            _long_line(current, values, by_field, source, line, directory, report)
        current.lines += column_lines(texts, columns, current, source, line, directory, report)
    return plan


def _say_merged(current: ActionPlan, source, line, title: str, report: Report) -> None:
    report.info(
        "meme-action",
        f"Ligne lue comme un financement de plus de l'action de la ligne {current.place.line} "
        "(même intitulé, même maître d'ouvrage, même coût) ; donnez-lui un autre intitulé ou un "
        "identifiant si c'est une autre opération.",
        Place(source, line),  # the whole row: its owner, cost and financing went to that action
        title,
    )


def _sheet_year(action: ActionPlan, sheet_year, source, line, report: Report) -> None:
    """The sheet « 2025 » of a workbook by year: its actions start that year, unless a
    column says otherwise."""
    if sheet_year and action.start_year is None:
        action.start_year = int(sheet_year[1])
        report.info(
            "calendrier",
            f"Année de début {sheet_year[1]} lue dans le nom de la feuille.",
            Place(source, line),
            action.title,
        )


def column_lines(texts: list[str], columns: list[Column], action, source, line, directory, report):
    """The financing lines of one row's money columns, each with the scheme or the rate a
    neighbouring column gives it (« montant_etat » beside « dispositif_etat »)."""
    lines = []
    for column in columns:
        if column.field != "financement" or column.index >= len(texts):
            continue
        helpers = [c for c in columns if c.serves == column.index and c.index < len(texts)]
        named = next((texts[c.index] for c in helpers if c.field == "financeur_nomme" and texts[c.index]), "")
        if named:  # « Financeur 2 » beside « Montant 2 »: this row's financer of that amount
            found_names = directory.find(named)
            column = replace(column, funder=found_names[0][1] if found_names else named)
            if not found_names:
                report.warn(
                    "financeur-inconnu",
                    f"Financeur « {named} » absent du référentiel.",
                    column.place(source, line),
                )
        found = wide_lines(texts[column.index], column, action, source, line, directory, report)
        if named and not directory.find(named):
            for plan_line in found:
                plan_line.funder_known = plan_line.funder_known and plan_line.funder != named
        for helper in helpers:
            text = texts[helper.index]
            if not text or not found or helper.field == "financeur_nomme":
                continue
            if helper.field == "dispositif":
                found[0].scheme = found[0].scheme or text
            elif found[0].share is None:
                found[0].share = rate(text, helper.place(source, line), report)
        lines += found
    return lines


SNIFF_ROWS = 60
PLAIN_DECIMAL = re.compile(r"\d+,(?:\d{1,2}|\d{4,})")  # « 12815,0 », « 0,35309 »: a decimal comma
COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?")  # « 1,234,567 »: commas group thousands


def decimal_comma(cells: list[str]) -> bool:
    """A column whose figures are written « 12815,0 » (an export with a decimal comma and no
    thousands mark): there « 4616,202 » is 4 616,202 €, not 4 616 202 €."""
    plain = [c.strip() for c in cells if c]
    return any(PLAIN_DECIMAL.fullmatch(c) for c in plain) and not any(
        COMMA_GROUPS.fullmatch(c) for c in plain
    )


def comma_decimal(text: str) -> Decimal | None:
    """« 4616,202 » read with a comma as the decimal mark (the column says it is one)."""
    text = TAX_BASIS.sub("", text).strip()
    return Decimal(text.replace(",", ".")) if re.fullmatch(r"\d+,\d+", text) else None


def column_number(text: str, column: Column) -> Decimal | None:
    """A bare figure of a column, read with the column's decimal mark."""
    found = comma_decimal(text) if column.decimal_comma else None
    return found if found is not None else parse_number(TAX_BASIS.sub("", text))


def understand_columns(columns: list[Column], body: list[list[str]], directory: FunderDirectory) -> bool:
    """What the titles left open, from the cells; True for the one-row-per-line shape
    (a financer column beside an amount or a rate column). Otherwise a « Financeurs »
    column names and figures each financer in its cells, as a financing plan does."""
    read_by_content(columns, body, directory)
    _numbered_pairs(columns)
    for column in columns:
        cells = [row[column.index] for row in body if column.index < len(row)]
        column.decimal_comma = decimal_comma(cells)
    long_shape = any(c.field == "financeur" for c in columns) and any(
        c.field in ("subvention", "taux") for c in columns
    )
    _scheme_columns(columns, directory, long_shape)
    _table_unit(columns)
    if not long_shape:
        for column in columns:
            if column.field == "financeur":
                column.field = "financement"
        money = [c for c in columns if c.field == "financement" and not c.own_funding]
        for column in columns:  # « Taux » beside the one money column is that line's rate
            if column.field == "taux" and len(money) == 1:
                column.serves = money[0].index
    return long_shape


NUMBERED = re.compile(r"^(.*?)\s*(\d{1,2})$")


def _numbered_pairs(columns: list[Column]) -> None:
    """« Financeur 1 | Montant 1 | Financeur 2 | Montant 2 »: each amount is the financer's
    of its number, named in the row (never the action's cost, whatever « Montant » says)."""
    groups: dict[str, list[Column]] = {}
    for column in columns:
        found = NUMBERED.match(header_key(column.header))
        if found and not column.chosen:
            groups.setdefault(found[2], []).append(column)
    for group in groups.values():
        funders = [c for c in group if c.field == "financeur"]
        money = [
            c for c in group if c.field in ("montant", "subvention", "financement") and not c.own_funding
        ]
        if len(funders) != 1 or len(money) != 1:
            continue
        money[0].field, money[0].funder, money[0].scheme = "financement", None, ""
        funders[0].field, funders[0].serves = "financeur_nomme", money[0].index
        for rate_column in (c for c in group if c.field == "taux"):
            rate_column.serves = money[0].index


UNIT_WORDS = re.compile(r"€|\beur|\beuros?\b|%|\btaux\b")


def _table_unit(columns: list[Column]) -> None:
    """« Coût (k€ HT) » and financers' columns titled by their name only: a table states
    its unit once, so the financers' bare figures are in k€ too."""
    cost = next((c for c in columns if c.field == "montant"), None)
    if cost is None or cost.scale == 1:
        return
    for column in columns:
        if (
            column.field == "financement"
            and column.scale == 1
            and not UNIT_WORDS.search(column.header.lower())
        ):
            column.scale = cost.scale


SCHEME_WORDS = re.compile(
    r"^(?:dispositifs?|programmes?|demarches?|funding program(?:me)?"
    r"|nature (?:de l )?aides?|type (?:d )?aides?)\b"
)


def _scheme_columns(columns: list[Column], directory: FunderDirectory, long_shape: bool) -> None:
    """« Dispositif » beside « Financeur » in the one-row-per-line shape, « dispositif_etat »
    beside « montant_etat »: the scheme of the line, not a financer."""
    financers = [c for c in columns if c.field == "financeur"]
    for column in columns:
        worded = SCHEME_WORDS.search(header_key(column.header))
        if not worded or column.chosen or column.field not in ("financeur", "financement") or column.scheme:
            continue
        if long_shape and column.field == "financeur" and len(financers) > 1:
            column.field = "dispositif"
            continue
        named = {name for _, name in directory.find(column.header)}
        money = [
            c
            for c in columns
            if c is not column and c.field == "financement" and c.funder and c.funder in named
        ]
        left = next((c for c in columns if c.index == column.index - 1), None)
        if not named and left is not None and left.field == "financement" and left.funder:
            money = [left]  # « Dispositif » right after « Etat »: the scheme of that column
        if len(money) == 1:
            column.field, column.funder, column.serves = "dispositif", None, money[0].index


def read_by_content(columns: list[Column], body: list[list[str]], directory: FunderDirectory) -> None:
    """A column whose title says nothing known is a financing plan when most of its cells
    name a financer with an amount or a rate (« Région 30 000 €, DETR 20 % »)."""
    for column in columns:
        if column.field or column.chosen or not header_key(column.header):
            continue
        cells = [
            row[column.index] for row in body[:SNIFF_ROWS] if column.index < len(row) and row[column.index]
        ]
        plans = sum(1 for text in cells if _is_funding_text(text, directory))
        if len(cells) >= 2 and plans * 3 >= len(cells) * 2:
            column.field, column.sniffed = "financement", True


def _is_funding_text(text: str, directory: FunderDirectory) -> bool:
    if parse_number(TAX_BASIS.sub("", text)) is not None:
        return False  # a bare figure says nothing of who pays
    parts = parse_funding_cell(text, directory)
    return any((p.funders or p.scheme) and (p.amount is not None or p.share is not None) for p in parts)


IDENTIFIED_BY_OWNER = ("nature_maitre_ouvrage", "departement_maitre_ouvrage")


def _check_total(label: str, values, by_field, actions: list[ActionPlan], source, line, report) -> None:
    """A TOTAL row is never an action; its cost is checked against the costs of the
    table's actions above it, a warning when they disagree by more than a euro (a
    subtotal sums a part only: not checked)."""
    column = by_field.get("montant")
    if column is None or normalize_label(label).startswith("sous") or not cell_text(values.get("montant")):
        return
    stated, _ = money(values.get("montant"), column.place(source, line), Report(), column.scale)
    counted = sum((a.amount for a in actions if a.amount is not None), Decimal(0))
    if stated is not None and abs(stated - counted) > TOLERANCE:
        report.warn(
            "total",
            f"Ligne de total : {format_euros(stated)} indiqués, {format_euros(counted)} pour les actions "
            "lues au-dessus ; vérifiez qu'aucune ligne ne manque.",
            column.place(source, line),
        )


def report_columns(columns: list[Column], source: str, header_line: int | None, report: Report) -> None:
    """Every column in the report as it was understood; those not read say why."""
    used = fields_read(columns)
    report.columns += column_views(columns, source)
    identified = "siren_maitre_ouvrage" in used or "insee_maitre_ouvrage" in used
    for column in columns:
        place = Place(source, header_line, column.letter)
        if column.sniffed:
            report.info(
                "colonne-lue",
                f"Colonne « {column.header} » lue comme plan de financement d'après son contenu.",
                place,
            )
        elif column.field == "departement_maitre_ouvrage" and not identified:
            report.warn(
                "colonne-ignoree",
                f"Colonne « {column.header} » non lue : le maître d'ouvrage est reconnu par son nom ; "
                "ajoutez son SIREN pour l'identifier sûrement.",
                place,
            )
        if column.chosen and not column.field:
            report.info("colonne-ignoree", f"Colonne « {column.header} » ignorée à votre demande.", place)
        elif column.header.strip() and not column.field:
            report.warn(
                "colonne-ignoree",
                f"Colonne « {column.header} » non comprise : ses valeurs ne sont pas importées.",
                place,
            )
        elif column.field in used and used[column.field] is not column and column.serves is None:
            report.warn(
                "colonne-ignoree",
                f"Colonne « {column.header} » : même sens que la colonne « {used[column.field].header} », "
                "qui seule est importée.",
                place,
            )


def fields_read(columns: list[Column]) -> dict[str, Column]:
    """The column read for each field: the last one, but for communes the one of INSEE
    codes when there are both codes and names (codes are exact)."""
    used: dict[str, Column] = {}
    for column in columns:
        if not column.field or column.field == "financement":
            continue
        coded = re.search(r"\b(code|insee)\b", header_key(column.header))
        if column.field == "communes" and "communes" in used and not coded:
            continue
        used[column.field] = column
    return used


def _is_second_header(row, columns) -> bool:
    """The row under a header that names the financers of a merged 'Financements' cell."""
    cells = [cell_text(c) for c in row]
    named = sum(
        1 for c in columns if c.field == "financement" and c.index < len(cells) and cells[c.index] == c.header
    )
    title = next(c.index for c in columns if c.field == "intitule")
    return named > 0 and (title >= len(cells) or not cells[title])


def _is_section(row, text: str, title_column: Column) -> bool:
    """A row with one cell filled is a heading when written in capitals, or when that
    cell is not the title's (an action may have nothing but a title)."""
    in_title = title_column.index < len(row) and cell_text(row[title_column.index]) == text
    return is_heading(clean_cell(text)) or not in_title


def _section(section: dict, text: str) -> None:
    """A row with one cell inside the table: an orientation in capitals ('SE DEPLACER'),
    otherwise an enjeu."""
    label = clean_cell(text)
    if is_heading(label):
        section["orientation"], section["enjeu"] = label.capitalize(), ""
    else:
        section["enjeu"] = label


def _same_action(values, current: ActionPlan, title: str) -> bool:
    """A row of the one-row-per-line shape continues the action above when it has the same
    identifier, or no title, or the same title with no other owner and no other cost (two
    communes' projects under one title are two actions)."""
    identifier = cell_text(values.get("identifiant"))
    if identifier:
        return slugify(identifier) == current.external_id
    if not title:
        return True
    if title != current.title:
        return False
    owner = cell_text(values.get("siren_maitre_ouvrage")) or cell_text(values.get("maitre_ouvrage"))
    known = current.owner_siren or "; ".join(current.owners)
    if owner and known and owner_key(owner) != owner_key(known):
        return False
    cost = cell_text(values.get("montant"))
    return not cost or current.amount is None or cost == current.amount_text


def owner_key(text: str) -> str:
    return siren_of(text) or normalize_label(text)


def siren_of(text: str) -> str:
    """The SIREN a cell gives: nine digits, or a SIRET's first nine; "" otherwise."""
    digits = re.sub(r"\D", "", text)
    return digits[:9] if len(digits) in (9, 14) else ""


def row_action(values, by_field, source, line, taken, report) -> ActionPlan:
    """An action from one row's values by field (raw cells or text): title, id, owners,
    communes, cost in the column's unit, maturity, years, the owner's identifiers."""
    title = cell_text(values.get("intitule"))
    identifier = cell_text(values.get("identifiant"))
    base = slugify(identifier or title)[:60].strip("-") or f"ligne-{line}"
    external_id, n = base, 2
    while external_id in taken and not identifier:
        external_id, n = f"{base}-{n}", n + 1
    if identifier and external_id in taken:
        report.error(
            "doublon",
            f"Identifiant « {identifier} » en double.",
            by_field["identifiant"].place(source, line),
        )
    taken.add(external_id)
    action = ActionPlan(
        external_id=external_id,
        title=title,
        orientation=cell_text(values.get("orientation")),
        place=Place(source, line),
        description=cell_text(values.get("contenu")),
        priority_hint=cell_text(values.get("enjeu")),
        owners=[
            o.strip()
            for o in re.split(r"[;/\n]", owner_name(cell_text(values.get("maitre_ouvrage")))[0])
            if o.strip()
        ],
        communes=re.findall(r"\b\d[\dAB]\d{3}\b", cell_text(values.get("communes"))),
        commune_names=commune_names(cell_text(values.get("communes"))),
        maturity="idee",  # a table proposes; only a committee validates (quality.governance)
    )
    _owner_identity(action, values, by_field, source, line, report)
    if "montant" in by_field:
        column = by_field["montant"]
        _amount(action, values.get("montant"), column.place(source, line), report, column)
    maturity_text = cell_text(values.get("maturite"))
    maturity = maturity_of(maturity_text)
    if maturity:
        action.maturity = maturity
        action.maturity_text = maturity_text
    elif maturity_text:
        report.warn(
            "maturite",
            f"Maturité « {maturity_text} » non comprise : l'action est importée comme idée.",
            by_field["maturite"].place(source, line),
            title,
        )
    _years(action, values, by_field, source, line, report)
    return action


SIREN_IN_NAME = re.compile(r"[(,\s]*\b(?:n°\s*)?SIRE[NT]\s*:?\s*(\d[\d \u00a0\u202f]{7,20}\d)\s*\)?", re.I)


def owner_name(text: str) -> tuple[str, str]:
    """« Commune de Bitche (SIRET 215 700 899 00017) » -> (« Commune de Bitche »,
    « 21570089900017 »): the name, and the identifier written in it."""
    found = SIREN_IN_NAME.search(text)
    if not found:
        return text, ""
    return (text[: found.start()] + text[found.end() :]).strip(" ,-"), re.sub(r"\D", "", found[1])


def _owner_identity(action: ActionPlan, values, by_field, source, line, report) -> None:
    """The owner's SIREN (a SIRET's first nine digits) and INSEE code, when the row has
    them: they identify it better than its name."""
    siren_text = (
        cell_text(values.get("siren_maitre_ouvrage"))
        or owner_name(cell_text(values.get("maitre_ouvrage")))[1]
    )
    action.owner_siren = siren_of(siren_text)
    if siren_text and not action.owner_siren:
        column = by_field.get("siren_maitre_ouvrage") or by_field["maitre_ouvrage"]  # written in the name
        report.warn(
            "siren",
            f"SIREN ou SIRET « {siren_text} » non compris (9 ou 14 chiffres attendus).",
            column.place(source, line),
            action.title,
        )
    insee = cell_text(values.get("insee_maitre_ouvrage")).upper()
    if re.fullmatch(r"\d[\dAB]\d{3}", insee):
        action.owner_insee = insee
    elif insee:
        report.warn(
            "commune",
            f"Code INSEE « {insee} » non compris.",
            by_field["insee_maitre_ouvrage"].place(source, line),
            action.title,
        )
    action.owner_nature = cell_text(values.get("nature_maitre_ouvrage"))


def _years(action: ActionPlan, values, by_field, source, line, report) -> None:
    """The calendar column, or the start and end columns (« Démarrage », « Achèvement »);
    a cell with no year in it is reported."""
    action.calendar_text = cell_text(values.get("calendrier"))
    calendar = parse_calendar(action.calendar_text)
    action.start_year, action.end_year = calendar.start_year, calendar.end_year
    if calendar.start_year is None and re.search(r"\d", action.calendar_text):
        report.warn(
            "calendrier",
            f"Calendrier non compris : « {action.calendar_text} » (aucune année).",
            by_field["calendrier"].place(source, line),
            action.title,
        )
    for name in ("annee_debut", "annee_fin"):
        text = cell_text(values.get(name))
        if not text:
            continue
        found = parse_calendar(text)
        year = found.start_year if name == "annee_debut" else (found.end_year or found.start_year)
        if year is None:
            report.warn(
                "calendrier",
                f"Année non comprise : « {text} ».",
                by_field[name].place(source, line),
                action.title,
            )
        elif name == "annee_debut":
            action.start_year = year
        else:
            action.end_year = year
        action.calendar_text = " – ".join(filter(None, [action.calendar_text, text]))


def commune_names(text: str) -> list[str]:
    """« X ; Y », « Z (code INSEE) »: the names, codes apart."""
    names = []
    for part in re.split(r"[;,/\n]| et ", text):
        name = re.sub(r"\(?\b\d[\dAB]\d{3}\b\)?", "", part).strip(" -")
        if name and not name.isdigit():
            names.append(name)
    return names


MATURITY_WORDS = [  # normalized words -> Action.Maturity value; first match wins
    ("abandon", "abandonnee"),
    ("achev|termin|realise|livre", "achevee"),
    ("en cours|travaux|demarre", "en_cours"),
    ("engag", "engagee"),
    ("valid|inscrit|programme", "validee"),
    ("pret|mature", "prete"),
    ("maturation|etude|en reflexion|emergence", "en_maturation"),
    ("idee|intention|envisage", "idee"),
]


def maturity_of(text: str) -> str:
    words = normalize_label(text)
    return next((m for pattern, m in MATURITY_WORDS if re.search(pattern, words)), "") if words else ""


def money(
    value, place: Place, report: Report, scale: int = 1, comma: bool = False
) -> tuple[Decimal | None, str]:
    """An amount cell: a number, or text such as `1 000 000,00 €`, `147.485 euros HT`; a
    bare number is in the column's unit (euros, or k€ when its title says so)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = Decimal(str(value)) * scale
    else:
        text = cell_text(value)
        if not text:
            return None, ""
        bare = comma_decimal(text) if comma else None
        if bare is None and scale != 1:
            bare = parse_number(TAX_BASIS.sub("", text))
        if bare is not None:
            return _checked(bare * scale, text, place, report)
        parsed = parse_amount(text, bare_number=True)  # a bare number in an amount column is euros
        for message in parsed.errors:
            report.error("montant", message, place)
        for message in parsed.warnings:
            if parsed.value is not None:
                report.warn("lecture-incertaine", message, place)
        if parsed.value is not None or parsed.errors:
            return parsed.value, parsed.basis
        report.warn("montant-non-chiffre", f"Montant non compris : « {text} ».", place)
        return None, ""
    return _checked(amount, cell_text(value), place, report)


def _checked(amount: Decimal, text: str, place: Place, report: Report) -> tuple[Decimal | None, str]:
    if amount < 0:
        report.error("montant", f"Montant négatif : « {text} ».", place)
        return None, ""
    return amount, "total"


def rate(value, place: Place, report: Report) -> Decimal | None:
    """A rate cell: `14.00%`, `35 %`, `0,3530958` (a fraction), or a number (0.35 or 35)."""
    text = cell_text(value)
    if not text:
        return None
    percent = text.endswith("%")
    number = (
        parse_number(text.rstrip("% ").strip()) if not isinstance(value, int | float) else Decimal(str(value))
    )
    if number is None:
        report.warn("taux", f"Taux non compris : « {text} ».", place)
        return None
    share = number / 100 if percent or number > 1 else number
    if share < 0 or share > 1:
        report.error("taux", f"Taux hors de 0 à 100 % : « {text} ».", place)
        return None
    return share


def _amount(action: ActionPlan, value, place, report, column: Column) -> None:
    action.amount_text = cell_text(value)
    amount, basis = money(value, place, report, column.scale, column.decimal_comma)
    action.amount = amount
    action.amount_basis = basis or "total"


def _long_line(action, values, by_field, source, line, directory, report) -> None:
    funder_text = cell_text(values.get("financeur"))
    scheme_text = cell_text(values.get("dispositif"))
    subsidy = values.get("subvention")
    share_value = values.get("taux")
    if not funder_text and not cell_text(subsidy) and not cell_text(share_value):
        return
    place = by_field["financeur"].place(source, line)
    found = directory.find(funder_text)
    scheme = directory.scheme(funder_text)
    funder = found[0][1] if found else None
    own = funder is None and bool(OWN_FUNDING_WORDS.search(normalize_label(funder_text)))
    if own:  # « Autofinancement », « Reste à charge » as the financer: the owner's share
        funder = action.owners[0] if action.owners else None
        found = directory.find(funder) if funder else []
        funder = directory.resolve(funder) or (found[0][1] if len(found) == 1 else funder) if funder else None
    if funder is None and not scheme and funder_text:
        report.warn(
            "financeur-inconnu",
            f"Financeur « {funder_text} » absent du référentiel.",
            place,
            action.title,
        )
    amount = (
        money(
            subsidy,
            by_field["subvention"].place(source, line),
            report,
            by_field["subvention"].scale,
            by_field["subvention"].decimal_comma,
        )[0]
        if "subvention" in by_field
        else None
    )
    share = rate(share_value, by_field["taux"].place(source, line), report) if "taux" in by_field else None
    status_text = normalize_label(cell_text(values.get("statut")))
    status = next((s for phrase, s in STATUS_WORDS if re.search(rf"\b{phrase}\b", status_text)), "prevu")
    line_id = slugify(cell_text(values.get("identifiant_ligne")))
    action.lines.append(
        LinePlan(
            external_id=line_id or f"{slugify(funder_text) or 'financement'}-{len(action.lines) + 1}",
            funder=funder or (funder_text if not scheme else None),
            funder_known=funder is not None,
            amount=amount,
            share=share,
            is_annual=action.amount_basis == "annuel",
            status=status,
            scheme=funder_text if scheme else scheme_text,
            source_text=" ".join(filter(None, [funder_text, cell_text(subsidy), cell_text(share_value)])),
            place=place,
        )
    )


TAX_BASIS = re.compile(r"\s*(?:HT|TTC)$", re.I)
UNITLESS_FIGURE = re.compile(
    r"(?<![\d,.])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\d,.])"
    r"(?!\s*(?:%|€|k|m|md|euros?|eur)\b)(?!\s*[%€])",
    re.IGNORECASE,
)


def scaled_figures(text: str, scale: int) -> str:
    """« 592 (DSIL) », « ADEME (Fonds chaleur) : 630 » in a column titled in k€: each figure
    without a unit is in the column's unit, written in euros for the cell parser."""

    def euros(found: re.Match) -> str:
        value = parse_number(found[1])
        return f"{value * scale} €" if value is not None else found[0]

    return UNITLESS_FIGURE.sub(euros, text)


PERCENT_COLUMN = re.compile(r"%|\btaux\b")


def wide_lines(text, column: Column, action, source, line, directory, report) -> list[LinePlan]:
    """A financer's, scheme's or own-funding column, or a free-text financing plan (a
    column that names no financer). A bare number is an amount in euros (or in the unit
    of the column's title), « 384 000 (Fonds Barnier) » too."""
    bare = column_number(text, column)
    parts = None
    if bare is None and not (column.funder or column.scheme or column.own_funding):
        text = scaled_figures(text, column.scale) if column.scale != 1 else text
        return plan_text_lines(text, action, column.place(source, line), directory, report)
    if bare is None and not PERCENT_COLUMN.search(normalize_label(column.header) + column.header):
        text = scaled_figures(text, column.scale) if column.scale != 1 else euros_for_bare_number(text)
    if bare is not None:
        if PERCENT_COLUMN.search(normalize_label(column.header) + column.header):
            text = f"{bare * 100 if bare <= 1 else bare} %"
        else:
            bare *= column.scale
            text = f"{bare} €"
            parts = [FundingPart(amount=bare)]  # what reading « 1234 € » gives, without reading it
    funder = column.funder
    if column.own_funding:
        funder = action.owners[0] if action.owners else None
    lines = funding_lines(text, funder, directory, column.place(source, line), action, report, parts)
    for plan_line in lines:
        plan_line.scheme = plan_line.scheme or column.scheme
        plan_line.funder_known = (
            plan_line.funder_known and not column.own_funding or (column.own_funding and funder is not None)
        )
    return lines
