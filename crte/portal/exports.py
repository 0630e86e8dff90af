"""Open-data export of a contract: the platform's data package (one CSV per resource and
`datapackage.json`, crte/portal/data/datapackage.json) and `projets-territoire.csv` for the
national schema (betagouv projets-territoire 0.1.0, `programme` = CRTE).

CSV: UTF-8, comma, decimal point, ISO dates, booleans true/false, as the package says."""

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db.models import Prefetch

from crte.actions.models import Action
from crte.contracts.models import Contract
from crte.core.formats import neutralize_formula
from crte.finance.models import FundingLine
from crte.governance.models import Decision
from crte.indicators.models import Indicator

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
    return f"{rounded:f}"


def boolean(value: bool) -> str:
    return "true" if value else "false"


def year_or_empty(value: int | None) -> str:
    return str(value) if value else ""


# --- rows --------------------------------------------------------------------------------------


def contract_rows(contract: Contract) -> Iterator[dict]:
    territory = contract.territory
    yield {
        "idContrat": contract.slug,
        "nom": contract.name,
        "epciSiren": territory.epci.siren if territory else "",
        "epciNom": territory.epci.name if territory else contract.name,
        "dateSignature": contract.signed_on.isoformat() if contract.signed_on else "",
        "anneeDebut": year_or_empty(contract.start_year),
        "anneeFin": year_or_empty(contract.end_year),
        "version": contract.version,
        "statut": contract.status,
    }


def orientation_rows(contract: Contract) -> Iterator[dict]:
    for orientation in contract.orientations.all():
        yield {
            "idContrat": contract.slug,
            "idOrientation": orientation.code,
            "nom": orientation.name,
            "ordre": orientation.order,
        }


def priority_id(priority) -> str:
    return f"{priority.orientation.code}-{priority.code}"


def priority_rows(contract: Contract) -> Iterator[dict]:
    for orientation in contract.orientations.prefetch_related("priorities"):
        for priority in orientation.priorities.all():
            priority.orientation = orientation
            yield {
                "idContrat": contract.slug,
                "idEnjeu": priority_id(priority),
                "idOrientation": orientation.code,
                "libelle": priority.label,
            }


def export_actions(contract: Contract):
    lines = FundingLine.objects.select_related("funder", "scheme").order_by("id")
    return (
        contract.actions.select_related("orientation", "priority__orientation")
        .prefetch_related("owners", "communes", Prefetch("funding_lines", queryset=lines))
        .order_by("orientation__order", "order", "id")
    )


def action_rows(contract: Contract, actions: Iterable[Action]) -> Iterator[dict]:
    for action in actions:
        yield {
            "idContrat": contract.slug,
            "idAction": action.external_id,
            "intitule": action.title,
            "description": action.description,
            "idOrientation": action.orientation.code,
            "idEnjeu": priority_id(action.priority) if action.priority else "",
            "maitresOuvrage": " ; ".join(o.name for o in action.owners.all()),
            "montantPrevisionnelHT": number(action.amount),
            "montantAnnuel": boolean(action.is_annual),
            "montantTexte": action.amount_text,
            "anneeDebut": year_or_empty(action.start_year),
            "anneeFin": year_or_empty(action.end_year),
            "calendrierTexte": action.calendar_text,
            "maturite": action.maturity,
            "communes": " ; ".join(c.insee_code for c in action.communes.all()),
            "source": action.source,
        }


def funding_rows(contract: Contract, actions: Iterable[Action]) -> Iterator[dict]:
    for action in actions:
        for line in action.funding_lines.all():
            line.action = action
            yield {
                "idContrat": contract.slug,
                "idFinancement": f"{action.external_id}/{line.external_id}",
                "idAction": action.external_id,
                "financeur": line.funder.name if line.funder else "Non précisé",
                "categorieFinanceur": line.funder.category if line.funder else "INCONNU",
                "dispositif": line.scheme.name if line.scheme else "",
                "montant": number(line.resolved_amount()),
                "taux": number(line.share, "0.00000001"),
                "montantAnnuel": boolean(line.is_annual),
                "statut": line.status,
                "typeCredit": line.credit_type,
                "texteSource": line.source_text,
            }


def indicator_rows(contract: Contract, indicators) -> Iterator[dict]:
    for indicator in indicators:
        target = indicator.orientation or indicator.action
        yield {
            "idContrat": contract.slug,
            "idIndicateur": indicator.code,
            "nom": indicator.name,
            "unite": indicator.unit,
            "niveau": indicator.level,
            "idObjet": getattr(target, "code", None) or getattr(target, "external_id", ""),
            "sens": indicator.direction,
            "source": indicator.source,
        }


