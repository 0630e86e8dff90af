from django.core.management.base import CommandError

from crte.governance.models import Meeting
from crte.reports.documents import DocumentCommand
from crte.reports.minutes import minutes_docx, minutes_pdf


class Command(DocumentCommand):
    help = "Écrit le compte rendu d'une réunion en DOCX ou PDF (selon l'extension)."

    def add_arguments(self, parser):
        parser.add_argument("meeting_id", type=int, help="Identifiant de la réunion")
        super().add_arguments(parser)

    def document(self, fmt: str, *, meeting_id: int, **options) -> tuple[bytes, str]:
        meeting = Meeting.objects.select_related("committee__contract").filter(pk=meeting_id).first()
        if meeting is None:
            raise CommandError(f"Réunion introuvable : {meeting_id}.")
        body = minutes_pdf(meeting) if fmt == "pdf" else minutes_docx(meeting)
        return body, f"Compte rendu de la réunion « {meeting} »"
