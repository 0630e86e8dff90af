from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from crte.core.perms import get_for_user
from crte.finance.forms import FundingLineStatusForm
from crte.finance.models import FundingLine
from crte.finance.perms import can_update_funding_line

LINES = FundingLine.objects.select_related("action__contract__territory", "funder", "scheme")


@login_required
def funding_line_edit(request, pk):
    line = get_for_user(LINES, request.user, pk=pk, check=can_update_funding_line)
    form = FundingLineStatusForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid() and form.try_save():
        messages.success(request, "Statut du financement mis à jour.")
        return redirect(line)
    return render(request, "finance/funding_line_edit.html", {"form": form, "line": line})
