"""Data-quality checks run on every import plan, before anything is written: financing
against the amount, shares over 100 %, unknown financers, missing owner or calendar.
Pure: reads the plan, writes entries into the report. A financing plan over its action's
cost is judged on what the import leaves (the writer calls `over_cost`), not on the file
alone: lines kept from before count too."""

from decimal import Decimal

from crte.core.formats import format_euros, format_share
from crte.core.limits import decimal_problem, year_problem
from crte.finance.money import resolved
from crte.importers.plan import ActionPlan, ImportPlan
from crte.importers.plan.report import Report

ADVANCED = {"validee", "engagee", "en_cours", "achevee"}  # maturities that need the basics
TOLERANCE = Decimal("1")  # euros: rounding of shares written as percentages
MONEY_DIGITS = (14, 2)  # Action.amount, FundingLine.amount: DECIMAL(14, 2)
VALUE_DIGITS = (20, 6)  # Measurement.value, Target.value: DECIMAL(20, 6)


def check_plan(plan: ImportPlan, report: Report) -> None:
    if not plan.is_document:
        governance(plan, report)
    if not plan.actions:
        report.error("vide", "Aucune action n'a été trouvée dans le fichier.")
    seen: dict[str, ActionPlan] = {}
    for action in plan.actions:
        if action.external_id in seen:
            report.error(
                "doublon",
                f"L'identifiant « {action.external_id} » est utilisé deux fois "
                f"(voir aussi {seen[action.external_id].place}).",
                action.place,
                action.title,
            )
        seen[action.external_id] = action
        check_action(action, report)
    check_figures(plan, report)


def governance(plan: ImportPlan, report: Report) -> None:
    """A programming table brings actions at the maturity it gives (« idée » by default),
    never validated: validation is a committee's decision (Art. 7). An action the table says
    validated, engaged, running or done arrives « prête », ready for the committee."""
    capped = [a for a in plan.actions if a.maturity in ADVANCED]
    for action in capped:
        report.info(
            "gouvernance",
            f"Le fichier indique « {action.maturity_text or action.maturity} » : l'action arrive « prête » ; "
            "sa validation revient au comité de pilotage.",
            action.place,
            action.title,
        )
        action.maturity = "prete"
    if plan.actions:
        report.info(
            "gouvernance",
            "Les nouvelles actions d'un tableau arrivent à la maturité qu'il indique (« idée » par défaut), "
            "jamais « validée » : la validation reste une décision du comité. Les actions déjà présentes "
            "gardent leur maturité.",
        )


def check_figures(plan: ImportPlan, report: Report) -> None:
    """The contract's stated figures and targets: storable values, plausible years."""
    for fact in plan.facts:
        problem = decimal_problem(fact.value, *VALUE_DIGITS) if fact.value is not None else None
        problem = problem or year_problem(fact.year)
        if problem:
            report.error("nombre-hors-limite", f"« {fact.text} » : {problem}.", None, fact.name)
    for target in plan.targets:
        problem = year_problem(target.year) or year_problem(target.baseline_year)
        if target.relative_change is not None:
            problem = problem or decimal_problem(target.relative_change, *VALUE_DIGITS)
        if problem:
            report.error("nombre-hors-limite", f"« {target.text} » : {problem}.", None, target.name)


def check_action(action: ActionPlan, report: Report) -> None:
    advanced = action.maturity in ADVANCED
    gap = report.warn if advanced else report.info
    if not action.title.strip():
        report.error("intitule", "Action sans intitulé.", action.place)
    check_limits(action, report)
    if not action.owners:
        gap("maitre-ouvrage", "Aucun maître d'ouvrage.", action.place, action.title)
    if action.start_year is None and not action.calendar_text:
        gap("calendrier", "Aucun calendrier d'engagement.", action.place, action.title)
    if action.amount is None and action.amount_text:
        gap(
            "montant-non-chiffre",
            f"Montant non chiffré : « {action.amount_text} ».",
            action.place,
            action.title,
        )
    if action.has_financing_columns:
        check_financing(action, report)


