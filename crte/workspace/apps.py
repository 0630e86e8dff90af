from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "crte.workspace"
    verbose_name = "Espace de travail"
