"""Turns a contract document read by `contract_document` into an ImportPlan: annex rows
become actions with their financing lines; programming items of Art. 3 that are not the
same operation as an annex row become actions of the maturity their list implies."""

import re

from django.utils.text import slugify

from crte.core.text import normalize_label
from crte.importers.plan import (
    ActionPlan,
    ImportPlan,
    OrientationPlan,
    Place,
    ProgrammePlan,
    TargetPlan,
)
from crte.importers.plan.report import Report
from crte.importers.understand.contract_document import (
    AnnexRow,
    ContractDocument,
    _split_owners,
    clean_cell,
    heading_name,
)
from crte.importers.understand.fiches import FicheContext, axis_names, fiche_actions, read_fiches
from crte.importers.understand.from_table import (
    Column,
    column_lines,
    fields_read,
    map_header,
    owner_name,
    report_columns,
    row_action,
    understand_columns,
)
from crte.importers.understand.funding import FunderDirectory
from crte.importers.understand.matching import likeness

MATCH_THRESHOLD = 0.66  # likeness of a programming item and an annex row: the same operation


def document_to_plan(
    doc: ContractDocument, directory: FunderDirectory, source: str, report: Report, mapping=None
):
    plan = ImportPlan(
        source=source,
        is_document=True,
        contract_name=f"{doc.title} — {doc.epci_name}" if doc.epci_name else doc.title,
        epci_name=doc.epci_name,
        epci_short=doc.epci_short,
        signatories=[(s.party, s.person, s.title) for s in doc.signatories],
        signed_on=doc.signed_on,
        start_year=doc.start_year,
        end_year=doc.end_year,
        duration_years=doc.duration_years,
        orientations=[OrientationPlan(o.name, list(o.priorities)) for o in doc.orientations],
    )
    for warning in doc.warnings:
        report.warn("document", warning, Place(source))
    names = {normalize_label(o.heading): o.name for o in doc.orientations}
    taken: set[str] = set()
    columns = annex_columns(doc, directory, source, report, mapping)
    for row in doc.annex_rows:
        plan.actions.append(_annex_action(row, names, columns, directory, source, taken, report))
    _fiches(doc, plan, names, directory, source, taken, report)
    _programme_items(doc, plan, source, taken, report)
    plan.programmes = [
        ProgrammePlan(
            code=p.kind,
            kind=p.kind,
            name=p.qualifier,
            description=p.text,
            start_year=p.start_year,
            end_year=p.end_year,
            partners=list(dict.fromkeys(name for _, name in directory.find(p.text))),
        )
        for p in doc.programmes
    ]
    plan.facts = list(doc.facts)
    plan.targets = [
        TargetPlan(
            indicator_code=t.code,
            name=t.name,
            unit=t.unit,
            direction=t.direction,
            year=t.year,
            relative_change=t.relative_change,
            baseline_year=t.baseline_year,
            text=t.text,
            catalogue_id=t.catalogue_id,
        )
        for t in doc.targets
    ]
    return plan


EPCI_WORDS = re.compile(r"\b(epci|metropole|agglomeration|agglo|communaute|intercommunalite|cc|ca|cu)\b")


def annex_columns(
    doc: ContractDocument, directory, source: str, report: Report, mapping=None
) -> list[Column]:
    """The programming table's columns as a spreadsheet's are understood (`from_table`):
    by their titles (one column per financer or scheme, the owner's share, « autres
    financeurs », start and end years, communes, the owner's SIREN) and, for an unknown
    title, by their cells (a free-text financing plan); « Part Métropole », « EPCI » are
    the contract's grouping. A column not read is reported. A person's choice
    (`mapping`) comes first."""
    if not doc.annex_rows:
        return []
    columns = map_header(doc.annex_rows[0].headers, directory, mapping)
    grouping = directory.resolve(doc.epci_short) if doc.epci_short else None
    grouping = grouping or (directory.resolve(doc.epci_name) if doc.epci_name else None)
    for column in columns:
        key = normalize_label(column.header)
        if (
            column.field not in ("financement", "intitule", "maitre_ouvrage")
            and not column.chosen
            and grouping
            and EPCI_WORDS.search(key)
        ):
            column.field, column.funder = "financement", grouping
    understand_columns(columns, [row.cells for row in doc.annex_rows], directory)
    report_columns(columns, source, None, report)
    return columns


