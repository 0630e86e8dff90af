from django.urls import path

from crte.actions import views

app_name = "actions"

urlpatterns = [
    path("<int:pk>/", views.action_detail, name="action_detail"),
    path("<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("<int:pk>/avancement/", views.action_progress, name="action_progress"),
]
