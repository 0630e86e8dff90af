from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crte.governance.models import Meeting
from crte.reports.minutes import minutes_docx, minutes_pdf
from crte.reports.pdf import PdfUnavailable


class Command(BaseCommand):
    help = "Écrit le compte rendu d'une réunion en DOCX ou PDF (selon l'extension)."

    def add_arguments(self, parser):
        parser.add_argument("meeting_id", type=int, help="Identifiant de la réunion")
        parser.add_argument("--out", required=True, help="Fichier de sortie (.docx ou .pdf)")

    def handle(self, *args, **options):
        try:
            self.write(*args, **options)
        except PdfUnavailable as error:
            raise CommandError(str(error)) from error

    def write(self, *args, meeting_id: int, out: str, **options):
        path = Path(out)
        if path.suffix.lower() not in {".docx", ".pdf"}:
            raise CommandError("Le fichier de sortie doit finir par .docx ou .pdf.")
        meeting = Meeting.objects.select_related("committee__contract").filter(pk=meeting_id).first()
        if meeting is None:
            raise CommandError(f"Réunion introuvable : {meeting_id}.")
        body = minutes_pdf(meeting) if path.suffix.lower() == ".pdf" else minutes_docx(meeting)
        path.write_bytes(body)
        self.stdout.write(f"Compte rendu écrit dans {path} ({len(body)} octets).")
