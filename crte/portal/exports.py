"""Open-data export of a contract: the platform's data package (one CSV per resource and
`datapackage.json`, crte/portal/data/datapackage.json) and `projets-territoire.csv` for the
national schema (betagouv projets-territoire 0.1.0, `programme` = CRTE).

CSV: UTF-8, comma, decimal point, ISO dates, booleans true/false, as the package says."""

import csv
import io
import json
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from crte.actions.models import Action
from crte.contracts.models import Contract, Orientation, Priority, of_contracts
from crte.core.formats import neutralize_formula
from crte.finance.models import FundingLine
from crte.finance.money import LineFacts, Period, action_total, own_years, period_total, resolved
from crte.governance.models import Decision
from crte.indicators.models import Indicator, Measurement, Target

DATA_DIR = Path(__file__).resolve().parent / "data"
PACKAGE = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
PROJECTS_FIELDS = [
    f["name"]
    for f in json.loads(
        (DATA_DIR / "betagouv-projets-territoire-0.1.0.schema.json").read_text(encoding="utf-8")
    )["fields"]
]
# A stable namespace, so that an action keeps its UUID from one export to the next.
PROJECT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "crte-pilote/projets")
PHASES = {
    "idee": "Idée",
    "en_maturation": "Étude",
    "prete": "Étude",
    "validee": "Opération",
    "engagee": "Opération",
    "en_cours": "Opération",
    "achevee": "Opération",
    "abandonnee": "Opération",
}
PHASE_STATUSES = {"achevee": "Terminé", "abandonnee": "Abandonné"}


def fields_of(resource: str) -> list[str]:
    schema = next(r["schema"] for r in PACKAGE["resources"] if r["name"] == resource)
    return [f["name"] for f in schema["fields"]]


def number(value: Decimal | None, places: str = "0.01") -> str:
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:f}" if rounded else "0"  # never « -0 »


def boolean(value: bool) -> str:
    return "true" if value else "false"


def year_or_empty(value: int | None) -> str:
    return str(value) if value else ""


# --- rows: one streamed query per resource ---------------------------------------------------
#
# Every resource is read by one query over the contracts asked for (one, a perimeter or the
# whole instance), ordered contract by contract, and streamed (a server-side cursor on
# PostgreSQL): memory holds a chunk of rows, whatever the number of contracts. Rows are lists
# in the order of the resource's fields. Texts people wrote are neutralised against formulas;
# what the platform formats itself (numbers, dates, booleans) is left as is.

CHUNK = 5000


def stream(queryset, *fields):
    return queryset.values_list(*fields).iterator(chunk_size=CHUNK)


def text(value) -> str:
    """A text people wrote, never run as a formula by a spreadsheet."""
    return "" if value is None else neutralize_formula(value)


# The rows of each resource, in the file's order, streamed from the ORM.


def contracts_in_order(contracts):
    return of_contracts(Contract.objects.all(), "pk", contracts).order_by("pk")


def orientations_in_order(contracts):
    return of_contracts(Orientation.objects.all(), "contract", contracts).order_by(
        "contract_id", "order", "id"
    )


def priorities_in_order(contracts):
    return of_contracts(Priority.objects.all(), "orientation__contract", contracts).order_by(
        "orientation__contract_id", "orientation__order", "orientation_id", "order", "id"
    )


def ordered_actions(queryset, prefix: str = "", *then: str):
    """Contract by contract, in the order of the contract's orientations and actions."""
    return queryset.order_by(
        f"{prefix}contract_id", f"{prefix}orientation__order", f"{prefix}order", f"{prefix}id", *then
    )


def actions_in_order(contracts):
    return ordered_actions(of_contracts(Action.objects.all(), "contract", contracts))


def lines_in_order(contracts):
    return ordered_actions(
        of_contracts(FundingLine.objects.all(), "action__contract", contracts), "action__", "id"
    )


def contract_indicators(contracts):
    """The contracts' own indicators (not the national catalogue's)."""
    return of_contracts(Indicator.objects.filter(contract__isnull=False), "contract", contracts)


def indicators_in_order(contracts):
    return contract_indicators(contracts).order_by("contract_id", "code", "id")


