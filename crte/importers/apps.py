from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "crte.importers"
    verbose_name = "Imports"

    def ready(self) -> None:
        from crte.importers.web import jobs  # noqa: F401  (registers the import jobs)
