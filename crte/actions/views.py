from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from crte.actions.forms import ActionForm, ProgressForm
from crte.actions.models import Action
from crte.actions.perms import can_edit_action, can_report_progress
from crte.contracts.perms import access_for
from crte.core.perms import get_for_user
from crte.finance.perms import can_update_funding_line

ACTIONS = Action.objects.select_related("contract__territory", "orientation", "priority")


def action_detail(request, pk):
    action = get_for_user(ACTIONS, request.user, pk=pk)
    lines = action.funding_lines.select_related("funder", "scheme")
    for line in lines:
        line.action = action  # resolved_amount() reads the action: no query per line
        line.can_update = can_update_funding_line(request.user, line)
    context = {
        "action": action,
        "contract": action.contract,
        "access": access_for(request.user, action.contract),
        "owners": action.owners.all(),
        "communes": action.communes.all(),
        "lines": lines,
        "history": action.history.select_related("history_user")[:20],
        "can_edit": can_edit_action(request.user, action),
        "can_report": can_report_progress(request.user, action),
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
