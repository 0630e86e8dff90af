"""Contract versions (Art. 11): version 0 is the contract as signed, version n the
contract after its n-th approved amendment. Each is a frozen copy of the actions, so that
two versions compare without reconstructing the past."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from crte.actions.models import Action, ReadinessCheck, TransitionError
from crte.contracts.models import Amendment, Contract
from crte.core.formats import format_euros
from crte.finance.money import Period, action_total
from crte.governance.models import AmendmentDerogation, ContractVersion

COMPARED = {
    "title": "Intitulé",
    "orientation": "Orientation",
    "amount": "Montant prévisionnel HT",
    "amount_basis": "Nature du montant",
    "maturity": "Maturité",
    "owners": "Maîtres d'ouvrage",
    "calendar": "Calendrier",
}


class AmendmentError(Exception):
    """An amendment that cannot be approved yet (French message)."""


def actions_in_version(contract: Contract, number: int):
    """The actions of the contract as of version `number`: those not added by a later
    (or unapproved) amendment, and not removed by an approved one up to `number`."""
    approved = Q(status=Amendment.Status.APPROUVE, number__lte=number)
    in_force = Amendment.objects.filter(approved, contract=contract)
    return (
        contract.actions.filter(Q(added_by__isnull=True) | Q(added_by__in=in_force))
        .exclude(removed_by__in=in_force)
        .select_related("orientation")
        .prefetch_related("owners")
    )


def freeze(action: Action) -> dict:
    return {
        "title": action.title,
        "orientation": action.orientation.name,
        "amount": str(action.amount) if action.amount is not None else None,
        "amount_basis": action.get_amount_basis_display(),
        "maturity": action.get_maturity_display(),
        "owners": ", ".join(sorted(o.name for o in action.owners.all())),
        "calendar": action.calendar_text,
        "start_year": action.start_year,
        "end_year": action.end_year,
        "abandoned": action.maturity == Action.Maturity.ABANDONNEE,
    }


def snapshot(contract: Contract, number: int, amendment: Amendment | None = None) -> ContractVersion:
    actions = {a.external_id: freeze(a) for a in actions_in_version(contract, number)}
    version, _ = ContractVersion.objects.update_or_create(
        contract=contract,
        number=number,
        defaults={
            "amendment": amendment,
            "created_at": timezone.now(),
            "snapshot": {"name": contract.name, "actions": actions},
        },
    )
    return version


def ensure_initial_version(contract: Contract) -> ContractVersion:
    existing = contract.versions.filter(number=0).first()
    return existing or snapshot(contract, 0)


@dataclass(frozen=True)
class ActionConditions:
    """An action that an amendment validates, with Art. 4-2's conditions as
    `Action.readiness` reads them (the one rule, also used by committees)."""

    action: Action
    checks: list[ReadinessCheck]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def missing(self) -> str:
        """What is missing, in French: « un maître d'ouvrage, une description »."""
        return ", ".join(
            check.label.lower() + (f" ({check.detail})" if check.detail else "")
            for check in self.checks
            if not check.ok
        )


# What reading an amendment's conditions needs, fetched once for all its actions.
READINESS_PREFETCH = ("owners", "indicators", "funding_lines")


def conditions(amendment: Amendment) -> list[ActionConditions]:
    """The actions the amendment's approval would validate (those it adds that are not
    validated yet), each with its Art. 4-2 conditions. Reads the prefetched actions when
    the caller prefetched `added_actions` with READINESS_PREFETCH."""
    return [
        ActionConditions(action, action.readiness())
        for action in amendment.added_actions.all()
        if action.awaits_validation()
    ]


def refusal(failing: list[ActionConditions]) -> str:
    """The French message of an approval refused for actions failing Art. 4-2."""
    head = "Approbation refusée, rien n'a été enregistré : "
    tail = " Complétez {} ou enregistrez le motif de la dérogation décidée par le comité."
    if len(failing) == 1:
        item = failing[0]
        return (
            head
            + f"l'action « {item.action.title} » ne remplit pas les conditions de validation de "
            + f"l'art. 4-2 ; il manque : {item.missing}."
            + tail.format("l'action")
        )
    listed = " ; ".join(f"« {item.action.title} » (il manque : {item.missing})" for item in failing)
    return (
        head
        + f"{len(failing)} actions ne remplissent pas les conditions de validation de l'art. 4-2 : "
        + f"{listed}."
        + tail.format("ces actions")
    )


