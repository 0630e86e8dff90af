"""The annual financing convention as DOCX (python-docx) and PDF (WeasyPrint), with the
signatories' block."""

import io

from django.template.loader import render_to_string
from docx import Document
from docx.shared import Pt

from crte.core.formats import format_date, format_euros
from crte.finance.agreements import convention_content
from crte.reports.pdf import html_to_pdf


def convention_title(agreement) -> str:
    return f"Convention financière annuelle {agreement.year}"


def convention_docx(agreement) -> bytes:
    content = convention_content(agreement)
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(convention_title(agreement), level=0)
    document.add_paragraph(content["contract"].name)
    if agreement.status != agreement.Status.SIGNEE:
        document.add_paragraph("Projet de convention : montants prévisionnels, non signés.")
    if agreement.is_demo:
        document.add_paragraph("Données de démonstration.")
    document.add_paragraph(
        "En application de l'article 4-2 du contrat, les actions prêtes sont inscrites chaque "
        "année dans une convention de financement qui détaille la participation des "
        "différents partenaires."
    )
    if agreement.financers_committee_on:
        on = format_date(agreement.financers_committee_on)
        document.add_paragraph(f"Actions validées par le comité des financeurs le {on}.")
    document.add_heading("Participation des partenaires par action", level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["Action", "Partenaire", "Dispositif", "Montant"], strict=True
    ):
        cell.text = text
    for action in content["actions"]:
        for row in action["partners"]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = action["title"], row.funder
            cells[2].text, cells[3].text = row.scheme, format_euros(row.amount)
    document.add_heading("Total par partenaire", level=1)
    totals = document.add_table(rows=1, cols=2)
    totals.style = "Table Grid"
    totals.rows[0].cells[0].text, totals.rows[0].cells[1].text = "Partenaire", "Montant"
    for funder, amount in content["by_funder"].items():
        cells = totals.add_row().cells
        cells[0].text, cells[1].text = funder, format_euros(amount)
    cells = totals.add_row().cells
    cells[0].text, cells[1].text = "Total", format_euros(content["total"])
    document.add_heading("Signatures", level=1)
    signed = f"Fait le {format_date(agreement.signed_on)}" if agreement.signed_on else "Fait le ……"
    document.add_paragraph(signed)
    for partner in content["signatories"]:
        block = document.add_paragraph()
        block.add_run(f"Pour {partner.organisation.name}").bold = True
        block.add_run(f"\n{partner.signatory_name}, {partner.signatory_title}")
    for funder in content["by_funder"]:
        if funder not in {p.organisation.name for p in content["signatories"]}:
            block = document.add_paragraph()
            block.add_run(f"Pour {funder}").bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def convention_pdf(agreement) -> bytes:
    content = convention_content(agreement)
    content["title"] = convention_title(agreement)
    signatory_names = {p.organisation.name for p in content["signatories"]}
    content["other_funders"] = [f for f in content["by_funder"] if f not in signatory_names]
    return html_to_pdf(render_to_string("reports/convention.html", content))
