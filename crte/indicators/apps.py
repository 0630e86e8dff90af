from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IndicatorsConfig(AppConfig):
    name = "crte.indicators"
    verbose_name = "Indicateurs"

    def ready(self) -> None:
        post_migrate.connect(load_catalogue_after_migrate, sender=self)


def load_catalogue_after_migrate(sender, **kwargs) -> None:
    """The national indicator set comes with the database, like the other references."""
    from crte.indicators.reference import load_indicator_catalogue

    load_indicator_catalogue()
