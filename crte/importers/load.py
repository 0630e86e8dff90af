"""Writes a contract document read by `contract_document` into the database, in one
transaction, updating rather than duplicating on a second run (stable ids)."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from crte.actions.models import Action
from crte.contracts.models import Contract, Orientation, Partner, Priority, Territory
from crte.core.models import Organisation, OrganisationAlias
from crte.core.text import normalize_label
from crte.importers.contract_document import AnnexRow, ContractDocument, read_contract_document
from crte.importers.parsing import parse_amount, parse_calendar

# Owners written as a group rather than a named body.
GENERIC_OWNERS = {
    "communes": Organisation.Category.COMMUNE,
    "entreprises": Organisation.Category.PRIVE,
    "acteurs economiques": Organisation.Category.PRIVE,
}


@dataclass
class ImportResult:
    contract: Contract
    created: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)


def resolve_organisation(label: str, *, source: str) -> Organisation:
    """A name as written in a document: a known alias, or a new organisation of unknown
    category kept exactly as written (shown for review)."""
    label = re.sub(r"^(La|Le|Les|L')\s*", "", label.strip())
    found = OrganisationAlias.objects.resolve(label)
    if found:
        return found
    category = GENERIC_OWNERS.get(normalize_label(label), Organisation.Category.INCONNU)
    organisation, _ = Organisation.objects.get_or_create(
        name=label, category=category, defaults={"source": source}
    )
    return organisation


def maturity_of(row: AnnexRow, amount_value) -> str:
    """The annex lists the actions programmed at signature. Rule: an action whose
    calendar says 'en cours' is under way; one whose amount is still being defined is
    maturing; the others are validated by the signed contract."""
    if "en cours" in normalize_label(row.calendar_text):
        return Action.Maturity.EN_COURS
    if amount_value is None and "en cours" in normalize_label(row.amount_text):
        return Action.Maturity.EN_MATURATION
    return Action.Maturity.VALIDEE


def match_priority(orientation: Orientation, hint: str) -> Priority | None:
    """The annex names enjeux by their first words, loosely ('Réduire la part modale de
    la voiture...' for 'Réduire sensiblement la part modale de la voiture individuelle',
    'Garentir le désenclavement...'). When it names several, the first one counts."""
    first = re.split(r"[,;]|\.\.\.|…", hint)[0]
    key = normalize_label(first)
    if not key:
        return None
    scored = [(_likeness(key, normalize_label(p.label)), p) for p in orientation.priorities.all()]
    score, best = max(scored, key=lambda pair: pair[0], default=(0, None))
    return best if score >= 0.7 else None


def _likeness(hint: str, label: str) -> float:
    words = [w for w in hint.split() if len(w) > 2]
    contained = sum(w in label.split() for w in words) / len(words) if words else 0
    prefix = SequenceMatcher(None, hint, label[: len(hint)]).ratio()
    return max(contained, prefix)


def stable_action_id(row: AnnexRow, taken: set[str]) -> str:
    base = slugify(row.title)[:60].strip("-") or f"ligne-{row.line}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


@transaction.atomic
def import_contract_document(path: Path, *, slug: str) -> ImportResult:
    doc = read_contract_document(path.read_text(encoding="utf-8"))
    source = path.name
    epci = resolve_organisation(doc.epci_short or doc.epci_name, source=source)
    territory, _ = Territory.objects.get_or_create(
        epci=epci, defaults={"name": doc.epci_name or epci.name, "departement_code": ""}
    )
    contract, created = Contract.objects.update_or_create(
        slug=slug,
        defaults={
            "name": f"{doc.title} — {doc.epci_name}" if doc.epci_name else doc.title,
            "territory": territory,
            "signed_on": doc.signed_on,
            "start_year": doc.start_year,
            "end_year": doc.end_year,
            "duration_years": doc.duration_years,
            "status": Contract.Status.SIGNE if doc.signed_on else Contract.Status.EN_PREPARATION,
            "source": source,
        },
    )
    result = ImportResult(contract=contract, warnings=list(doc.warnings))
    _write_partners(contract, doc, source)
    orientations = _write_orientations(contract, doc)
    _write_actions(contract, doc, orientations, source, result)
    return result


def _write_partners(contract: Contract, doc: ContractDocument, source: str) -> None:
    for order, signatory in enumerate(doc.signatories):
        Partner.objects.update_or_create(
            contract=contract,
            organisation=resolve_organisation(signatory.party, source=source),
            defaults={
                "is_signatory": True,
                "signatory_name": signatory.person,
                "signatory_title": signatory.title,
                "order": order,
            },
        )


def _write_orientations(contract: Contract, doc: ContractDocument) -> dict[str, Orientation]:
    by_heading = {}
    for order, parsed in enumerate(doc.orientations, start=1):
        orientation, _ = Orientation.objects.update_or_create(
            contract=contract,
            code=slugify(parsed.name),
            defaults={"name": parsed.name, "order": order},
        )
        for rank, label in enumerate(parsed.priorities, start=1):
            Priority.objects.update_or_create(
                orientation=orientation, code=f"E{rank}", defaults={"label": label, "order": rank}
            )
        by_heading[normalize_label(parsed.heading)] = orientation
    return by_heading


def _write_actions(contract, doc, orientations, source, result: ImportResult) -> None:
    taken: set[str] = set()
    for order, row in enumerate(doc.annex_rows, start=1):
        orientation = orientations.get(normalize_label(row.orientation))
        if orientation is None:
            orientation, _ = Orientation.objects.get_or_create(
                contract=contract, code="a-classer", defaults={"name": "À classer", "order": 99}
            )
            result.warnings.append(
                f"Ligne {row.line} : orientation « {row.orientation} » inconnue."
            )
        amount = parse_amount(row.amount_text)
        calendar = parse_calendar(row.calendar_text)
        result.warnings += [f"Ligne {row.line} : {w}" for w in amount.warnings + calendar.warnings]
        fields = {
            "title": row.title,
            "description": row.content,
            "orientation": orientation,
            "priority": match_priority(orientation, row.priority_hint),
            "amount": amount.value,
            "amount_basis": amount.basis,
            "amount_text": row.amount_text,
            "calendar_text": row.calendar_text,
            "start_year": calendar.start_year,
            "end_year": calendar.end_year,
            "source": f"{source}, ligne {row.line}",
            "order": order,
        }
        action, created = Action.objects.update_or_create(
            contract=contract,
            external_id=stable_action_id(row, taken),
            defaults=fields,
            # Maturity moves with the action's life; a re-import must not reset it.
            create_defaults={**fields, "maturity": maturity_of(row, amount.value)},
        )
        action.owners.set([resolve_organisation(o, source=source) for o in row.owners])
        if created:
            result.created += 1
        else:
            result.updated += 1
