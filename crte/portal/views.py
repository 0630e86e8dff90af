from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crte.contracts.models import Contract
from crte.core import jobs
from crte.core.perms import get_for_user
from crte.portal.exports import export_zip
from crte.portal.jobs import EXPORT


def home(request):
    published = Contract.objects.published().select_related("territory")
    mine = []
    if request.user.is_authenticated:
        mine = (
            Contract.objects.visible_to(request.user).filter(is_published=False).select_related("territory")
        )
    return render(request, "portal/home.html", {"published": published, "mine": mine})


def contract_export(request, slug):
    """The contract's open data as a zip: the data package and projets-territoire.csv."""
    contract = get_for_user(Contract.objects.select_related("territory__epci"), request.user, slug=slug)
    response = HttpResponse(export_zip(contract), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{contract.slug}-donnees-ouvertes.zip"'
    return response


@login_required
@require_POST
def perimeter_export(request):
    """Every contract of the person's perimeter as open data: a job, followed on its page."""
    if not request.user.has_perimeter:
        raise PermissionDenied("Export réservé aux accès départementaux, régionaux ou nationaux.")
    job = jobs.start(EXPORT, "Export des données ouvertes du périmètre", user=request.user)
    return redirect(job)
