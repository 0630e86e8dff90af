from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crte.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restaure une sauvegarde faite par « crte backup » : remplace tout le contenu de la base."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Fichier de sauvegarde")
        parser.add_argument("--yes", action="store_true", help="Confirmer le remplacement de la base")

    def handle(self, *args, path: Path, yes=False, **options):
        if not yes:
            raise CommandError("La restauration remplace toute la base : relancez avec --yes pour confirmer.")
        try:
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Base restaurée depuis {path}.")
