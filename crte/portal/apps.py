from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "crte.portal"
    verbose_name = "Portail public"

    def ready(self) -> None:
        from crte.portal import jobs  # noqa: F401  (registers the perimeter export)
