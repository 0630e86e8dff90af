from django.urls import path

from crte.indicators import views

app_name = "indicators"

urlpatterns = [
    path("contrats/<slug:slug>/indicateurs/", views.indicator_list, name="indicator_list"),
    path("contrats/<slug:slug>/indicateurs/nouveau/", views.indicator_create, name="indicator_create"),
    path("indicateurs/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicateurs/valeurs/<int:pk>/supprimer/", views.measurement_delete, name="measurement_delete"),
]
