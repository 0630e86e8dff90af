from django.urls import path

from crte.workspace import members, search, views

app_name = "workspace"

urlpatterns = [
    path("mon-espace/", views.my_space_view, name="my_space"),
    path("contrats/<slug:slug>/actions/", views.contract_actions, name="contract_actions"),
    path(
        "contrats/<slug:slug>/actions.<str:fmt>",
        views.contract_actions,
        name="contract_actions_export",
    ),
    path(
        "contrats/<slug:slug>/actions/choix/<str:name>/",
        views.contract_suggestions,
        name="contract_actions_suggestions",
    ),
    path("contrats/<slug:slug>/recherche/<str:source>/", search.search_box, name="search"),
    path("contrats/<slug:slug>/membres/", members.members, name="members"),
    path(
        "contrats/<slug:slug>/invitations/<int:pk>/annuler/",
        members.invitation_revoke,
        name="invitation_revoke",
    ),
    path("contrats/<slug:slug>/membres/<int:pk>/retirer/", members.member_remove, name="member_remove"),
    path("invitations/<str:token>/", members.invitation, name="invitation"),
    path("suivi/actions/", views.perimeter_actions, name="perimeter_actions"),
    path("suivi/actions.<str:fmt>", views.perimeter_actions, name="perimeter_actions_export"),
    path(
        "suivi/actions/choix/<str:name>/", views.perimeter_suggestions, name="perimeter_actions_suggestions"
    ),
]
