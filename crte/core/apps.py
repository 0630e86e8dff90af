from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "crte.core"
    verbose_name = "Socle"
