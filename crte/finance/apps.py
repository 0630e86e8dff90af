from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "crte.finance"
    verbose_name = "Financements"
