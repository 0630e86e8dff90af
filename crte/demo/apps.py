from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "crte.demo"
    verbose_name = "Démonstration"
