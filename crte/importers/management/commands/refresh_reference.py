from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crte.core.national import NATIONAL_DIR, VINTAGE, load_national_reference
from crte.finance.reference import load_schemes


class Command(BaseCommand):
    help = (
        "Recharge le référentiel national (communes, EPCI, départements, régions, organismes "
        "financeurs, dispositifs) depuis le millésime livré avec le code, ou depuis un dossier "
        "--from d'un autre millésime au même format. Les contrats ne sont pas modifiés : une commune "
        "fusionnée reste, rattachée à sa commune nouvelle ; un EPCI renommé garde sa fiche."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="directory", help="Dossier des fichiers *.json.gz (défaut : livré)"
        )

    def handle(self, *args, directory=None, **options):
        path = Path(directory) if directory else NATIONAL_DIR
        missing = [
            n
            for n in ("regions", "departements", "communes", "epci", "ept")
            if not (path / f"{n}.json.gz").exists()
        ]
        if missing:
            raise CommandError(f"Fichiers absents de {path} : {', '.join(f'{n}.json.gz' for n in missing)}.")
        counts = load_national_reference(path)
        schemes = load_schemes()
        detail = ", ".join(f"{v} {k}" for k, v in counts.items())
        self.stdout.write(f"Référentiel {VINTAGE} rechargé : {detail}, {len(schemes)} dispositifs.")
