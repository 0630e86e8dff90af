from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "crte.contracts"
    verbose_name = "Contrats"