def apply_amendment(amendment: Amendment, *, by=None, derogations: dict[int, str] | None = None) -> None:
    """The actions the amendment adds are validated by it (an action failing Art. 4-2 only
    with a derogation, recorded with its reason and shown in the action's history); those
    it withdraws are abandoned with its reference (their history says why). The caller
    holds the transaction and has checked that every failing action has a derogation."""
    derogations = derogations or {}
    reason = f"{amendment} approuvé le {amendment.approved_on:%d/%m/%Y}"
    for item in conditions(amendment):
        action = item.action
        if item.ok:
            action.integrate_by_amendment(by=by, reason=reason)
            continue
        why = derogations.get(action.pk)
        if not why:
            raise AmendmentError(refusal([item]))
        transition = action.integrate_by_amendment(
            by=by,
            reason=f"{reason} ; dérogation à l'art. 4-2 (manque : {item.missing}) : {why}",
            derogation=True,
        )
        AmendmentDerogation.objects.create(
            amendment=amendment,
            action=action,
            reason=why,
            missing=item.missing,
            transition=transition,
            recorded_by=by,
        )
    for action in amendment.removed_actions.exclude(maturity=Action.Maturity.ABANDONNEE):
        action.abandon(by=by, reason=f"Retirée par l'{reason}")


def approve_amendment(
    amendment: Amendment, *, on, by=None, derogations: dict[int, str] | None = None
) -> ContractVersion:
    """Art. 11: approved by the signatories after the COPIL's opinion; the contract moves
    to the amendment's version. Art. 4-2: an action it validates must meet the conditions,
    or have a derogation in `derogations` (action id -> the committee's reason). All or
    nothing: a refusal writes nothing."""
    derogations = {pk: text.strip() for pk, text in (derogations or {}).items() if text and text.strip()}
    with transaction.atomic():
        status = Amendment.objects.select_for_update().values_list("status", flat=True).get(pk=amendment.pk)
        if status == Amendment.Status.APPROUVE:
            raise AmendmentError("Cet avenant est déjà approuvé.")
        if amendment.copil_opinion_on is None:
            raise AmendmentError("L'avis du comité de pilotage est requis avant l'approbation.")
        contract = amendment.contract
        expected = contract.version + 1
        if amendment.number != expected:
            raise AmendmentError(f"L'avenant à approuver est le n° {expected}.")
        failing = [
            item for item in conditions(amendment) if not item.ok and item.action.pk not in derogations
        ]
        if failing:
            raise AmendmentError(refusal(failing))
        ensure_initial_version(contract)
        amendment.status, amendment.approved_on = Amendment.Status.APPROUVE, on
        amendment.save(update_fields=["status", "approved_on"])
        try:
            apply_amendment(amendment, by=by, derogations=derogations)
        except TransitionError as error:  # the action changed meanwhile: nothing is kept
            raise AmendmentError(f"Approbation refusée : {error}") from error
        contract.version = amendment.number
        contract.save(update_fields=["version", "updated_at"])
        return snapshot(contract, amendment.number, amendment)


def compare(before: ContractVersion, after: ContractVersion) -> dict:
    """Actions added, removed and changed between two versions, with amounts before and
    after."""
    old, new = before.snapshot["actions"], after.snapshot["actions"]
    changed = []
    for key in sorted(old.keys() & new.keys(), key=lambda k: new[k]["title"]):
        fields = [
            (label, shown(field, old[key].get(field)), shown(field, new[key].get(field)))
            for field, label in COMPARED.items()
            if old[key].get(field) != new[key].get(field)
        ]
        if fields:
            changed.append({"id": key, "title": new[key]["title"], "fields": fields})
    added = [new[k] | {"id": k} for k in sorted(new.keys() - old.keys())]
    removed = [old[k] | {"id": k} for k in sorted(old.keys() - new.keys())]
    return {
        "added": added,
        "removed": removed,
        "changed": changed,
        "total_before": total(old, period_of(before.contract)),
        "total_after": total(new, period_of(after.contract)),
    }


def period_of(contract: Contract) -> Period:
    return Period(contract.start_year, contract.end_year)


def shown(field: str, value):
    return format_euros(Decimal(value)) if field == "amount" and value is not None else value


def total(actions: dict, period: Period) -> Decimal:
    """The actions' amounts over the contract, by the money rule (an amount per year ×
    its years in the contract); abandoned actions apart."""
    annual = Action.AmountBasis.ANNUAL.label
    return sum(
        (
            action_total(
                Decimal(a["amount"]),
                a["amount_basis"] == annual,
                a.get("start_year"),
                a.get("end_year"),
                period,
            )
            for a in actions.values()
            if a["amount"] is not None and not a.get("abandoned")
        ),
        Decimal(0),
    )
