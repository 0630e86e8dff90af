from django.urls import path

from crte.reports import views

app_name = "reports"

urlpatterns = [
    path("reunions/<int:pk>/compte-rendu.<str:fmt>", views.meeting_minutes, name="meeting_minutes"),
    path("contrats/<slug:slug>/maquette.xlsx", views.maquette_xlsx, name="maquette_xlsx"),
    path(
        "contrats/<slug:slug>/conventions/<int:year>/convention.<str:fmt>",
        views.agreement_document,
        name="agreement_document",
    ),
]
