from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "CRTE Pilote — administration"
admin.site.site_title = "CRTE Pilote"

urlpatterns = [
    path("", include("crte.portal.urls")),
    path("", include("crte.core.urls")),
    path("contrats/", include("crte.workspace.contract_urls")),
    path("contrats/", include("crte.importers.web.urls")),
    path("actions/", include("crte.actions.urls")),
    path("", include("crte.finance.urls")),
    path("", include("crte.governance.urls")),
    path("", include("crte.reports.urls")),
    path("", include("crte.indicators.urls")),
    path("", include("crte.workspace.urls")),
    path("oidc/", include("crte.contracts.urls")),
    path("admin/", admin.site.urls),
]
