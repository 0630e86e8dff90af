from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from crte.actions.forms import (
    ActionCreateForm,
    ActionForm,
    AssessmentForm,
    ChangeProposalForm,
    FinancingGapForm,
    ProgressReportForm,
    TransitionForm,
)
from crte.actions.models import (
    IRREVERSIBLE,
    MANUAL_TRANSITIONS,
    Action,
    ActionChange,
    ProgressReport,
    TransitionError,
)
from crte.actions.perms import can_edit_action, can_report_progress
from crte.contracts.models import Contract
from crte.contracts.perms import access_for, can_manage_contract
from crte.core.perms import get_for_user
from crte.finance.plan import plan_context

ACTIONS = Action.objects.select_related("contract__territory", "orientation", "priority")


def action_detail(request, pk):
    action = get_for_user(ACTIONS, request.user, pk=pk)
    can_edit = can_edit_action(request.user, action)
    context = plan_context(request.user, action) | {
        "contract": action.contract,
        "access": access_for(request.user, action.contract),
        "owners": action.owners.all(),
        "communes": action.communes.all(),
        "readiness": action.readiness(),
        "transitions": action.transitions.select_related("by", "decision__meeting__committee"),
        "changes": action.changes.select_related("proposed_by"),
        "assessments": action.assessments.select_related("assessed_by"),
        "decisions": action.decisions.select_related("meeting__committee"),
        "history": action.history.select_related("history_user")[:20],
        "can_edit": can_edit,
        "is_draft": can_edit and action.is_draft(),
        "can_report": can_report_progress(request.user, action),
        "moves": action.available_moves() if can_edit else {},
        "irreversible": IRREVERSIBLE,
        "declarations": action.progress_reports.filter(status=ProgressReport.Status.A_CONFIRMER),
        "gap_form": FinancingGapForm(instance=action) if can_edit else None,
    }
    return render(request, "actions/action_detail.html", context)


@login_required
def action_edit(request, pk):
    action = get_for_user(ACTIONS, request.user, pk=pk, check=can_edit_action)
    form = ActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid() and form.try_save():
        messages.success(request, "Action mise à jour.")
        return redirect(action)
    return render(request, "actions/action_edit.html", {"form": form, "action": action})


COPIED_FIELDS = [
    "description",
    "orientation",
    "priority",
    "amount",
    "amount_basis",
    "calendar_text",
    "start_year",
    "end_year",
]


@login_required
def action_create(request, slug, source=None):
    """A new action of the contract, blank or as a copy of another (`source`): an idea,
    which a manager then matures and a committee validates."""
    contract = get_for_user(
        Contract.objects.select_related("territory"), request.user, slug=slug, check=can_manage_contract
    )
    initial = {}
    if source is not None:
        initial = {name: getattr(source, name) for name in COPIED_FIELDS}
        initial |= {
            "title": f"Copie de {source.title}"[:400],
            "owners": list(source.owners.all()),
            "communes": list(source.communes.all()),
        }
    form = ActionCreateForm(request.POST or None, initial=initial, contract=contract)
    if request.method == "POST" and form.is_valid():
        action = form.save()
        messages.success(request, f"Action « {action.title} » créée (maturité : idée).")
        return redirect(action)
    context = {"form": form, "contract": contract, "source": source}
    return render(request, "actions/action_create.html", context)


@login_required
def action_copy(request, pk):
    source = get_for_user(ACTIONS, request.user, pk=pk, check=can_edit_action)
    return action_create(request, source.contract.slug, source=source)


@login_required
def action_delete(request, pk):
    """A draft (an idea or an action being matured, with no committee decision) may be
    deleted, after confirmation; its history stays."""
    action = get_for_user(ACTIONS, request.user, pk=pk, check=can_edit_action)
    if not action.is_draft():
        messages.error(
            request,
            "Seule une action à l'état d'idée ou en maturation, sans décision de comité, peut être "
            "supprimée. Une action validée s'abandonne (avec un motif) ou se retire par avenant.",
        )
        return redirect(action)
    if request.method == "POST":
        contract = action.contract
        title = action.title
        action.delete()
        messages.success(request, f"Action « {title} » supprimée.")
        return redirect("workspace:contract_actions", slug=contract.slug)
    return render(request, "actions/action_delete.html", {"action": action})