def of_indicators(model, contracts):
    """Measurements or targets of the contracts' own indicators."""
    return of_contracts(
        model.objects.filter(indicator__contract__isnull=False), "indicator__contract", contracts
    )


def decisions_in_order(contracts):
    return of_contracts(Decision.objects.all(), "meeting__committee__contract", contracts).order_by(
        "meeting__committee__contract_id", "meeting__date", "order", "id"
    )


def contract_rows(contracts) -> Iterator[list]:
    query = contracts_in_order(contracts)
    for slug, name, territory, siren, epci, signed, start, end, version, status in stream(
        query,
        "slug",
        "name",
        "territory_id",
        "territory__epci__siren",
        "territory__epci__name",
        "signed_on",
        "start_year",
        "end_year",
        "version",
        "status",
    ):
        yield [
            text(slug),
            text(name),
            text(siren) if territory else "",
            text(epci) if territory else text(name),
            signed.isoformat() if signed else "",
            year_or_empty(start),
            year_or_empty(end),
            text(version),
            text(status),
        ]


def orientation_rows(contracts) -> Iterator[list]:
    query = orientations_in_order(contracts)
    for slug, code, name, order in stream(query, "contract__slug", "code", "name", "order"):
        yield [text(slug), text(code), text(name), order]


def priority_id(orientation_code: str, code: str) -> str:
    return f"{orientation_code}-{code}"


def priority_rows(contracts) -> Iterator[list]:
    query = priorities_in_order(contracts)
    for slug, orientation, code, label in stream(
        query, "orientation__contract__slug", "orientation__code", "code", "label"
    ):
        yield [text(slug), text(priority_id(orientation, code)), text(orientation), text(label)]


def names_by_action(contracts) -> tuple[dict, dict]:
    """Owners' names and communes' codes of every action asked for, in the pages' order."""

    def linked(through, order: tuple[str, str], value: str) -> dict[int, list[str]]:
        grouped: dict[int, list[str]] = defaultdict(list)
        rows = of_contracts(through.objects.all(), "action__contract", contracts).order_by(*order)
        for action, text_value in stream(rows, "action_id", value):
            grouped[action].append(text_value)
        return grouped

    owners = linked(Action.owners.through, ("organisation__name", "organisation_id"), "organisation__name")
    communes = linked(
        Action.communes.through, ("commune__name", "commune__insee_code"), "commune__insee_code"
    )
    return owners, communes


def action_rows(contracts) -> Iterator[list]:
    owners, communes = names_by_action(contracts)
    query = actions_in_order(contracts)
    for row in stream(
        query,
        "pk",
        "contract__slug",
        "external_id",
        "title",
        "description",
        "orientation__code",
        "priority__orientation__code",
        "priority__code",
        "amount",
        "amount_basis",
        "amount_text",
        "start_year",
        "end_year",
        "calendar_text",
        "maturity",
        "source",
        "contract__start_year",
        "contract__end_year",
    ):
        pk, slug, external_id, title, description, orientation, p_orientation, p_code = row[:8]
        amount, annual, amount_text, start, end, calendar, maturity, source, first, last = row[8:]
        over_contract = action_total(
            amount, annual == Action.AmountBasis.ANNUAL, start, end, Period(first, last)
        )
        yield [
            text(slug),
            text(external_id),
            text(title),
            text(description),
            text(orientation),
            text(priority_id(p_orientation, p_code)) if p_code is not None else "",
            text(" ; ".join(owners.get(pk, ()))),
            number(amount),
            boolean(annual == Action.AmountBasis.ANNUAL),
            number(over_contract) if amount is not None else "",
            text(amount_text),
            year_or_empty(start),
            year_or_empty(end),
            text(calendar),
            text(maturity),
            text(" ; ".join(communes.get(pk, ()))),
            text(source),
        ]


