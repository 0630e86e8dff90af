"""Recording a committee's decision and applying it to what it concerns, in one
transaction: validating an action, integrating a matured project, accepting a change to a
fiche, the COPIL's opinion on an amendment, a charter adhesion."""

from django.db import transaction
from django.utils import timezone

from crte.actions.models import ActionChange, TransitionError
from crte.governance.models import CharterAdhesion, Committee, Decision, Meeting


class DecisionError(Exception):
    """A decision that cannot apply (French message); nothing is recorded."""


def record_decision(*, meeting: Meeting, by, **fields) -> Decision:
    """Only a meeting that has taken place decides; nothing is recorded otherwise."""
    if meeting.status != Meeting.Status.TENUE or meeting.date > timezone.localdate():
        raise DecisionError(
            "Une décision ne s'enregistre que sur une réunion qui s'est tenue : passez d'abord la "
            "réunion au statut « tenue » (sa date doit être passée)."
        )
    with transaction.atomic():
        decision = Decision.objects.create(
            meeting=meeting, recorded_by=by, order=meeting.decisions.count() + 1, **fields
        )
        try:
            apply_decision(decision, by=by)
        except TransitionError as error:
            raise DecisionError(str(error)) from error
    return decision


def apply_decision(decision: Decision, *, by) -> None:
    K, adopted = Decision.Kind, decision.outcome == Decision.Outcome.ADOPTEE
    committee = decision.meeting.committee.kind
    if decision.kind in (K.VALIDATION_ACTION, K.INTEGRATION_PROJET):
        if decision.action is None:
            raise DecisionError("Choisissez l'action concernée.")
        validating = decision.meeting.committee.contract.validating_committee
        if adopted and committee != validating:
            deciding, preparing = Committee.Kind(validating).label, Committee.Kind(committee).label
            raise DecisionError(
                f"Dans ce contrat, les actions sont validées par le {deciding.lower()} ; le "
                f"{preparing.lower()} prépare sa décision (point « action prête à valider » à inscrire à "
                "son ordre du jour)."
            )
        if adopted:
            reason = f"{decision.get_kind_display()} — {decision.meeting}"
            decision.transition = decision.action.validate(by=by, reason=reason)
            decision.save(update_fields=["transition"])
    elif decision.kind == K.EVOLUTION_FICHE:
        apply_change(decision, committee, adopted)
    elif decision.kind == K.AVENANT:
        if decision.amendment is None:
            raise DecisionError("Choisissez l'avenant concerné.")
        if committee == Committee.Kind.COPIL and adopted:
            decision.amendment.copil_opinion_on = decision.meeting.date
            decision.amendment.save(update_fields=["copil_opinion_on"])
    elif decision.kind == K.ADHESION_CHARTE:
        adhesion = decision.adhesion
        if adhesion is None:
            raise DecisionError("Choisissez la demande d'adhésion concernée.")
        if decision.outcome != Decision.Outcome.AJOURNEE:
            adhesion.status = CharterAdhesion.Status.ACCEPTEE if adopted else CharterAdhesion.Status.REFUSEE
            adhesion.decided_on = decision.meeting.date
            adhesion.save(update_fields=["status", "decided_on"])


def apply_change(decision: Decision, committee: str, adopted: bool) -> None:
    """The COTECH studies a change to a fiche, the COPIL validates it (Art. 4-3)."""
    change = decision.change
    if change is None:
        raise DecisionError("Choisissez la proposition d'évolution concernée.")
    if decision.outcome == Decision.Outcome.REFUSEE:
        change.status = ActionChange.Status.REFUSEE
        change.save(update_fields=["status"])
    elif adopted and committee == Committee.Kind.COTECH:
        change.status = ActionChange.Status.ETUDIEE
        change.save(update_fields=["status"])
    elif adopted and committee == Committee.Kind.COPIL:
        if change.status != ActionChange.Status.ETUDIEE:
            raise DecisionError("Cette évolution doit d'abord être étudiée par le comité technique.")
        change.apply()
