from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "crte.portal"
    verbose_name = "Portail public"
