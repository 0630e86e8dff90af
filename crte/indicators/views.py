from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from crte.contracts.models import Contract
from crte.contracts.perms import access_for, can_manage_contract
from crte.core.charts import trajectory_chart
from crte.core.perms import get_for_user
from crte.indicators.forms import IndicatorForm, MeasurementForm
from crte.indicators.models import Indicator, Measurement
from crte.indicators.progress import indicator_rows

INDICATORS = Indicator.objects.select_related("contract__territory", "orientation", "action")


def indicator_list(request, slug):
    contract = get_for_user(Contract.objects.all(), request.user, slug=slug)
    today = timezone.localdate()
    rows = indicator_rows(contract, None, today)
    due = [r for r in rows if r["last"] is None or r["last"].date.year < today.year - 1]
    context = {
        "contract": contract,
        "access": access_for(request.user, contract),
        "rows": rows,
        "due": due,
        "due_year": today.year - 1,
        "catalogue": Indicator.objects.filter(contract=None).order_by("code"),
    }
    return render(request, "indicators/indicator_list.html", context)


def can_manage_indicator(user, indicator: Indicator) -> bool:
    return can_manage_contract(user, indicator.contract)


def indicator_detail(request, pk):
    indicator = get_for_user(INDICATORS, request.user, pk=pk)
    can_manage = can_manage_indicator(request.user, indicator)
    form = MeasurementForm(request.POST or None, indicator=indicator)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Seuls les référents du contrat saisissent les valeurs.")
        if form.is_valid():
            measurement, created = Measurement.objects.update_or_create(
                indicator=indicator,
                date=form.cleaned_data["date"],
                defaults={
                    "value": form.cleaned_data["value"],
                    "source": form.cleaned_data["source"],
                    "entered_by": request.user,
                    "is_demo": False,
                },
            )
            messages.success(request, "Valeur enregistrée." if created else "Valeur corrigée.")
            return redirect(indicator)
    [row] = [
        r for r in indicator_rows(indicator.contract, None, timezone.localdate()) if r["indicator"].pk == pk
    ]
    context = {
        "indicator": indicator,
        "contract": indicator.contract,
        "row": row,
        "chart": trajectory_chart(
            row["series"], row["trajectory"], unit=indicator.unit, title=indicator.name
        ),
        "measurements": indicator.measurements.select_related("entered_by").order_by("-date"),
        "corrections": Measurement.history.filter(indicator_id=indicator.pk)
        .select_related("history_user")
        .order_by("-history_date")[:30],
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "indicators/indicator_detail.html", context)


@login_required
def indicator_create(request, slug):
    contract = get_for_user(Contract.objects.all(), request.user, slug=slug, check=can_manage_contract)
    form = IndicatorForm(request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid():
        indicator = form.save()
        messages.success(request, "Indicateur créé.")
        return redirect(indicator)
    return render(request, "indicators/indicator_create.html", {"contract": contract, "form": form})


@login_required
@require_POST
def measurement_delete(request, pk):
    """A wrong value is removed; its history (who entered it, when) is kept."""
    measurement = get_object_or_404(Measurement.objects.select_related("indicator"), pk=pk)
    indicator = get_for_user(INDICATORS, request.user, pk=measurement.indicator_id)
    if not can_manage_indicator(request.user, indicator):
        raise PermissionDenied("Seuls les référents du contrat retirent les valeurs.")
    measurement.delete()
    messages.success(
        request, f"Valeur du {measurement.date:%d/%m/%Y} supprimée ; elle reste dans l'historique."
    )
    return redirect(indicator)
