"""The contract page keeps its name (`contracts:contract_detail`), served from here: a page
that gathers several apps lives in the app above them."""

from django.urls import path

from crte.workspace import contract_page

app_name = "contracts"

urlpatterns = [path("<slug:slug>/", contract_page.contract_detail, name="contract_detail")]
