from django.urls import path

from crte.finance import views

app_name = "finance"

urlpatterns = [
    path("financements/<int:pk>/modifier/", views.funding_line_edit, name="funding_line_edit"),
    path("financements/<int:pk>/partager/", views.funding_line_split, name="funding_line_split"),
    path("financements/<int:pk>/supprimer/", views.funding_line_delete, name="funding_line_delete"),
    path("actions/<int:pk>/financements/ajouter/", views.funding_line_add, name="funding_line_add"),
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
