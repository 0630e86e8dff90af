from django.http import Http404, HttpResponse

from crte.core.perms import get_for_user
from crte.governance.models import Meeting
from crte.reports.minutes import minutes_docx, minutes_pdf

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def attachment(body: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def meeting_minutes(request, pk, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu : pdf ou docx.")
    meeting = get_for_user(
        Meeting.objects.select_related("committee__contract"), request.user, pk=pk
    )
    body = minutes_pdf(meeting) if fmt == "pdf" else minutes_docx(meeting)
    return attachment(
        body, fmt, f"compte-rendu-{meeting.committee.kind.lower()}-{meeting.date:%Y-%m-%d}"
    )