def funding_rows(contracts) -> Iterator[list]:
    query = lines_in_order(contracts)
    for row in stream(
        query,
        "action__contract__slug",
        "action__external_id",
        "external_id",
        "funder_id",
        "funder__name",
        "funder__category",
        "scheme__name",
        "amount",
        "share",
        "action__amount",
        "is_annual",
        "status",
        "credit_type",
        "source_text",
        "start_year",
        "end_year",
        "action__start_year",
        "action__end_year",
        "action__contract__start_year",
        "action__contract__end_year",
    ):
        slug, action, external_id, funder, funder_name, category, scheme = row[:7]
        amount, share, action_amount, annual, status, credit, source = row[7:14]
        start, end = own_years(*row[14:18])
        value = resolved(amount, share, action_amount)
        facts = LineFacts("", "", "", status, value, annual, start, end)
        yield [
            text(slug),
            text(f"{action}/{external_id}"),
            text(action),
            text(funder_name) if funder else "Non précisé",
            text(category) if funder else "INCONNU",
            text(scheme),
            number(value),
            number(share, "0.00000001"),
            boolean(annual),
            year_or_empty(start),
            year_or_empty(end),
            number(period_total(facts, Period(*row[18:]))) if value is not None else "",
            text(status),
            text(credit),
            text(source),
        ]


def indicators(contracts):
    return stream(
        indicators_in_order(contracts),
        "pk",
        "contract__slug",
        "code",
        "name",
        "unit",
        "level",
        "orientation_id",
        "orientation__code",
        "action_id",
        "action__external_id",
        "direction",
        "source",
        "baseline_year",
        "baseline_value",
    )


def indicator_rows(contracts) -> Iterator[list]:
    for row in indicators(contracts):
        _, slug, code, name, unit, level, orientation, o_code, action, a_code, direction, source = row[:12]
        target = (o_code or "") if orientation else (a_code or "") if action else ""
        yield [
            text(slug),
            text(code),
            text(name),
            text(unit),
            text(level),
            text(target),
            text(direction),
            text(source),
        ]


def by_indicator(model, contracts, order: str, *fields: str) -> dict[int, list]:
    """Measurements or targets of the contracts' indicators, by indicator, in order."""
    rows = of_indicators(model, contracts)
    grouped: dict[int, list] = defaultdict(list)
    for indicator, *values in stream(
        rows.order_by("indicator_id", order, "id"), "indicator_id", order, *fields
    ):
        grouped[indicator].append(values)
    return grouped


def value_rows(contracts) -> Iterator[list]:
    """Baselines, results and targets with an absolute value. A target written as a change
    (-13 % vs 2017) has no value until the baseline is known; it stays out of this file."""
    measurements = by_indicator(Measurement, contracts, "date", "value", "source")
    targets = by_indicator(Target, contracts, "year", "value", "relative_change", "note")
    for row in indicators(contracts):
        pk, slug, code = row[:3]
        source, baseline_year, baseline = row[11:]
        base = [text(slug), text(code)]
        if baseline_year and baseline is not None:
            yield [*base, f"{baseline_year}-01-01", "reference", number(baseline, "0.000001"), text(source)]
        for date, value, note in measurements.get(pk, ()):
            yield [*base, date.isoformat(), "resultat", number(value, "0.000001"), text(note)]
        for year, value, change, note in targets.get(pk, ()):
            if value is None and baseline is not None:
                value = baseline * (1 + change)
            if value is not None:
                yield [*base, f"{year}-01-01", "objectif", number(value, "0.000001"), text(note)]


def decision_rows(contracts) -> Iterator[list]:
    query = decisions_in_order(contracts)
    for slug, pk, kind_of_body, date, kind, subject, action in stream(
        query,
        "meeting__committee__contract__slug",
        "pk",
        "meeting__committee__kind",
        "meeting__date",
        "kind",
        "subject",
        "action__external_id",
    ):
        yield [
            text(slug),
            str(pk),
            text(kind_of_body),
            date.isoformat(),
            text(kind),
            text(subject),
            text(action),
        ]


PROJECT_COLUMNS = [  # what the platform knows of the national schema's fields (the rest stays empty)
    "id",
    "createdAt",
    "updatedAt",
    "nom",
    "description",
    "budgetPrevisionnel",
    "dateDebutPrevisionnelle",
    "phase",
    "phaseStatut",
    "programme",
]
if PROJECTS_FIELDS[: len(PROJECT_COLUMNS)] != PROJECT_COLUMNS:
    raise RuntimeError("projets-territoire: the schema's fields changed order")
