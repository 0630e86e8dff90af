from django.urls import path

from crte.reports import views

app_name = "reports"

urlpatterns = [
    path("reunions/<int:pk>/compte-rendu.<str:fmt>", views.meeting_minutes, name="meeting_minutes"),
]
