import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from crte.actions.models import Action, ActionChange
from crte.actions.tests.factories import ActionFactory
from crte.contracts.models import Amendment
from crte.governance.agenda import build_agenda
from crte.governance.decisions import DecisionError, record_decision
from crte.governance.frequency import committee_frequency
from crte.governance.models import AgendaItem, CharterAdhesion, Committee, Decision
from crte.governance.tests.factories import CommitteeFactory, MeetingFactory
from crte.governance.versions import approve_amendment, compare, ensure_initial_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def cotech(contract):
    return MeetingFactory(committee=CommitteeFactory(contract=contract, kind=Committee.Kind.COTECH))


@pytest.fixture
def copil(contract):
    return MeetingFactory(
        committee=CommitteeFactory(contract=contract, kind=Committee.Kind.COPIL),
        date=date(2024, 11, 20),
    )


def test_the_agenda_lists_ready_actions_and_proposed_changes(cotech, ready_action, action, manager):
    ActionChange.objects.create(action=action, changes={"title": ["a", "b"]}, reason="r")
    build_agenda(cotech)
    kinds = {(i.kind, i.action_id) for i in cotech.agenda.all()}
    assert (AgendaItem.Kind.VALIDATION_ACTION, ready_action.pk) in kinds
    assert (AgendaItem.Kind.EVOLUTION_FICHE, action.pk) in kinds
    count = cotech.agenda.count()
    assert build_agenda(cotech) == 0 and cotech.agenda.count() == count  # idempotent


def test_an_agenda_item_quoting_a_title_as_long_as_the_field_fits_it(cotech, ready_action):
    ready_action.title = ("Rénovation " * 40)[:400]  # the action's limit
    ready_action.save()
    build_agenda(cotech)
    item = cotech.agenda.get(action=ready_action)
    assert len(item.title) == AgendaItem._meta.get_field("title").max_length
    assert item.title.startswith("Valider « Rénovation") and item.title.endswith("…")
    assert build_agenda(cotech) == 0  # the clipped title is found again


def test_a_recorded_decision_validates_the_action_with_its_history(copil, ready_action, manager):
    build_agenda(copil)
    item = copil.agenda.get(action=ready_action)
    decision = record_decision(
        meeting=copil,
        by=manager,
        kind=Decision.Kind.VALIDATION_ACTION,
        subject=item.title,
        agenda_item=item,
        action=ready_action,
    )
    ready_action.refresh_from_db()
    assert ready_action.maturity == Action.Maturity.VALIDEE
    assert decision.transition.to_state == Action.Maturity.VALIDEE
    assert "Comité de pilotage du 20/11/2024" in decision.transition.reason


def validation(meeting, action, manager):
    return record_decision(
        meeting=meeting, by=manager, kind=Decision.Kind.VALIDATION_ACTION, subject="Valider", action=action
    )


def test_the_cotech_prepares_the_copil_validates_unless_the_contract_says_otherwise(
    contract, cotech, ready_action, manager
):
    with pytest.raises(DecisionError, match="validées par le comité de pilotage"):
        validation(cotech, ready_action, manager)
    ready_action.refresh_from_db()
    assert ready_action.maturity == Action.Maturity.PRETE and not Decision.objects.exists()
    contract.validating_committee = "COTECH"
    contract.save()
    cotech.committee.contract.refresh_from_db()
    validation(cotech, ready_action, manager)
    ready_action.refresh_from_db()
    assert ready_action.maturity == Action.Maturity.VALIDEE


@pytest.mark.parametrize("held", [{"status": "prevue"}, {"date": date(2099, 1, 1)}])
def test_only_a_meeting_that_took_place_decides(copil, ready_action, manager, held):
    for name, value in held.items():
        setattr(copil, name, value)
    copil.save()
    with pytest.raises(DecisionError, match="réunion qui s'est tenue"):
        validation(copil, ready_action, manager)
    assert not Decision.objects.exists()


def test_a_decision_that_cannot_apply_records_nothing(copil, action, manager):
    with pytest.raises(DecisionError, match="Il manque"):
        record_decision(
            meeting=copil,
            by=manager,
            kind=Decision.Kind.INTEGRATION_PROJET,
            subject="Intégrer",
            action=ActionFactory(orientation=action.orientation, maturity="en_maturation", description=""),
        )
    assert not Decision.objects.exists()


