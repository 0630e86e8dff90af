from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "crte.actions"
    verbose_name = "Actions"
