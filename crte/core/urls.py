from django.urls import path

from crte.core import views

app_name = "core"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("sante/", views.health, name="health"),
    path("travaux/<uuid:pk>/", views.job_detail, name="job"),
    path("travaux/<uuid:pk>/fichier", views.job_download, name="job_download"),
    path("travaux/<uuid:pk>/annuler/", views.job_cancel, name="job_cancel"),
]
