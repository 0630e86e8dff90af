from django.urls import path

from crte.governance import views

app_name = "governance"

urlpatterns = [
    path("contrats/<slug:slug>/gouvernance/", views.governance_home, name="governance_home"),
    path(
        "contrats/<slug:slug>/gouvernance/comite-qui-valide/",
        views.validating_committee,
        name="validating_committee",
    ),
    path(
        "contrats/<slug:slug>/gouvernance/reunions/nouvelle/",
        views.meeting_create,
        name="meeting_create",
    ),
    path(
        "contrats/<slug:slug>/gouvernance/avenants/nouveau/",
        views.amendment_create,
        name="amendment_create",
    ),
    path(
        "contrats/<slug:slug>/gouvernance/charte/nouvelle/",
        views.adhesion_create,
        name="adhesion_create",
    ),
    path(
        "contrats/<slug:slug>/gouvernance/ingenierie/nouvelle/",
        views.engineering_edit,
        name="engineering_create",
    ),
    path(
        "contrats/<slug:slug>/gouvernance/ingenierie/<int:pk>/",
        views.engineering_edit,
        name="engineering_edit",
    ),
    path("contrats/<slug:slug>/versions/", views.versions_compare, name="versions_compare"),
    path("reunions/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("reunions/<int:pk>/ordre-du-jour/construire/", views.agenda_build, name="agenda_build"),
    path("reunions/<int:pk>/ordre-du-jour/ajouter/", views.agenda_add, name="agenda_add"),
    path("reunions/points/<int:pk>/retirer/", views.agenda_delete, name="agenda_delete"),
    path("reunions/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("avenants/<int:pk>/approuver/", views.amendment_approve, name="amendment_approve"),
    path("avenants/<int:pk>/actions/", views.amendment_actions, name="amendment_actions"),
]
