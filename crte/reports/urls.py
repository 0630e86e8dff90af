from django.urls import path

from crte.reports import views

app_name = "reports"

urlpatterns = [
    path("perimetre/", views.perimeter_rollup, name="rollup"),
    path("contrats/<slug:slug>/tableau-de-bord/", views.dashboard, name="dashboard"),
    path("contrats/<slug:slug>/evaluations/", views.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/evaluation.<str:fmt>", views.evaluation_document, name="evaluation_document"),
    path("reunions/<int:pk>/compte-rendu.<str:fmt>", views.meeting_minutes, name="meeting_minutes"),
    path("contrats/<slug:slug>/maquette.xlsx", views.maquette_xlsx, name="maquette_xlsx"),
    path(
        "contrats/<slug:slug>/conventions/<int:year>/convention.<str:fmt>",
        views.agreement_document,
        name="agreement_document",
    ),
]
