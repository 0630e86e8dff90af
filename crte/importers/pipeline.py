"""One entry point for every import, from the CLI or the web page: read the source,
check it, write it in one transaction (or not, on errors or in a dry run)."""

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from crte.contracts.models import Contract
from crte.core.jobs import Progress
from crte.core.resolve import NOWHERE, groupings_by_siren, match_grouping, place_for_groupings, place_of
from crte.core.text import normalize_label
from crte.governance.versions import ensure_initial_version
from crte.importers.models import ColumnMapping, remember
from crte.importers.plan import ImportPlan, Place
from crte.importers.plan.quality import check_plan
from crte.importers.plan.report import Report
from crte.importers.read import DOCUMENT_SUFFIXES, SPREADSHEET_SUFFIXES, Limits, Reader, ReadError
from crte.importers.read.blocks import Lines, to_lines
from crte.importers.understand.contract_document import ContractDocument, read_contract_document
from crte.importers.understand.figures import keep_chosen
from crte.importers.understand.from_document import document_to_plan
from crte.importers.understand.from_table import read_spreadsheet
from crte.importers.understand.mapping import Choice
from crte.importers.write.load import Catalogue, run_import


@dataclass
class ImportResult:
    plan: ImportPlan | None
    report: Report
    contract: Contract | None


def read_source(
    path: Path,
    *,
    name: str,
    catalogue: Catalogue,
    report: Report,
    reader: Reader,
    doc: ContractDocument | None = None,
    mapping: dict[str, Choice] | None = None,
) -> ImportPlan | None:
    suffix = Path(name).suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        if doc is None:
            lines = document_lines(path, name, report, reader)
            if lines is None:
                return None
            doc = read_contract_document(lines.text)
        return document_to_plan(doc, catalogue.directory, name, report, mapping)
    if suffix in SPREADSHEET_SUFFIXES:
        return read_spreadsheet(
            path, name=name, directory=catalogue.directory, report=report, reader=reader, mapping=mapping
        )
    report.error(
        "format",
        f"Format de fichier non pris en charge : « {suffix or 'sans extension'} ». Formats "
        "acceptés : contrat (.pdf, .docx, .odt, .txt, .md), tableur (.xlsx, .ods, .csv).",
        Place(name),
    )
    return None


def reader_for(progress: Progress | None = None) -> Reader:
    """Reads files under the platform's limits (settings CRTE_READ_*), stopping when the job
    that reads is cancelled or overdue."""
    limits = Limits(
        memory_bytes=settings.READ_MEMORY_MB * 1024**2,
        cpu_seconds=settings.READ_CPU_SECONDS,
        wall_seconds=settings.READ_WALL_SECONDS,
    )
    return Reader(limits, progress.checkpoint if progress is not None else None)


def document_lines(path: Path, name: str, report: Report, reader: Reader) -> Lines | None:
    """A contract in any format as the lines the structure reader reads (None, reported,
    when it cannot be read)."""
    try:
        return to_lines(reader.document(path, name))
    except ReadError as error:
        report.error(error.code, str(error), Place(name))
    return None


def locate_pages(plan: ImportPlan, report: Report, lines: Lines, name: str) -> None:
    """Places in a PDF say their page: every place of the plan and of the report."""
    if not any(lines.pages):
        return
    places = [e.place for e in report.entries] + [a.place for a in plan.actions]
    places += [line.place for a in plan.actions for line in a.lines]
    for place in places:
        if place is not None and place.file == name and place.line and place.page is None:
            place.page = lines.page_of(place.line)


