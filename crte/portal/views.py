from django.http import HttpResponse
from django.shortcuts import render

from crte.contracts.models import Contract
from crte.core.perms import get_for_user
from crte.portal.exports import export_zip


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