def test_changes_are_studied_by_cotech_then_validated_by_copil(cotech, copil, action, manager):
    change = ActionChange.objects.create(
        action=action, changes={"calendar_text": ["", "2025"]}, reason="Décalage"
    )
    fields = {"kind": Decision.Kind.EVOLUTION_FICHE, "subject": "Évolution", "change": change}
    with pytest.raises(DecisionError, match="étudiée par le comité technique"):
        record_decision(meeting=copil, by=manager, **fields)
    record_decision(meeting=cotech, by=manager, **fields)
    assert ActionChange.objects.get(pk=change.pk).status == ActionChange.Status.ETUDIEE
    assert Action.objects.get(pk=action.pk).calendar_text == ""
    record_decision(meeting=copil, by=manager, **fields)
    assert ActionChange.objects.get(pk=change.pk).status == ActionChange.Status.ACCEPTEE
    assert Action.objects.get(pk=action.pk).calendar_text == "2025"


def test_charter_adhesion_is_decided_by_the_committee(cotech, contract, funder, manager):
    adhesion = CharterAdhesion.objects.create(contract=contract, organisation=funder)
    build_agenda(cotech)
    item = cotech.agenda.get(adhesion=adhesion)
    record_decision(
        meeting=cotech,
        by=manager,
        kind=Decision.Kind.ADHESION_CHARTE,
        subject=item.title,
        agenda_item=item,
        adhesion=adhesion,
        outcome=Decision.Outcome.REFUSEE,
    )
    adhesion.refresh_from_db()
    assert (adhesion.status, adhesion.decided_on) == ("refusee", date(2024, 5, 14))


def test_an_amendment_adding_an_action_creates_version_1(contract, copil, action, manager):
    ensure_initial_version(contract)
    amendment = Amendment.objects.create(contract=contract, number=1, title="Ajout de la voie verte")
    added = ActionFactory(orientation=action.orientation, title="Voie verte", amount=250000, maturity="idee")
    added.added_by = amendment
    added.save()
    with pytest.raises(Exception, match="avis du comité de pilotage"):
        approve_amendment(amendment, on=date(2024, 12, 1))
    record_decision(
        meeting=copil,
        by=manager,
        kind=Decision.Kind.AVENANT,
        subject="Avenant 1",
        amendment=amendment,
    )
    amendment = Amendment.objects.get(pk=amendment.pk)
    with pytest.raises(Exception, match="il manque : un maître d'ouvrage"):  # Art. 4-2
        approve_amendment(amendment, on=date(2024, 12, 1))
    derogation = {added.pk: "Projet prioritaire du PCAET, porteur désigné au prochain conseil."}
    version = approve_amendment(amendment, on=date(2024, 12, 1), derogations=derogation)
    contract.refresh_from_db()
    assert (contract.version, version.number) == (1, 1)
    diff = compare(contract.versions.get(number=0), version)
    assert [a["title"] for a in diff["added"]] == ["Voie verte"]
    assert diff["removed"] == [] and diff["changed"] == []
    assert diff["total_after"] - diff["total_before"] == 250000
    added.refresh_from_db()
    assert added.maturity == "validee"  # the approved amendment validates what it adds
    assert "Avenant" in added.transitions.get().reason


def test_a_manager_attaches_actions_to_an_amendment_and_approval_withdraws_them(
    client, manager, contract, action, orientation
):
    amendment = Amendment.objects.create(
        contract=contract, number=1, title="Retrait", copil_opinion_on=date(2024, 11, 20)
    )
    idea = ActionFactory(orientation=orientation, maturity="idee", title="Nouvelle idée")
    client.force_login(manager)
    url = reverse("governance:amendment_actions", args=[amendment.pk])
    client.post(url, {"added": [idea.pk], "removed": [idea.pk]})
    assert not contract.actions.filter(added_by=amendment).exists()  # both at once: refused
    client.post(url, {"added": [idea.pk], "removed": [action.pk]})
    assert list(amendment.added_actions.all()) == [idea] and list(amendment.removed_actions.all()) == [action]
    client.post(
        reverse("governance:amendment_approve", args=[amendment.pk]),
        {"approved_on": "2024-12-01", f"derogation_{idea.pk}": "Décision du comité de pilotage."},
    )
    action.refresh_from_db()
    idea.refresh_from_db()
    assert (action.maturity, idea.maturity) == ("abandonnee", "validee")
    assert "Retirée par l'Avenant" in action.transitions.get().reason


def test_versions_page_shows_the_difference(client, manager, contract, copil, action):
    ensure_initial_version(contract)
    amendment = Amendment.objects.create(
        contract=contract, number=1, title="Retrait", copil_opinion_on=date(2024, 11, 20)
    )
    action.removed_by = amendment
    action.save()
    approve_amendment(amendment, on=date(2024, 12, 1))
    client.force_login(manager)
    page = client.get(reverse("governance:versions_compare", args=[contract.slug]) + "?de=0&a=1")
    assert "Actions retirées (1)" in page.content.decode()
    assert action.title in page.content.decode()


