from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "crte.importers"
    verbose_name = "Imports"