PROJECT_EMPTY = [""] * (len(PROJECTS_FIELDS) - len(PROJECT_COLUMNS))


def project_rows(contracts) -> Iterator[list]:
    query = actions_in_order(contracts)
    for row in stream(
        query,
        "contract__slug",
        "external_id",
        "created_at",
        "updated_at",
        "title",
        "description",
        "amount",
        "amount_basis",
        "start_year",
        "maturity",
        "end_year",
        "contract__start_year",
        "contract__end_year",
    ):
        slug, external_id, created, updated, title, description, amount, annual, start, maturity = row[:10]
        period = Period(*row[11:])
        budget = action_total(amount, annual == Action.AmountBasis.ANNUAL, start, row[10], period)
        yield [
            str(uuid.uuid5(PROJECT_NAMESPACE, f"{slug}/{external_id}")),
            iso_utc(created),
            iso_utc(updated),
            text(title),
            text(description),
            number(budget, "1") if amount is not None else "",  # over the contract (money rule)
            f"{start}-01-01" if start else "",
            PHASES[maturity],
            PHASE_STATUSES.get(maturity, "En cours"),
            "CRTE",
            *PROJECT_EMPTY,
        ]


def iso_utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


RESOURCES = {
    "contrats": contract_rows,
    "orientations": orientation_rows,
    "enjeux": priority_rows,
    "actions": action_rows,
    "financements": funding_rows,
    "indicateurs": indicator_rows,
    "valeurs": value_rows,
    "decisions": decision_rows,
    "projets-territoire": project_rows,
}


def header(name: str) -> list[str]:
    return PROJECTS_FIELDS if name == "projets-territoire" else fields_of(name)


# --- files -------------------------------------------------------------------------------------


def write_rows(handle, rows) -> None:
    """The csv module's rows, with one thing of PostgreSQL's COPY: a field holding a carriage
    return is quoted (Python 3.11 quotes only the characters of the line terminator, and a
    bare carriage return would end the row for a reader)."""
    writer = csv.writer(handle, lineterminator="\n")
    for row in rows:
        if any(type(value) is str and "\r" in value for value in row):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\r\n").writerow(row)
            handle.write(buffer.getvalue()[:-2] + "\n")
        else:
            writer.writerow(row)


def write_csv(handle, name: str, contracts) -> None:
    """Resource `name` of these contracts into binary `handle`: header, then rows streamed
    from the ORM and written by the csv module."""
    head = io.StringIO()
    csv.writer(head, lineterminator="\n").writerow(header(name))
    handle.write(head.getvalue().encode("utf-8"))
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    write_rows(text, RESOURCES[name](contracts))
    text.detach()  # flushed; the handle stays open


def one(contract: Contract):
    return Contract.objects.filter(pk=contract.pk)


def export_files(contract: Contract) -> dict[str, str]:
    """File name -> CSV text, plus datapackage.json."""
    files = {}
    for name in RESOURCES:
        buffer = io.BytesIO()
        write_csv(buffer, name, one(contract))
        files[f"{name}.csv"] = buffer.getvalue().decode("utf-8")
    files["datapackage.json"] = json.dumps(PACKAGE, ensure_ascii=False, indent=2)
    return files


def write_export(contract: Contract, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in export_files(contract).items():
        path = out / name
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths


def export_zip(contract: Contract) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in export_files(contract).items():
            archive.writestr(f"{contract.slug}/{name}", content)
    return buffer.getvalue()


def write_all(out: Path, contracts=None, progress=None) -> int:
    """One data package for these contracts (None: every contract of the instance), one
    query per resource streamed to its CSV file through the csv module. `progress(name)` is
    called as each resource is done. Returns the number of contracts."""
    out.mkdir(parents=True, exist_ok=True)
    for name in RESOURCES:
        with (out / f"{name}.csv").open("wb") as handle:
            write_csv(handle, name, contracts)
        if progress:
            progress(name)
    (out / "datapackage.json").write_text(json.dumps(PACKAGE, ensure_ascii=False, indent=2), encoding="utf-8")
    return (Contract.objects.all() if contracts is None else contracts).count()