def _annex_action(row: AnnexRow, names, columns, directory, source, taken, report) -> ActionPlan:
    """An annex row read as a spreadsheet's row is (`from_table.row_action`), then as a
    signed contract's: owners split as the annex writes them, the orientation of its
    section, validated unless its calendar or amount says otherwise."""
    by_field = fields_read(columns)
    values = {
        name: clean_cell(row.cells[column.index]) if column.index < len(row.cells) else ""
        for name, column in by_field.items()
    }
    row.amount_text = values.get("montant", "")
    owners = _split_owners(owner_name(values.get("maitre_ouvrage", ""))[0])
    if len(owners) > 1 and directory.resolve(" ".join(owners)):
        owners = [" ".join(owners)]  # « Morlaix Communauté » is one body, not two owners
    action = row_action(values, by_field, source, row.line, taken, report)
    action.owners = owners
    heading = names.get(normalize_label(row.orientation), "") or display_heading(row.orientation)
    action.orientation = action.orientation or heading
    action.priority_hint = action.priority_hint or row.priority_hint
    if not action.maturity_text:
        action.maturity = annex_maturity(row, action.amount)
    texts = [clean_cell(cell) for cell in row.cells]
    action.lines += column_lines(texts, columns, action, source, row.line, directory, report)
    return action


def display_heading(heading: str) -> str:
    """An annex section the strategy does not list: 'MIEUX SE LOGER' -> 'Mieux se loger',
    'Axe 2 : Mieux produire' -> 'Mieux produire'."""
    name = heading_name(heading) if heading else ""
    return name.capitalize() if name.isupper() else name


def annex_maturity(row: AnnexRow, amount_value) -> str:
    """The annex lists the actions programmed at signature. Rule: an action whose
    calendar says 'en cours' is under way; one whose amount is still being defined is
    maturing; the others are validated by the signed contract."""
    if "en cours" in normalize_label(row.calendar_text):
        return "en_cours"
    if amount_value is None and re.search(
        r"en cours|a determiner|a preciser", normalize_label(row.amount_text)
    ):
        return "en_maturation"
    return "validee"


def unique_id(title: str, taken: set[str], line: int) -> str:
    base = slugify(title)[:60].strip("-") or f"ligne-{line}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _fiches(doc: ContractDocument, plan: ImportPlan, names, directory, source, taken, report) -> None:
    """A programme written as fiches actions: each fiche is an action, as an annex row is
    (one the annex already has is not read twice)."""
    lines = doc.text.splitlines()
    fiches = read_fiches(lines)
    if fiches:
        context = FicheContext(
            directory,
            source,
            report,
            lambda title, line: unique_id(title, taken, line),
            names,
            axis_names(lines),
        )
        plan.actions += fiche_actions(fiches, plan.actions, context)


def phases(text: str) -> set[str]:
    return set(re.findall(r"phase\s*(\d+)", normalize_label(text)))


def _programme_items(doc: ContractDocument, plan: ImportPlan, source, taken, report) -> None:
    """Items of 'Programmation 2022' become actions being matured, those of the forecast
    2023-2026 ideas, unless an annex row is the same operation (then they are reported as
    matched, never duplicated)."""
    annex = [a for a in plan.actions]
    for orientation in doc.orientations:
        lists = [
            (orientation.programme_now, "en_maturation", None),
            (orientation.programme_later, "idee", orientation.later_first_year),
        ]
        for items, maturity, first_year in lists:
            for item in items:
                scored = [(_item_score(item, a, orientation.name, first_year), a) for a in annex]
                score, best = max(scored, key=lambda pair: pair[0], default=(0, None))
                if best is not None and score >= MATCH_THRESHOLD:
                    report.info(
                        "programmation",
                        f"« {item} » est l'action de l'annexe « {best.title} ».",
                        Place(source, orientation.line),
                        best.title,
                    )
                    continue
                plan.actions.append(
                    ActionPlan(
                        external_id=unique_id(item, taken, orientation.line),
                        title=item[:400],
                        orientation=orientation.name,
                        place=Place(source, orientation.line),
                        maturity=maturity,
                        has_financing_columns=False,
                    )
                )


def _item_score(item: str, action: ActionPlan, orientation: str, first_year: int | None) -> float:
    """An item is the same operation as an annex row when their titles (or the item and
    the row's content) look alike. Not when they name different phases, nor when the item
    is a forecast for years after the row has ended."""
    item_phases, row_phases = phases(item), phases(action.title)
    if item_phases and row_phases and not item_phases & row_phases:
        return 0.0
    if first_year and action.end_year and action.end_year < first_year:
        return 0.0
    score = max(likeness(item, action.title), likeness(item, action.description or ""))
    return score if action.orientation == orientation else score - 0.1
