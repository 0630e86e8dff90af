"""One entry point for every import, from the CLI or the web page: read the source,
check it, write it in one transaction (or not, on errors or in a dry run)."""

from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

from crte.contracts.models import Contract
from crte.governance.versions import ensure_initial_version
from crte.importers.contract_document import read_contract_document
from crte.importers.from_document import document_to_plan
from crte.importers.load import Catalogue, run_import
from crte.importers.plan import ImportPlan, Place
from crte.importers.quality import check_plan
from crte.importers.report import Report
from crte.importers.spreadsheet import SPREADSHEET_SUFFIXES, read_spreadsheet

DOCUMENT_SUFFIXES = {".txt", ".md"}


class SourceError(Exception):
    """A file that cannot be read at all (its message is for people, in French)."""


@dataclass
class ImportResult:
    plan: ImportPlan | None
    report: Report
    contract: Contract | None


def read_source(path: Path, *, name: str, catalogue: Catalogue, report: Report) -> ImportPlan | None:
    suffix = Path(name).suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        text = decode_text(path.read_bytes(), name, report)
        if text is None:
            return None
        return document_to_plan(read_contract_document(text), catalogue.directory, name, report)
    if suffix in SPREADSHEET_SUFFIXES:
        return read_spreadsheet(path, name=name, directory=catalogue.directory, report=report)
    report.error(
        "format",
        f"Format de fichier non pris en charge : « {suffix or 'sans extension'} ». Formats "
        "acceptés : document texte (.txt, .md), tableur (.xlsx, .ods, .csv).",
        Place(name),
    )
    return None


def decode_text(data: bytes, name: str, report: Report) -> str | None:
    if b"\x00" in data[:4096]:
        report.error("binaire", "Le fichier n'est pas un texte (contenu binaire).", Place(name))
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    report.error("encodage", "Encodage du fichier non reconnu (UTF-8 ou Windows-1252 attendu).")
    return None


def import_source(*, path: Path, slug: str, name: str = "", dry_run: bool = False) -> ImportResult:
    name = name or path.name
    report = Report()
    catalogue = Catalogue.load()
    plan = read_source(path, name=name, catalogue=catalogue, report=report)
    if plan is None:
        return ImportResult(None, report, None)
    check_plan(plan, report)
    contract = run_import(plan, slug=slug, report=report, catalogue=catalogue, dry_run=dry_run)
    if contract is not None and plan.is_document and contract.signed_on:
        ensure_initial_version(contract)  # version 0: the contract as signed
    return ImportResult(plan, report, contract)


def suggested_slug(path: Path) -> str | None:
    """A contract document names its EPCI: 'crte-cabbalr' for the CABBALR. A spreadsheet
    names no contract."""
    if path.suffix.lower() not in DOCUMENT_SUFFIXES:
        return None
    doc = read_contract_document(path.read_text(encoding="utf-8", errors="replace"))
    short = doc.epci_short or doc.epci_name
    return f"crte-{slugify(short)}" if short else None