def test_frequency_flags_years_below_the_minimum(contract, cotech, copil):
    contract.start_year, contract.end_year = 2023, 2026
    years = {y.year: y for y in committee_frequency(contract, date(2025, 3, 1))}
    assert years[2024].copil == 1 and years[2024].cotech == 1
    assert years[2024].warnings == [
        "2024 : le comité technique s'est réuni 1 fois (au moins deux fois par an)."
    ]
    assert len(years[2023].warnings) == 2
    assert years[2025].warnings == []  # the year is not over


@pytest.mark.pdf
def test_minutes_contain_the_decisions_in_docx_and_pdf(client, reader, copil, ready_action, manager):
    build_agenda(copil)
    item = copil.agenda.get(action=ready_action)
    record_decision(
        meeting=copil,
        by=manager,
        kind=Decision.Kind.VALIDATION_ACTION,
        subject=item.title,
        agenda_item=item,
        action=ready_action,
        text="Inscrite à la convention 2024",
    )
    client.force_login(reader)
    docx = client.get(reverse("reports:meeting_minutes", args=[copil.pk, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "PROJET — Compte rendu — Comité de pilotage du 20/11/2024" in text
    assert "Projet de compte rendu : non encore approuvé" in text
    assert "Valider « Voie verte de la Lawe »" in text and "Inscrite à la convention 2024" in text
    copil.minutes_approved_on = date(2024, 12, 2)
    copil.save()
    pdf = client.get(reverse("reports:meeting_minutes", args=[copil.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    pdf_text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Voie verte de la Lawe" in pdf_text and "Inscrite à la convention 2024" in pdf_text
    assert "Compte rendu approuvé le 02/12/2024" in pdf_text and "PROJET" not in pdf_text


def test_minutes_command_writes_the_file(tmp_path, cotech):
    from django.core.management import call_command

    out = tmp_path / "cr.docx"
    call_command("minutes", cotech.pk, out=str(out), stdout=io.StringIO())
    assert "Comité technique" in Document(str(out)).paragraphs[0].text


@pytest.mark.parametrize("persona", ["reader", "funder_member", "owner_member"])
def test_only_managers_prepare_meetings_and_record_decisions(
    client, contract, cotech, ready_action, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    create = client.post(
        reverse("governance:meeting_create", args=[contract.slug]),
        {"committee_kind": "COTECH", "date": "2024-06-01"},
    )
    assert create.status_code == 403
    decide = client.post(
        reverse("governance:decision_add", args=[cotech.pk]),
        {"libre-kind": "validation_action", "libre-outcome": "adoptee", "libre-subject": "x"},
    )
    assert decide.status_code == 403
    assert Action.objects.get(pk=ready_action.pk).maturity == Action.Maturity.PRETE
    assert client.get(cotech.get_absolute_url()).status_code == 200  # they read it


def test_outsider_gets_404_on_meetings_and_governance(client, outsider, contract, cotech):
    client.force_login(outsider)
    assert client.get(cotech.get_absolute_url()).status_code == 404
    assert client.get(reverse("governance:governance_home", args=[contract.slug])).status_code == 404
    assert client.get(reverse("reports:meeting_minutes", args=[cotech.pk, "pdf"])).status_code == 404


def test_manager_creates_a_meeting_whose_agenda_is_built(client, manager, contract, ready_action):
    client.force_login(manager)
    response = client.post(
        reverse("governance:meeting_create", args=[contract.slug]),
        {"committee_kind": "COTECH", "date": "2024-06-01", "place": "Béthune"},
    )
    assert response.status_code == 302
    meeting = contract.committees.get(kind="COTECH").meetings.get()
    assert meeting.agenda.filter(action=ready_action).exists()


def test_without_pango_a_pdf_answers_a_french_page_not_a_crash(client, reader, cotech, monkeypatch):
    from crte.reports import pdf

    def missing():
        raise pdf.PdfUnavailable("La génération des PDF demande la bibliothèque Pango.")

    monkeypatch.setattr(pdf, "_html_class", missing)
    client.force_login(reader)
    response = client.get(reverse("reports:meeting_minutes", args=[cotech.pk, "pdf"]))
    assert response.status_code == 503
    assert "bibliothèque Pango" in response.content.decode()
    docx = client.get(reverse("reports:meeting_minutes", args=[cotech.pk, "docx"]))
    assert docx.status_code == 200


def test_a_manager_chooses_the_validating_committee(client, manager, reader, contract):
    url = reverse("governance:validating_committee", args=[contract.slug])
    client.force_login(reader)
    assert client.post(url, {"validating_committee": "COTECH"}).status_code == 403
    client.force_login(manager)
    client.post(url, {"validating_committee": "COTECH"})
    contract.refresh_from_db()
    assert contract.validating_committee == "COTECH"
    page = client.get(reverse("governance:governance_home", args=[contract.slug])).content.decode()
    assert "validées par le <strong>comité technique</strong>" in page
