from django.urls import path

from crte.importers.web import views

app_name = "importers"

urlpatterns = [
    path("<slug:slug>/import/", views.upload, name="upload"),
    path("<slug:slug>/import/<str:token>/confirmer/", views.confirm, name="confirm"),
    path("<slug:slug>/import/<str:token>/colonnes/", views.map_columns, name="map_columns"),
    path("<slug:slug>/import/<str:token>/territoire/", views.choose_territory, name="choose_territory"),
    path("<slug:slug>/indicateurs/valeurs/", views.values_upload, name="values_upload"),
]
