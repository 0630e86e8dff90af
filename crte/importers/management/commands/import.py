import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crte.core.jobs import cli_progress
from crte.importers.pipeline import import_source, suggested_slug
from crte.importers.understand.mapping import MappingError, read_mapping_file


class Command(BaseCommand):
    help = (
        "Importe un contrat (document texte) ou un tableau de programmation (.xlsx, .ods, "
        ".csv). Tout ou rien : un fichier avec des erreurs n'écrit rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Fichier à importer")
        parser.add_argument(
            "--contract",
            dest="slug",
            help="Identifiant du contrat (créé en brouillon s'il n'existe pas)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Montrer ce qui changerait, sans rien écrire"
        )
        parser.add_argument("--report", type=Path, help="Écrire le rapport qualité (JSON) ici")
        parser.add_argument(
            "--remove-missing",
            action="store_true",
            help="Retirer les lignes de financement et les actions non validées que ce fichier avait "
            "apportées et qu'il n'a plus (sans l'option, elles sont seulement signalées)",
        )
        parser.add_argument(
            "--territory",
            default="",
            help="SIREN du groupement couvert par le contrat (plusieurs : séparés par des virgules), "
            "quand le document ne le nomme pas d'une façon que le référentiel national reconnaît",
        )
        parser.add_argument(
            "--columns",
            type=Path,
            help="Fichier CSV des colonnes (en-têtes « colonne », « champ », « financeur ») : ce que "
            "contient chaque colonne du tableau, retenu pour les imports suivants du contrat",
        )

        parser.add_argument(
            "--progress",
            action="store_true",
            help="Barre d'avancement sur la sortie d'erreur (par défaut dans un terminal)",
        )

    def handle(
        self,
        *args,
        path: Path,
        slug=None,
        dry_run=False,
        report=None,
        territory="",
        remove_missing=False,
        columns=None,
        **options,
    ):
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        mapping = None
        if columns:
            if not Path(columns).is_file():
                raise CommandError(f"Fichier des colonnes introuvable : {columns}")
            try:
                mapping = read_mapping_file(Path(columns).read_bytes(), Path(columns).name)
            except MappingError as error:
                raise CommandError(str(error)) from error
        slug = slug or suggested_slug(path)
        if not slug:
            raise CommandError(
                "Précisez le contrat avec --contract ID : un tableur ne dit pas à quel contrat il appartient."
            )
        result = import_source(
            path=path,
            slug=slug,
            dry_run=dry_run,
            territory=territory,
            remove_missing=remove_missing,
            columns=mapping,
            progress=cli_progress() if options.get("progress") or sys.stderr.isatty() else None,
        )
        if report:
            Path(report).write_text(result.report.to_json(), encoding="utf-8")
        for entry in result.report.entries:
            if entry.severity != "info" or options["verbosity"] > 1:
                where = f"{entry.place} : " if entry.place else ""
                about = f"« {entry.action} » : " if entry.action else ""
                self.stdout.write(f"[{entry.severity}] {where}{about}{entry.message}")
        for change in result.report.changes:
            self.stdout.write(
                f"[modification] {change.label} : {change.field} « {change.before} » → « {change.after} »"
            )
        self.stdout.write(summary(result.report, slug))
        if result.report.errors:
            count = len(result.report.errors)
            raise CommandError(f"{count} erreur(s) : le fichier est refusé, rien n'a été écrit.")


def summary(report, slug: str) -> str:
    def counts(bucket: dict) -> str:
        return ", ".join(f"{n} {kind}" for kind, n in sorted(bucket.items())) or "rien"

    verb = "Simulation" if report.dry_run else "Import"
    return (
        f"{verb} dans « {slug} » : créés {counts(report.created)} ; modifiés "
        f"{counts(report.updated)} ; inchangés {counts(report.unchanged)} ; "
        f"retirés {counts(report.removed)}. "
        f"{len(report.errors)} erreur(s), {len(report.warnings)} avertissement(s)."
    )
