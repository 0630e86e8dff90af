from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crte.actions.forms import (
    ActionForm,
    AssessmentForm,
    ChangeProposalForm,
    FinancingGapForm,
    ProgressForm,
    TransitionForm,
)
from crte.actions.models import MANUAL_TRANSITIONS, Action, ActionChange, TransitionError
from crte.actions.perms import can_edit_action, can_report_progress
from crte.contracts.perms import access_for
from crte.core.perms import get_for_user
from crte.finance.overview import action_financing
from crte.finance.perms import can_update_funding_line

ACTIONS = Action.objects.select_related("contract__territory", "orientation", "priority")


def action_detail(request, pk):
    action = get_for_user(ACTIONS, request.user, pk=pk)
    lines = action.funding_lines.select_related("funder", "scheme")
    for line in lines:
        line.action = action  # resolved_amount() reads the action: no query per line
        line.can_update = can_update_funding_line(request.user, line)
    can_edit = can_edit_action(request.user, action)
    context = {
        "action": action,
        "contract": action.contract,
        "access": access_for(request.user, action.contract),
        "owners": action.owners.all(),
        "communes": action.communes.all(),
        "lines": lines,
        "financing": action_financing(action, lines),
        "readiness": action.readiness(),
        "transitions": action.transitions.select_related("by", "decision__meeting__committee"),
        "changes": action.changes.select_related("proposed_by"),
        "assessments": action.assessments.select_related("assessed_by"),
        "decisions": action.decisions.select_related("meeting__committee"),
        "history": action.history.select_related("history_user")[:20],
        "can_edit": can_edit,
        "can_report": can_report_progress(request.user, action),
        "moves": MANUAL_TRANSITIONS if can_edit else {},
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


@login_required
def action_progress(request, pk):
    action = get_for_user(ACTIONS, request.user, pk=pk, check=can_report_progress)
    form = ProgressForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid() and form.try_save():
        messages.success(request, "Avancement enregistré.")
        return redirect(action)
    return render(request, "actions/action_progress.html", {"form": form, "action": action})


@login_required
@require_POST
def action_move(request, pk, move):
    """A manager's lifecycle move (validation goes through a committee decision)."""
    if move not in MANUAL_TRANSITIONS:
        raise Http404("Changement de maturité inconnu.")
    action = get_for_user(ACTIONS, request.user, pk=pk, check=can_edit_action)
    form = TransitionForm(request.POST)
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
