from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "crte.governance"
    verbose_name = "Gouvernance"