def value_rows(contract: Contract, indicators) -> Iterator[dict]:
    """Baselines, results and targets with an absolute value. A target written as a change
    (-13 % vs 2017) has no value until the baseline is known; it stays out of this file."""
    for indicator in indicators:
        base = {"idContrat": contract.slug, "idIndicateur": indicator.code}
        if indicator.baseline_year and indicator.baseline_value is not None:
            yield base | {
                "date": f"{indicator.baseline_year}-01-01",
                "type": "reference",
                "valeur": number(indicator.baseline_value, "0.000001"),
                "source": indicator.source,
            }
        for measurement in indicator.measurements.all():
            yield base | {
                "date": measurement.date.isoformat(),
                "type": "resultat",
                "valeur": number(measurement.value, "0.000001"),
                "source": measurement.source,
            }
        for target in indicator.targets.all():
            value = target.value
            if value is None and indicator.baseline_value is not None:
                value = indicator.baseline_value * (1 + target.relative_change)
            if value is not None:
                yield base | {
                    "date": f"{target.year}-01-01",
                    "type": "objectif",
                    "valeur": number(value, "0.000001"),
                    "source": target.note,
                }


def decision_rows(contract: Contract) -> Iterator[dict]:
    decisions = Decision.objects.filter(meeting__committee__contract=contract).select_related(
        "meeting__committee", "action"
    )
    for decision in decisions.order_by("meeting__date", "order", "id"):
        yield {
            "idContrat": contract.slug,
            "idDecision": str(decision.pk),
            "instance": decision.meeting.committee.kind,
            "dateReunion": decision.meeting.date.isoformat(),
            "type": decision.kind,
            "objet": decision.subject,
            "idAction": decision.action.external_id if decision.action else "",
        }


def project_rows(contract: Contract, actions: Iterable[Action]) -> Iterator[dict]:
    for action in actions:
        budget = action.amount if action.amount is not None and not action.is_annual else None
        yield {
            "id": str(uuid.uuid5(PROJECT_NAMESPACE, f"{contract.slug}/{action.external_id}")),
            "createdAt": iso_utc(action.created_at),
            "updatedAt": iso_utc(action.updated_at),
            "nom": action.title,
            "description": action.description,
            "budgetPrevisionnel": number(budget, "1") if budget is not None else "",
            "dateDebutPrevisionnelle": f"{action.start_year}-01-01" if action.start_year else "",
            "phase": PHASES[action.maturity],
            "phaseStatut": PHASE_STATUSES.get(action.maturity, "En cours"),
            "programme": "CRTE",
        }


def iso_utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- files -------------------------------------------------------------------------------------


def export_files(contract: Contract) -> dict[str, str]:
    """File name -> CSV text, plus datapackage.json."""
    files = {}
    for name, rows in contract_tables(contract).items():
        fields = PROJECTS_FIELDS if name == "projets-territoire" else fields_of(name)
        files[f"{name}.csv"] = to_csv(fields, rows)
    files["datapackage.json"] = json.dumps(PACKAGE, ensure_ascii=False, indent=2)
    return files


def to_csv(fields: list[str], rows: Iterable[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(safe_rows(rows))
    return buffer.getvalue()


def safe_rows(rows: Iterable[dict]) -> Iterable[dict]:
    """No cell of an open-data CSV runs as a formula when opened in a spreadsheet."""
    for row in rows:
        yield {key: neutralize_formula(value) for key, value in row.items()}


def write_export(contract: Contract, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in export_files(contract).items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def export_zip(contract: Contract) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in export_files(contract).items():
            archive.writestr(f"{contract.slug}/{name}", text)
    return buffer.getvalue()


def contract_tables(contract: Contract) -> dict[str, Iterable[dict]]:
    """Every resource's rows for one contract (and projets-territoire)."""
    actions = list(export_actions(contract))
    indicators = list(
        Indicator.objects.filter(contract=contract)
        .select_related("orientation", "action")
        .prefetch_related("measurements", "targets")
    )
    return {
        "contrats": contract_rows(contract),
        "orientations": orientation_rows(contract),
        "enjeux": priority_rows(contract),
        "actions": action_rows(contract, actions),
        "financements": funding_rows(contract, actions),
        "indicateurs": indicator_rows(contract, indicators),
        "valeurs": value_rows(contract, indicators),
        "decisions": decision_rows(contract),
        "projets-territoire": project_rows(contract, actions),
    }


def write_all(out: Path, contracts=None, progress=None) -> int:
    """One data package for every contract of the instance, streamed: each CSV is written
    contract by contract, so memory holds one contract at a time."""
    out.mkdir(parents=True, exist_ok=True)
    contracts = contracts if contracts is not None else Contract.objects.select_related("territory__epci")
    names = [r["name"] for r in PACKAGE["resources"]] + ["projets-territoire"]
    handles, writers = {}, {}
    try:
        for name in names:
            fields = PROJECTS_FIELDS if name == "projets-territoire" else fields_of(name)
            handles[name] = (out / f"{name}.csv").open("w", encoding="utf-8", newline="")
            writers[name] = csv.DictWriter(handles[name], fieldnames=fields, lineterminator="\n")
            writers[name].writeheader()
        count = 0
        for contract in contracts.order_by("pk").iterator(chunk_size=100):
            for name, rows in contract_tables(contract).items():
                writers[name].writerows(safe_rows(rows))
            count += 1
            if progress:
                progress(count)
    finally:
        for handle in handles.values():
            handle.close()
    (out / "datapackage.json").write_text(json.dumps(PACKAGE, ensure_ascii=False, indent=2), encoding="utf-8")
    return count
