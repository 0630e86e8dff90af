from django.urls import path

from crte.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("contrats/<slug:slug>/donnees-ouvertes.zip", views.contract_export, name="contract_export"),
    path("perimetre/export/", views.perimeter_export, name="perimeter_export"),
]
