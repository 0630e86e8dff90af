"""The agenda a meeting starts from, built from the state of the contract (Art. 7): what
is ready to validate, late or blocked, proposed, due. The chef de projet edits it after."""

from django.db.models import Max

from crte.actions.models import Action, ActionChange, MaturationAssessment
from crte.contracts.models import Amendment
from crte.core.text import clipped
from crte.governance.models import AgendaItem, CharterAdhesion, Committee, Meeting
from crte.indicators.models import Indicator

K = AgendaItem.Kind


def proposed_items(meeting: Meeting) -> list[AgendaItem]:
    """Items the state of the contract calls for (not saved): a COPIL decides, a COTECH
    prepares."""
    contract, year = meeting.contract, meeting.date.year
    is_copil = meeting.committee.kind == Committee.Kind.COPIL
    actions = contract.actions.exclude(removed_by__isnull=False)
    items = [
        AgendaItem(kind=K.VALIDATION_ACTION, title=f"Valider « {a.title} »", action=a)
        for a in actions.filter(maturity=Action.Maturity.PRETE)
    ]
    items += late_items(actions, year)
    items += change_items(contract, is_copil)
    items += copil_items(contract, year) if is_copil else cotech_items(contract, year)
    limit = AgendaItem._meta.get_field("title").max_length
    for item in items:  # titles quote actions' titles, as long as the field
        item.title = clipped(item.title, limit)
    return items


def change_items(contract, is_copil: bool) -> list[AgendaItem]:
    """Changes of fiches: proposed ones go to the COTECH, studied ones to the COPIL."""
    change_status = ActionChange.Status.ETUDIEE if is_copil else ActionChange.Status.PROPOSEE
    changes = ActionChange.objects.filter(action__contract=contract, status=change_status)
    return [
        AgendaItem(
            kind=K.EVOLUTION_FICHE,
            title=f"Évolution de la fiche « {c.action.title} »",
            action=c.action,
            change=c,
            notes=c.reason,
        )
        for c in changes.select_related("action")
    ]


def copil_items(contract, year: int) -> list[AgendaItem]:
    """Projects proposed after their assessment, the yearly evaluation, amendments."""
    assessed = MaturationAssessment.objects.filter(
        action__contract=contract,
        propose_to_copil=True,
        action__maturity=Action.Maturity.EN_MATURATION,
    ).select_related("action")
    items, seen = [], set()
    for assessment in assessed:
        if assessment.action_id not in seen:
            seen.add(assessment.action_id)
            items.append(
                AgendaItem(
                    kind=K.PROJET_MATURATION,
                    title=f"Intégrer le projet « {assessment.action.title} »",
                    action=assessment.action,
                    notes=f"Évaluation : {assessment.total}/20",
                )
            )
    items.append(AgendaItem(kind=K.EVALUATION_ANNUELLE, title=f"Approuver l'évaluation annuelle {year - 1}"))
    items += [
        AgendaItem(kind=K.AVENANT, title=f"Avis sur l'{a}", amendment=a)
        for a in contract.amendments.filter(status=Amendment.Status.PROJET, copil_opinion_on__isnull=True)
    ]
    return items


def cotech_items(contract, year: int) -> list[AgendaItem]:
    """Charter adhesions asked for, indicators without last year's value."""
    adhesions = contract.adhesions.filter(status=CharterAdhesion.Status.DEMANDEE).select_related(
        "organisation"
    )
    items = [
        AgendaItem(
            kind=K.ADHESION_CHARTE,
            title=f"Adhésion de {a.organisation} à la charte partenariale",
            adhesion=a,
        )
        for a in adhesions
    ]
    due = indicators_due(contract, year)
    if due:
        items.append(
            AgendaItem(
                kind=K.VALEURS_INDICATEURS,
                title=f"{len(due)} indicateur(s) sans valeur pour {year - 1}",
                notes=", ".join(i.name for i in due[:10]),
            )
        )
    return items


def late_items(actions, year: int) -> list[AgendaItem]:
    """One point per late action when there are few, one point listing them otherwise."""
    statuses = [Action.Maturity.VALIDEE, Action.Maturity.EN_COURS]
    late = [(a, a.lateness(year)) for a in actions.filter(maturity__in=statuses) if a.lateness(year)]
    if len(late) <= 3:
        return [
            AgendaItem(kind=K.ACTION_RETARD, title=f"Action en retard : « {a.title} »", action=a, notes=why)
            for a, why in late
        ]
    notes = "\n".join(f"« {a.title} » : {why}" for a, why in late)
    return [AgendaItem(kind=K.ACTION_RETARD, title=f"{len(late)} actions en retard ou bloquées", notes=notes)]


def indicators_due(contract, year: int) -> list[Indicator]:
    indicators = Indicator.objects.filter(contract=contract).annotate(last=Max("measurements__date"))
    return [i for i in indicators if i.last is None or i.last.year < year - 1]


def build_agenda(meeting: Meeting) -> int:
    """Adds the proposed items missing from the agenda; returns how many were added."""
    existing = {
        (i.kind, i.action_id, i.change_id, i.adhesion_id, i.amendment_id, i.title)
        for i in meeting.agenda.all()
    }
    order = meeting.agenda.count()
    added = 0
    for item in proposed_items(meeting):
        key = (
            item.kind,
            item.action_id,
            item.change_id,
            item.adhesion_id,
            item.amendment_id,
            item.title,
        )
        if key in existing:
            continue
        order += 1
        item.meeting, item.order = meeting, order
        item.save()
        added += 1
    return added
