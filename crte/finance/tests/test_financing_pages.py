import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from crte.core.formats import format_euros
from crte.demo.reference import load_reference_contract, load_reference_data
from crte.finance.agreements import AgreementError, live_participations, sign_agreement
from crte.finance.models import FundingAgreement, FundingLine
from crte.finance.overview import contract_maquette

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    load_reference_data()
    contract, _ = load_reference_contract()
    contract.is_published = True
    contract.save()
    return contract


def test_reference_maquette_shows_the_annex_financers_with_matching_totals(reference, client):
    maquette, facts = contract_maquette(reference)
    lines = FundingLine.objects.filter(action__contract=reference).select_related("action", "funder")
    for name in [
        "État",
        "Région Hauts-de-France",
        "Agence nationale de l'habitat",
        "Département du Pas-de-Calais",
    ]:
        assert name in maquette.funders
    # ANAH: 200 K€ over 2022-2027 (OPAH-RU) + 5 M€ (PIG, no year): 5 200 000 € written. The
    # contract runs to 2026: five of the OPAH-RU's six years count in its maquette.
    anah = sum(
        (line.resolved_amount() for line in lines if line.funder and line.funder.short_name == "ANAH"),
        Decimal(0),
    )
    assert anah == Decimal("5200000")
    assert reference.end_year == 2026
    assert maquette.total(funder="Agence nationale de l'habitat") == Decimal("5166666.67")
    assert maquette.pivot("funder", "year")["Agence nationale de l'habitat"][2022] == Decimal("33333.34")
    page = client.get(reverse("finance:maquette", args=[reference.slug])).content.decode()
    assert "Agence nationale de l&#x27;habitat" in page
    assert format_euros(Decimal("5166666.67")) in page


def test_maquette_filters_narrow_the_totals(reference, client):
    url = reverse("finance:maquette", args=[reference.slug])
    everything = client.get(url).context["grand_total"]
    region = client.get(url, {"funder": "Région Hauts-de-France"}).context["grand_total"]
    assert 0 < region < everything
    assert region == contract_maquette(reference)[0].total(funder="Région Hauts-de-France")


def test_maquette_page_query_count_does_not_grow_with_lines(reference, client, django_assert_max_num_queries):
    url = reverse("finance:maquette", args=[reference.slug])
    with django_assert_max_num_queries(30) as before:
        client.get(url)
    action = reference.actions.get(title="Gigafactory ACC")
    for n in range(20):
        FundingLine.objects.create(action=action, external_id=f"x{n}", amount=Decimal(n + 1))
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


def test_maquette_xlsx_has_numeric_cells_and_one_sheet_per_view(reference, client):
    response = client.get(reverse("reports:maquette_xlsx", args=[reference.slug]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Financeurs par année",
        "Orientations",
        "Types de crédits",
        "Financeurs par statut",
        "Lignes",
        "Règle de ventilation",
    ]
    sheet = workbook["Financeurs par année"]
    header = [c.value for c in sheet[3]]
    assert header[0] == "Financeur" and header[-1] == "Total"
    totals = [row[-1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert all(isinstance(value, int | float) for value in totals)
    assert sheet.cell(row=4, column=len(header)).number_format.startswith("#,##0.00")
    maquette, _ = contract_maquette(reference)
    assert round(sum(totals), 2) == float(maquette.total())


def test_2022_convention_lists_the_actions_validated_for_2022(reference):
    rows = live_participations(reference, 2022)
    titles = {row.action_title for row in rows}
    assert "Suivi-Animation OPAH-RU" in titles  # validée, 2022-2027
    assert 'Aménagement du parking relais à Haisnes ex friche station "Oil"' in titles  # 2022
    assert "Programme d'Intérêt Général" not in titles  # en cours, no year
    assert "Gigafactory ACC" not in titles  # en maturation
    haisnes = [r for r in rows if r.action_title.startswith("Aménagement du parking relais à Haisnes")]
    # The CABBALR carries the action: its 250 000 € are its own share, not a partner's.
    assert {(r.funder, r.amount) for r in haisnes} == {("État", Decimal("250000"))}


@pytest.mark.pdf
def test_convention_documents_carry_the_same_totals(reference, client):
    total = sum((r.amount for r in live_participations(reference, 2022)), Decimal(0))
    docx = client.get(reverse("reports:agreement_document", args=[reference.slug, 2022, "docx"]))
    document = Document(io.BytesIO(docx.content))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert format_euros(total) in cells
    assert "Convention financière annuelle 2022" in document.paragraphs[0].text
    assert any("Pour État" in p.text for p in document.paragraphs)
    pdf = client.get(reverse("reports:agreement_document", args=[reference.slug, 2022, "pdf"]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert format_euros(total).replace("\u00a0", " ") in text.replace("\u00a0", " ")
    assert "Olivier GACQUERRE" in text


def test_signing_freezes_the_figures_and_moves_lines_to_granted(reference):
    agreement = FundingAgreement.objects.create(contract=reference, year=2022)
    with pytest.raises(AgreementError, match="comité des financeurs"):
        sign_agreement(agreement, on=date(2022, 12, 15))
    agreement.financers_committee_on = date(2022, 12, 1)
    agreement.save()
    count = sign_agreement(agreement, on=date(2022, 12, 15))
    agreement.refresh_from_db()
    assert agreement.status == "signee" and agreement.lines.count() == count
    frozen = {(row.action_title, row.funder): row.amount for row in agreement.lines.all()}
    line = agreement.lines.exclude(funding_line=None).first().funding_line
    assert (line.status, line.status_changed_on) == ("accorde", date(2022, 12, 15))
    # Later changes to the action do not change the signed convention.
    action = line.action
    line.amount = Decimal("1")
    line.save()
    agreement.refresh_from_db()
    assert {(row.action_title, row.funder): row.amount for row in agreement.lines.all()} == frozen
    with pytest.raises(AgreementError, match="déjà signée"):
        sign_agreement(agreement, on=date(2022, 12, 16))
    assert action.pk


@pytest.mark.parametrize("persona", ["reader", "funder_member", "owner_member"])
def test_only_managers_record_the_committee_and_sign(client, contract, persona, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("finance:agreement_step", args=[contract.slug, 2024, "signature"])
    assert client.post(url, {"date": "2024-12-01"}).status_code == 403
    assert not FundingAgreement.objects.exists()


def test_action_page_summarises_the_financing_plan(client, reader, funding_line):
    client.force_login(reader)
    page = client.get(funding_line.action.get_absolute_url())
    financing = page.context["financing"]
    assert financing["total"] == Decimal("50000")
    assert financing["remaining"] == Decimal("50000")
    assert "reste à financer" in " ".join(financing["warnings"])
