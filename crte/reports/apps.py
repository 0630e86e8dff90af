from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "crte.reports"
    verbose_name = "Rapports"

    def ready(self) -> None:
        from crte.reports import jobs  # noqa: F401  (registers the document job)