def check_limits(action: ActionPlan, report: Report) -> None:
    """Figures the database could not hold are errors where they are, never a crash."""
    for label, value, place in [
        ("montant", action.amount, action.place),
        *[("montant financé", line.amount, line.place or action.place) for line in action.lines],
    ]:
        problem = value is not None and decimal_problem(value, *MONEY_DIGITS)
        if problem:
            report.error("nombre-hors-limite", f"Le {label} {value} {problem}.", place, action.title)
    for year in sorted({y for y in (action.start_year, action.end_year) if y is not None}):
        problem = year_problem(year)
        if problem:
            report.error("annee-hors-limite", f"Calendrier : {problem}.", action.place, action.title)


def check_financing(action: ActionPlan, report: Report) -> None:
    for line in action.lines:
        if line.funder and not line.funder_known:
            report.warn(
                "financeur-inconnu",
                f"Financeur « {line.funder} » absent du référentiel.",
                line.place,
                action.title,
            )
        if line.note:
            report.info(
                "texte-conserve",
                f"Texte conservé avec la ligne : « {line.note} ».",
                line.place,
                action.title,
            )
    shares = sum((line.share for line in action.lines if line.share is not None), Decimal(0))
    if shares > 1:
        report.warn(
            "taux-superieur-100",
            f"Les taux additionnés font {format_share(shares)} du montant.",
            action.place,
            action.title,
        )
    if action.amount is None or not action.lines:
        if action.amount is not None and action.maturity in ADVANCED:
            report.warn("sans-financement", "Aucun plan de financement.", action.place, action.title)
        return
    bases = {line.is_annual for line in action.lines if line.amount is not None}
    if bases and bases != {action.amount_basis == "annuel"}:
        report.warn(
            "bases-differentes",
            "Le plan de financement mêle des montants annuels et totaux : total non comparé.",
            action.place,
            action.title,
        )
        return
    total = financing_total(action)
    if total is None:
        return
    difference = action.amount - total
    if difference > TOLERANCE:
        report.warn(
            "sous-finance",
            f"Financements {format_euros(total)} pour {format_euros(action.amount)} : "
            f"reste à financer {format_euros(difference)}.",
            action.place,
            action.title,
        )


def over_cost(
    report: Report,
    title: str,
    place,
    cost: Decimal,
    financed: Decimal,
    *,
    over_contract: bool = False,
    kept_absent: int = 0,
) -> bool:
    """A financing plan over its action's cost, once imported, is an error (the import is
    refused): the action, its cost and the plan's sum, both over the contract by the money
    rule (`finance/money.py`). `kept_absent`: lines the file no longer has, kept and counted.
    Returns whether it was reported."""
    if financed - cost <= TOLERANCE:
        return False
    span = " sur la durée du contrat" if over_contract else ""
    message = (
        f"« {title} » : le plan de financement fait {format_euros(financed)}{span}, plus que le "
        f"coût de l'action ({format_euros(cost)}) ; dépassement de {format_euros(financed - cost)}."
    )
    if kept_absent:
        message += (
            f" {kept_absent} ligne(s) absente(s) du fichier y sont conservée(s) : confirmez leur retrait "
            "ou corrigez le fichier."
        )
    report.error("sur-finance", message, place, title)
    return True


def financing_total(action: ActionPlan) -> Decimal | None:
    """The sum of the lines in euros, shares resolved against the action's amount; None
    when a line has no figure (the plan is incomplete, not under-financed)."""
    total = Decimal(0)
    for line in action.lines:
        if line.is_joint:
            continue
        amount = resolved(line.amount, line.share, action.amount)
        if amount is not None:
            total += amount
        elif line.note or line.scheme or line.funder:
            return None
    return total
