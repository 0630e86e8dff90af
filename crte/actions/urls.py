from django.urls import path

from crte.actions import views

app_name = "actions"

urlpatterns = [
    path("<int:pk>/", views.action_detail, name="action_detail"),
    path("<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("<int:pk>/copier/", views.action_copy, name="action_copy"),
    path("<int:pk>/supprimer/", views.action_delete, name="action_delete"),
    path("contrat/<slug:slug>/nouvelle/", views.action_create, name="action_create"),
    path("<int:pk>/avancement/", views.action_progress, name="action_progress"),
    path("<int:pk>/maturite/<str:move>/", views.action_move, name="action_move"),
    path("avancements/<int:pk>/<str:decision>/", views.progress_confirm, name="progress_confirm"),
    path("<int:pk>/financement-incomplet/", views.action_gap_reason, name="action_gap_reason"),
    path("<int:pk>/evolution/", views.change_propose, name="change_propose"),
    path("<int:pk>/evaluation-maturation/", views.assessment_create, name="assessment_create"),
]
