"""The minutes (compte rendu) of a meeting, as DOCX (python-docx) and PDF (WeasyPrint),
from the same content."""

import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from docx import Document
from docx.shared import Pt

from crte.core.formats import format_date
from crte.governance.models import Meeting
from crte.reports.pdf import html_to_pdf


@dataclass
class MinutesItem:
    title: str
    notes: str
    decisions: list


def minutes_content(meeting: Meeting) -> dict:
    items = list(meeting.agenda.prefetch_related("decisions").order_by("order", "id"))
    loose = [d for d in meeting.decisions.all() if d.agenda_item_id is None]
    return {
        "meeting": meeting,
        "contract": meeting.committee.contract,
        "title": (
            ("PROJET — " if meeting.minutes_approved_on is None else "")
            + f"Compte rendu — {meeting.committee.get_kind_display()} du {format_date(meeting.date)}"
        ),
        "status": (
            f"Compte rendu approuvé le {format_date(meeting.minutes_approved_on)}"
            if meeting.minutes_approved_on
            else "Projet de compte rendu : non encore approuvé"
        ),
        "items": [MinutesItem(i.title, i.notes, list(i.decisions.all())) for i in items],
        "other_decisions": loose,
        "organisations": list(meeting.attending_organisations.all()),
        "attendees": [line.strip() for line in meeting.attendees.splitlines() if line.strip()],
    }


def minutes_docx(meeting: Meeting) -> bytes:
    content = minutes_content(meeting)
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(content["title"], level=0)
    document.add_paragraph(content["status"])
    document.add_paragraph(content["contract"].name)
    if meeting.is_demo:
        document.add_paragraph("Données de démonstration : cette réunion est fictive.")
    facts = document.add_paragraph()
    facts.add_run("Date : ").bold = True
    facts.add_run(format_date(meeting.date))
    if meeting.place:
        facts.add_run("\nLieu : ").bold = True
        facts.add_run(meeting.place)
    if content["attendees"] or content["organisations"]:
        document.add_heading("Participants", level=1)
        for person in content["attendees"]:
            document.add_paragraph(person, style="List Bullet")
        if content["organisations"]:
            names = ", ".join(o.name for o in content["organisations"])
            document.add_paragraph(f"Structures représentées : {names}")
    document.add_heading("Ordre du jour et décisions", level=1)
    for number, item in enumerate(content["items"], start=1):
        document.add_heading(f"{number}. {item.title}", level=2)
        for line in item.notes.splitlines():
            document.add_paragraph(line, style="List Bullet" if len(item.notes.splitlines()) > 1 else None)
        for decision in item.decisions:
            _decision_paragraph(document, decision)
        if not item.decisions:
            document.add_paragraph("Pas de décision.")
    if content["other_decisions"]:
        document.add_heading("Autres décisions", level=1)
        for decision in content["other_decisions"]:
            _decision_paragraph(document, decision)
    if meeting.notes:
        document.add_heading("Relevé des échanges", level=1)
        document.add_paragraph(meeting.notes)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _decision_paragraph(document, decision) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"Décision ({decision.get_outcome_display().lower()}) : ").bold = True
    paragraph.add_run(f"{decision.get_kind_display()} — {decision.subject}")
    if decision.text:
        paragraph.add_run(f". {decision.text}")


def minutes_pdf(meeting: Meeting) -> bytes:
    html = render_to_string("reports/minutes.html", minutes_content(meeting))
    return html_to_pdf(html)
