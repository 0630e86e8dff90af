"""What the document commands (`crte minutes`, `crte convention`, `crte evaluation`) share:
the output's format from its extension, a clear error when PDF cannot be produced."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crte.reports.pdf import PdfUnavailable


class DocumentCommand(BaseCommand):
    """Subclasses define `document(fmt, **options) -> (bytes, summary in French)`."""

    formats = {".docx", ".pdf"}

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Fichier de sortie (.docx ou .pdf)")

    def handle(self, *args, out: str, **options):
        path = Path(out)
        if path.suffix.lower() not in self.formats:
            raise CommandError(
                "Le fichier de sortie doit finir par " + " ou ".join(sorted(self.formats)) + "."
            )
        try:
            body, summary = self.document(path.suffix.lower().lstrip("."), **options)
        except PdfUnavailable as error:
            raise CommandError(str(error)) from error
        path.write_bytes(body)
        self.stdout.write(f"{summary} : fichier {path} écrit ({len(body)} octets).")
