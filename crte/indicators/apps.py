from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "crte.indicators"
    verbose_name = "Indicateurs"
