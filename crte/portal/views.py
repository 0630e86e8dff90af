from django.shortcuts import render

from crte.contracts.models import Contract


def home(request):
    published = Contract.objects.published().select_related("territory")
    mine = []
    if request.user.is_authenticated:
        mine = (
            Contract.objects.visible_to(request.user)
            .filter(is_published=False)
            .select_related("territory")
        )
    return render(request, "portal/home.html", {"published": published, "mine": mine})