@login_required
def action_progress(request, pk):
    """The maître d'ouvrage (or a manager) reports dated progress, kept as a history; a
    declared « engagée » or « en cours » waits for a manager's confirmation, unless a
    manager declares it."""
    action = get_for_user(ACTIONS, request.user, pk=pk, check=can_report_progress)
    form = ProgressReportForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        manager = can_edit_action(request.user, action)
        try:
            with transaction.atomic():
                report = form.save(commit=False)
                report.action, report.by = action, request.user
                report.status = ProgressReport.Status.A_CONFIRMER if report.declared else ""
                report.save()
                if action.progress_reports.first() == report:
                    action.take_progress(report)
                if report.declared and manager:
                    report.confirm(by=request.user)
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect(action)
        if report.declared and not manager:
            messages.success(
                request,
                "Avancement enregistré ; la maturité déclarée attend la confirmation du chef de projet.",
            )
        else:
            messages.success(request, "Avancement enregistré.")
        return redirect(action)
    context = {"form": form, "action": action, "reports": action.progress_reports.select_related("by")}
    return render(request, "actions/action_progress.html", context)


@login_required
@require_POST
def progress_confirm(request, pk, decision):
    """A manager confirms (or not) the maturity a maître d'ouvrage declared."""
    report = get_object_or_404(ProgressReport.objects.select_related("action"), pk=pk)
    action = get_for_user(ACTIONS, request.user, pk=report.action_id, check=can_edit_action)
    if report.status != ProgressReport.Status.A_CONFIRMER:
        messages.error(request, "Cette déclaration a déjà été traitée.")
    elif decision == "confirmer":
        try:
            report.confirm(by=request.user)
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Maturité confirmée : {report.get_declared_display().lower()}.")
    else:
        report.status, report.confirmed_by = ProgressReport.Status.REFUSEE, request.user
        report.save(update_fields=["status", "confirmed_by"])
        messages.success(request, "Déclaration non confirmée : la maturité de l'action ne change pas.")
    return redirect(action)


@login_required
def action_move(request, pk, move):
    """A manager's lifecycle move among those allowed now (validation goes through a
    committee decision); an irreversible one (achevée, abandonnée) is confirmed first."""
    if move not in MANUAL_TRANSITIONS:
        raise Http404("Changement de maturité inconnu.")
    action = get_for_user(ACTIONS, request.user, pk=pk, check=can_edit_action)
    form = TransitionForm(request.POST if request.method == "POST" else None)
    irreversible = move in IRREVERSIBLE
    if request.method != "POST" or (irreversible and request.POST.get("confirme") != "oui"):
        context = {"action": action, "move": move, "label": MANUAL_TRANSITIONS[move], "form": form}
        return render(request, "actions/action_move_confirm.html", context)
    form.is_valid()
    try:
        getattr(action, move)(by=request.user, reason=form.cleaned_data.get("reason", ""))
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Maturité : {action.get_maturity_display().lower()}.")
    return redirect(action)


@login_required
@require_POST
def action_gap_reason(request, pk):
    action = get_for_user(ACTIONS, request.user, pk=pk, check=can_edit_action)
    form = FinancingGapForm(request.POST, instance=action)
    if form.is_valid():
        form.save()
        messages.success(request, "Raison enregistrée.")
    return redirect(action)


@login_required
def change_propose(request, pk):
    action = get_for_user(ACTIONS, request.user, pk=pk, check=can_edit_action)
    form = ChangeProposalForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        ActionChange.objects.create(
            action=action,
            changes=form.diff(),
            reason=form.cleaned_data["reason"],
            proposed_by=request.user,
        )
        messages.success(
            request,
            "Évolution proposée : elle sera étudiée par le comité technique puis validée par "
            "le comité de pilotage.",
        )
        return redirect(action)
    return render(request, "actions/change_propose.html", {"form": form, "action": action})


@login_required
def assessment_create(request, pk):
    action = get_for_user(ACTIONS, request.user, pk=pk, check=can_edit_action)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = form.save(commit=False)
        assessment.action, assessment.assessed_by = action, request.user
        assessment.save()
        messages.success(request, f"Évaluation enregistrée : {assessment.total}/20.")
        return redirect(action)
    return render(request, "actions/assessment_create.html", {"form": form, "action": action})
