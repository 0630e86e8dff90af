"""The annual financing convention (Art. 4-2): which partner pays what for the ready and
validated actions of a year, then, once signed, frozen."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from crte.contracts.models import Contract
from crte.core.limits import year_problem
from crte.finance.models import FundingAgreement, FundingAgreementLine, FundingLine
from crte.finance.money import spread
from crte.finance.overview import contract_lines, contract_period, facts_of

ELIGIBLE = ["prete", "validee", "engagee", "en_cours"]  # maturities a convention carries
OPEN_STATUSES = ["prevu", "demande", "en_instruction", "sous_reserve"]  # move to accordé


class AgreementError(Exception):
    """A convention that cannot be signed yet (French message)."""


@dataclass(frozen=True)
class Participation:
    action_external_id: str
    action_title: str
    orientation: str
    funder: str
    scheme: str
    amount: Decimal
    action_amount: Decimal | None
    line_id: int | None = None


def live_participations(contract: Contract, year: int) -> list[Participation]:
    """The lines of `year` for the actions a convention carries, each with its part of that
    year by the money rule (`money.spread`: a line dated by one year in that year only, a
    span spread to the cent, an amount per year once in each year it covers). Refused lines,
    lines whose financer is not named (a convention is signed by named partners) and the
    owners' own share (autofinancement, `FundingLine.objects.partners`) are left out."""
    lines = (
        contract_lines(contract)
        .filter(action__maturity__in=ELIGIBLE)
        .partners()
        .exclude(status=FundingLine.Status.REFUSE)
        .select_related("scheme")
    )
    period = contract_period(contract)
    found = []
    for line in lines:
        facts = facts_of(line)
        amount = spread(facts, period).get(year)
        if amount:
            found.append(
                Participation(
                    action_external_id=line.action.external_id,
                    action_title=line.action.title,
                    orientation=line.action.orientation.name,
                    funder=facts.funder,
                    scheme=line.scheme.name if line.scheme else "",
                    amount=amount,
                    action_amount=line.action.amount,
                    line_id=line.pk,
                )
            )
    return found


def participations(agreement: FundingAgreement) -> list[Participation]:
    if agreement.status == FundingAgreement.Status.SIGNEE:
        return [
            Participation(
                line.action_external_id,
                line.action_title,
                line.orientation,
                line.funder,
                line.scheme,
                line.amount,
                line.action_amount,
                line.funding_line_id,
            )
            for line in agreement.lines.all()
        ]
    return live_participations(agreement.contract, agreement.year)


def convention_content(agreement: FundingAgreement) -> dict:
    rows = participations(agreement)
    by_action: dict[str, dict] = {}
    by_funder: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        action = by_action.setdefault(
            row.action_external_id,
            {
                "title": row.action_title,
                "orientation": row.orientation,
                "amount": row.action_amount,
                "partners": [],
                "total": Decimal(0),
            },
        )
        action["partners"].append(row)
        action["total"] += row.amount
        by_funder[row.funder] += row.amount
    contract = agreement.contract
    return {
        "agreement": agreement,
        "contract": contract,
        "actions": list(by_action.values()),
        "by_funder": dict(sorted(by_funder.items(), key=lambda item: -item[1])),
        "total": sum(by_funder.values(), Decimal(0)),
        "signatories": list(contract.partners.filter(is_signatory=True).select_related("organisation")),
    }


def year_outside(contract: Contract, year: int) -> str | None:
    """Why a convention cannot be for `year` (None when it can): only the contract's years."""
    if contract.start_year and contract.end_year and not contract.start_year <= year <= contract.end_year:
        return (
            f"Le contrat couvre {contract.start_year}-{contract.end_year} : pas de convention financière "
            f"pour {year}."
        )
    return None


def agreement_for(contract: Contract, year: int) -> FundingAgreement:
    problem = year_outside(contract, year)
    if problem:
        raise AgreementError(problem)
    agreement, _ = FundingAgreement.objects.get_or_create(contract=contract, year=year)
    return agreement


@transaction.atomic
def sign_agreement(agreement: FundingAgreement, *, on) -> int:
    """Freeze the figures into the convention and move its financing lines to accordé.
    Returns the number of participations frozen."""
    agreement = FundingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if year_problem(on.year):
        raise AgreementError(f"Date de signature invalide : {year_problem(on.year)}.")
    if agreement.status == FundingAgreement.Status.SIGNEE:
        raise AgreementError("Cette convention est déjà signée.")
    if agreement.financers_committee_on is None:
        raise AgreementError(
            "La validation du comité des financeurs doit être enregistrée avant la signature."
        )
    rows = live_participations(agreement.contract, agreement.year)
    if not rows:
        raise AgreementError(f"Aucune action prête ou validée n'est financée en {agreement.year}.")
    FundingAgreementLine.objects.bulk_create(
        FundingAgreementLine(
            agreement=agreement,
            action_external_id=row.action_external_id,
            action_title=row.action_title,
            orientation=row.orientation,
            funder=row.funder,
            scheme=row.scheme,
            amount=row.amount,
            action_amount=row.action_amount,
            funding_line_id=row.line_id,
        )
        for row in rows
    )
    for line in FundingLine.objects.filter(pk__in=[r.line_id for r in rows], status__in=OPEN_STATUSES):
        line.status, line.status_changed_on = FundingLine.Status.ACCORDE, on
        line.revision += 1  # an edit form opened before the signature must not undo it
        line.save(update_fields=["status", "status_changed_on", "revision", "updated_at"])
    agreement.status, agreement.signed_on = FundingAgreement.Status.SIGNEE, on
    agreement.save(update_fields=["status", "signed_on"])
    return len(rows)
