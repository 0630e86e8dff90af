from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from crte.core.backup import BackupError, backup, current_counts, inspect, pending_migrations, restore


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde faite par « crte backup » : vérifie le fichier, dit ce qui sera "
        "remplacé, sauvegarde la base actuelle, puis remplace tout son contenu (avec --yes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Fichier de sauvegarde")
        parser.add_argument("--yes", action="store_true", help="Confirmer le remplacement de la base")

    def handle(self, *args, path: Path, yes=False, **options):
        try:
            contents = inspect(path)
            self.stdout.write(f"{path} : sauvegarde CRTE Pilote compatible. La restauration remplacera :")
            for label, now in current_counts().items():
                self.stdout.write(
                    f"  {label} : {now} dans la base actuelle → {contents.counts[label]} dans la sauvegarde"
                )
            if not yes:
                raise CommandError("Rien n'a été modifié : relancez avec --yes pour remplacer la base.")
            safety = backup(safety_path())
            self.stdout.write(f"Base actuelle sauvegardée avant restauration : {safety}")
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Base restaurée depuis {path}.")
        pending = pending_migrations(contents)
        if pending:
            self.stdout.write(
                f"La sauvegarde précède cette version : lancez « crte migrate » ({pending} migration(s))."
            )


def safety_path() -> Path:
    """A new file: never an earlier safety backup, which may be the one being restored."""
    suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
    stem = Path(settings.BACKUP_DIR) / f"avant-restauration-{datetime.now():%Y%m%d-%H%M%S}"
    path, n = stem.with_suffix(f".{suffix}"), 2
    while path.exists():
        path, n = stem.with_name(f"{stem.name}-{n}.{suffix}"), n + 1
    return path
