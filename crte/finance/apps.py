from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FinanceConfig(AppConfig):
    name = "crte.finance"
    verbose_name = "Financements"

    def ready(self) -> None:
        post_migrate.connect(load_schemes_after_migrate, sender=self)
        from crte.finance import summaries

        summaries.connect()


def load_schemes_after_migrate(sender, **kwargs) -> None:
    """The scheme catalogue follows the bodies (core runs first: INSTALLED_APPS order)."""
    from crte.finance.reference import load_schemes

    load_schemes()