def import_source(
    *,
    path: Path,
    slug: str,
    name: str = "",
    dry_run: bool = False,
    territory: str = "",
    remove_missing: bool = False,
    columns: dict[str, Choice] | None = None,
    figures: Collection[str] | None = None,
    user=None,
    progress=None,
) -> ImportResult:
    """`territory`: the SIREN of the contract's grouping(s), comma-separated, when the
    document does not name one the national reference knows (or for a new contract made
    from a spreadsheet). `remove_missing`: remove the financing lines and draft actions this
    source brought before and no longer has (they are listed either way). `columns`: what
    columns mean, by title, as a person said (the preview, a mapping file); added to what
    the contract remembers, and remembered with it when the import is written. `figures`:
    the keys of the stated figures a person accepted in the preview (None: all of them).
    `progress` (crte.core.jobs.Progress) hears each step and each action written."""
    name = name or path.name
    progress = progress or Progress()
    report = Report()
    planned = plan_source(
        path=path,
        slug=slug,
        name=name,
        territory=territory,
        columns=columns,
        report=report,
        progress=progress,
    )
    if planned is None:
        return ImportResult(None, report, None)
    plan, catalogue = planned
    if figures is not None:
        keep_chosen(plan, figures)
    progress.step(("Simulation de l'écriture" if dry_run else "Écriture") + " des actions", len(plan.actions))
    author = user if user is not None and user.is_authenticated else None
    contract = run_import(
        plan,
        slug=slug,
        report=report,
        catalogue=catalogue,
        dry_run=dry_run,
        remove_missing=remove_missing,
        progress=progress,
        user=author,
    )
    if contract is not None:
        after_write(contract, plan, report, columns, author)
    return ImportResult(plan, report, contract)


def plan_source(
    *,
    path: Path,
    slug: str,
    name: str,
    territory: str,
    columns: dict[str, Choice] | None,
    report: Report,
    progress: Progress,
) -> tuple[ImportPlan, Catalogue] | None:
    """The source read into a checked plan, with the catalogue its names are resolved in;
    None when it cannot be read or its territory is not found (the report says why)."""
    progress.step(f"Lecture de « {name} »")
    reader = reader_for(progress)
    lines = (
        document_lines(path, name, report, reader) if Path(name).suffix.lower() in DOCUMENT_SUFFIXES else None
    )
    if report.errors:
        return None
    doc = read_contract_document(lines.text) if lines is not None else None
    groupings, place = contract_territory(slug=slug, doc=doc, territory=territory, name=name, report=report)
    if report.errors:
        return None
    progress.step("Chargement des organismes et dispositifs du territoire")
    catalogue = territory_catalogue(place, doc, groupings)
    mapping = remembered_columns(slug) | (columns or {})
    plan = read_source(
        path, name=name, catalogue=catalogue, report=report, reader=reader, doc=doc, mapping=mapping
    )
    if plan is None:
        return None
    plan.territory_sirens = [g.siren for g in groupings]
    progress.step("Contrôle des données lues")
    check_plan(plan, report)
    if lines is not None:
        locate_pages(plan, report, lines, name)
    return plan, catalogue


def territory_catalogue(place, doc: ContractDocument | None, groupings) -> Catalogue:
    """The bodies and schemes names are resolved in; the grouping's short name as the
    document writes it (its acronym) is one of its names."""
    catalogue = Catalogue.load(place)
    for grouping in groupings:  # « CACL » in a table of the CA du Centre Littoral's contract
        key = acronym(grouping.name)
        if grouping.organisation and key and key not in catalogue.directory.aliases:
            catalogue.directory.aliases[key] = catalogue.canonical(grouping.organisation)
    if doc is not None and doc.epci_short and len(groupings) == 1 and groupings[0].organisation:
        catalogue.add_alias(doc.epci_short, groupings[0].organisation)
    if doc is not None and doc.epci_name and len(groupings) == 1 and groupings[0].organisation:
        for key in grouping_keys(doc.epci_name):  # its usual or former name, as the document writes it
            if key not in catalogue.directory.aliases:
                catalogue.directory.aliases[key] = catalogue.canonical(groupings[0].organisation)
                catalogue.directory.longest = max(catalogue.directory.longest, len(key.split()))
    return catalogue


NATURE_SHORT = {
    "communaute de communes": "cc",
    "communaute d agglomeration": "ca",
    "communaute urbaine": "cu",
}


MINOR_WORDS = {"de", "du", "des", "d", "la", "le", "les", "l", "et", "en", "sur", "sous", "aux", "au", "a"}


def acronym(name: str) -> str:
    """The initials a grouping is written by in its own tables: « CA du Centre Littoral »
    -> « cacl », « CC de l'Ouest Guyanais » -> « ccog » (normalized; the nature's letters,
    then each significant word's first letter; none under three letters)."""
    key = re.sub(r"^(?:la|le|l) ", "", normalize_label(name))
    for words, short in NATURE_SHORT.items():
        if key.startswith(words + " "):
            key = short + key[len(words) :]
    nature, _, rest = key.partition(" ")
    if nature not in NATURE_SHORT.values() or not rest:
        return ""
    significant = [word for word in rest.split() if word not in MINOR_WORDS and word[0].isalpha()]
    letters = nature + "".join(word[0] for word in significant)
    return letters if len(letters) >= 3 else ""


