from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crte.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sauvegarde toute la base (SQLite : sauvegarde à chaud ; PostgreSQL : pg_dump, format personnalisé)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True, help="Fichier de sauvegarde à écrire")

    def handle(self, *args, out: Path, **options):
        try:
            path = backup(out)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Sauvegarde écrite : {path} ({path.stat().st_size:,} octets).".replace(",", " "))
