from django.urls import path

from crte.contracts import views

app_name = "contracts"

urlpatterns = [path("<slug:slug>/", views.contract_detail, name="contract_detail")]