def grouping_keys(name: str) -> set[str]:
    """« La Communauté de communes X » is also « Communauté de communes X » and « CC X »."""
    key = re.sub(r"^(?:la|le|l) ", "", normalize_label(name))
    keys = {key}
    for words, short in NATURE_SHORT.items():
        if key.startswith(words + " "):
            keys.add(short + key[len(words) :])
    return {k for k in keys if k}


def after_write(contract: Contract, plan: ImportPlan, report: Report, columns, user) -> None:
    """A signed contract document makes version 0; columns a person explained are kept."""
    if plan.is_document and contract.signed_on:
        ensure_initial_version(contract)  # version 0: the contract as signed
    if columns:
        remember(contract, columns, {c.key: c.header for c in report.columns}, user)


def remembered_columns(slug: str) -> dict[str, Choice]:
    """The column meanings people chose for this contract's earlier imports."""
    return ColumnMapping.objects.filter(contract__slug=slug).as_mapping()


def contract_territory(*, slug: str, doc, territory: str, name: str, report: Report):
    """The groupings the contract covers and the Place names are resolved in: given by
    SIREN, or the existing contract's, or identified in the document (name, acronym, SIREN).
    A document whose grouping cannot be identified is an error that says what to do."""
    existing = Contract.objects.filter(slug=slug).select_related("territory").first()
    if territory:
        groupings = groupings_by_siren(territory)
        wanted = [s for s in re.split(r"[\s,;]+", territory) if s]
        unknown = [s for s in wanted if s not in {g.siren for g in groupings}]
        if unknown:
            report.error(
                "territoire",
                f"SIREN inconnu du référentiel national des groupements : {', '.join(unknown)}.",
                Place(name),
            )
            return [], NOWHERE
        return groupings, place_for_groupings(groupings)
    if existing and existing.territory and existing.territory.groupings.exists():
        return list(existing.territory.groupings.all()), place_of(existing.territory)
    if doc is not None:
        found = match_grouping(doc.grouping_names or [(doc.epci_name, doc.epci_short)], doc.text)
        grouping = found.grouping
        if grouping is None:
            written = doc.epci_name or doc.epci_short or "aucun nom trouvé"
            tie = (
                " Plusieurs EPCI portent ce nom : "
                + ", ".join(f"{g.name} ({g.siren})" for g in found.groupings)
                + "."
                if found.groupings
                else ""
            )
            report.error(
                "territoire",
                f"Le groupement signataire du contrat (« {written} ») n'a pas été reconnu dans le "
                f"référentiel national des EPCI.{tie} Choisissez-le ci-dessous dans la liste des EPCI "
                "(page d'import) ou indiquez son SIREN (en ligne de commande : --territory SIREN).",
                Place(name),
            )
            return [], NOWHERE
        if found.how in ("nom", "nom approché", "communes"):
            doc.epci_name = found.label  # the name that designates it, for the contract's name
        if found.how in ("nom approché", "communes"):
            why = "son nom" if found.how == "nom approché" else "les communes que le document cite"
            report.warn(
                "territoire",
                f"Le groupement signataire « {found.label} » a été reconnu par {why} : {grouping.name} "
                f"(SIREN {grouping.siren}). Vérifiez-le ; sinon indiquez le bon SIREN (--territory SIREN).",
                Place(name),
            )
        return [grouping], place_for_groupings([grouping])
    if existing and existing.territory:
        return [], place_of(existing.territory)
    report.info(
        "territoire",
        "Contrat sans territoire : « Région », « Département » ou « Agence de l'eau » ne peuvent "
        "pas être rattachés à un organisme. Indiquez le SIREN du groupement pour les résoudre.",
        Place(name),
    )
    return [], NOWHERE


def suggested_slug(path: Path) -> str | None:
    """A contract document names its EPCI: 'crte-<acronym>'. A spreadsheet
    names no contract."""
    if path.suffix.lower() not in DOCUMENT_SUFFIXES:
        return None
    lines = document_lines(path, path.name, Report(), reader_for())
    if lines is None:
        return None
    doc = read_contract_document(lines.text)
    short = doc.epci_short or doc.epci_name
    return f"crte-{slugify(short)}" if short else None
