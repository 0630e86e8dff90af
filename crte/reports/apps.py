from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "crte.reports"
    verbose_name = "Rapports"
