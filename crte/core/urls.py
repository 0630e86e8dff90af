from django.contrib.auth import views as auth_views
from django.urls import path

from crte.core import views
from crte.core.forms import LoginForm

app_name = "core"

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(template_name="core/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("sante/", views.health, name="health"),
]
