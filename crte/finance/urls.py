from django.urls import path

from crte.finance import views

app_name = "finance"

urlpatterns = [
    path("financements/<int:pk>/statut/", views.funding_line_edit, name="funding_line_edit"),
    path("contrats/<slug:slug>/maquette/", views.maquette, name="maquette"),
    path(
        "contrats/<slug:slug>/conventions/<int:year>/",
        views.agreement_detail,
        name="agreement_detail",
    ),
    path(
        "contrats/<slug:slug>/conventions/<int:year>/<str:step>/",
        views.agreement_step,
        name="agreement_step",
    ),
]
