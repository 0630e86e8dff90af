from django.urls import path

from crte.finance import views

app_name = "finance"

urlpatterns = [path("<int:pk>/statut/", views.funding_line_edit, name="funding_line_edit")]
