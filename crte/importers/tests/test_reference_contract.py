from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from crte.actions.models import Action
from crte.contracts.models import Contract, Membership
from crte.core.models import Commune, Organisation, User
from crte.demo.reference import (
    REFERENCE_DOCUMENT,
    REFERENCE_SLUG,
    load_reference_contract,
    load_reference_data,
)
from crte.importers.understand.contract_document import read_contract_document
from crte.indicators.models import Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    load_reference_data()
    contract, created = load_reference_contract()
    assert created
    return contract


def test_reference_contract_has_its_territory_period_and_signatories(reference):
    assert reference.slug == REFERENCE_SLUG
    assert reference.status == Contract.Status.SIGNE
    assert str(reference.signed_on) == "2022-01-21"
    assert (reference.start_year, reference.end_year) == (2021, 2026)
    assert reference.territory.communes.count() == 100
    assert reference.territory.departement_code == "62"
    assert reference.territory.epci.siren == "200072460"
    signatories = reference.partners.filter(is_signatory=True).select_related("organisation")
    assert [p.organisation.name for p in signatories] == [
        "CA de Béthune-Bruay, Artois-Lys Romane",
        "État",
    ]


def annex_actions(contract):
    doc = read_contract_document(REFERENCE_DOCUMENT.read_text(encoding="utf-8"))
    sources = {f"{REFERENCE_DOCUMENT.name}, ligne {row.line}" for row in doc.annex_rows}
    return contract.actions.filter(source__in=sources)


def test_reference_contract_has_seven_orientations_and_the_41_annex_actions(reference):
    assert reference.orientations.count() == 7
    annex = annex_actions(reference)
    assert annex.count() == 41
    counts = {o.name: annex.filter(orientation=o).count() for o in reference.orientations.all()}
    assert counts == {
        "Se déplacer": 6,
        "Habiter": 9,
        "Travailler": 8,
        "S'approvisionner": 8,
        "Être en forme": 5,
        "Apprendre": 1,
        "S'épanouir": 4,
    }
    assert reference.orientations.get(name="Travailler").priorities.count() == 8


def test_programming_items_become_actions_without_duplicating_annex_rows(reference):
    items = reference.actions.exclude(pk__in=annex_actions(reference))
    assert set(items.values_list("maturity", flat=True)) == {"idee", "en_maturation"}
    titles = set(items.values_list("title", flat=True))
    assert "Gigafactory ACC" in titles  # programmed for 2022, not in the annex
    assert "Construction d'une légumerie territoriale" in titles  # forecast 2023-2026
    assert "Aménagement du pôle gare d'Isbergues – phase 2" in titles  # phase 2 is another operation
    # Items that are annex rows written differently are not imported twice.
    assert not any(t.startswith("Aménagement du parking relais de Haisnes") for t in titles)
    assert "Le Contrat Local de santé" not in titles
    assert "Déclinaison du programme d'actions du PAT" not in titles
    assert reference.actions.get(title="Gigafactory ACC").maturity == "en_maturation"
    assert reference.actions.get(title="Restructuration de Loisinord").maturity == "idee"


@pytest.mark.parametrize(
    ("title", "amount", "basis", "start", "end", "maturity"),
    [
        ("Aménagement du parking relais à Douvrin", "700000", "total", 2021, 2021, "validee"),
        ("Suivi-Animation OPAH-RU", "400000", "globalise", 2022, 2027, "validee"),
        ("Programme d'Intérêt Général", "6500000", "annuel", None, None, "en_cours"),
        ("Programmation NPRU", "57800000", "total", 2021, 2026, "validee"),
        ("Programme pluriannuel de réhabilitation", "2000000", "annuel", 2021, None, "validee"),
        ("Politique intercommunale du commerce", "300000", "annuel", 2021, 2021, "en_cours"),
        ("ERBM-1er triennal", None, "total", 2022, 2022, "en_maturation"),
        ("Convention Territoriale Globale", None, "total", 2021, 2021, "en_maturation"),
    ],
)
def test_reference_actions_field_by_field(reference, title, amount, basis, start, end, maturity):
    action = reference.actions.get(title__startswith=title)
    assert action.amount == (Decimal(amount) if amount else None)
    assert (action.amount_basis, action.start_year, action.end_year) == (basis, start, end)
    assert action.maturity == maturity
    assert action.source.startswith("crte-cabbalr-2022.txt, ligne ")


def test_owners_are_resolved_to_the_catalogue_or_kept_as_written(reference):
    action = reference.actions.get(title__startswith="Etude exploratoire")
    owners = {o.name: o.category for o in action.owners.all()}
    assert owners["CA de Béthune-Bruay, Artois-Lys Romane"] == "EPCI"
    assert owners["AULA"] == Organisation.Category.INCONNU


def test_actions_are_attached_to_the_enjeu_named_above_them(reference):
    action = reference.actions.get(title__startswith="Aménagement du parking relais à Douvrin")
    assert action.priority.label.startswith("Réduire sensiblement la part modale")


def test_setup_demo_twice_keeps_the_data_and_duplicates_nothing(settings):
    settings.DEMO_MODE = True
    call_command("setup_demo", stdout=StringIO())
    action = Action.objects.get(title__startswith="Suivi-Animation OPAH-RU")
    action.maturity = Action.Maturity.ENGAGEE
    action.save()
    counts = (Commune.objects.count(), Organisation.objects.count(), Action.objects.count())
    call_command("setup_demo", stdout=StringIO())
    assert (Commune.objects.count(), Organisation.objects.count(), Action.objects.count()) == counts
    assert Action.objects.get(pk=action.pk).maturity == Action.Maturity.ENGAGEE
    assert Contract.objects.get(slug=REFERENCE_SLUG).is_published
    assert User.objects.filter(username="chef.projet").count() == 1
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Membership.Role.values)


def lines_of(contract, title):
    action = contract.actions.get(title__startswith=title)
    return [
        (
            line.funder.short_name or line.funder.name if line.funder else None,
            line.amount,
            line.share,
            line.is_annual,
            line.status,
            line.scheme.short_name or line.scheme.name if line.scheme else "",
        )
        for line in action.funding_lines.select_related("funder", "scheme").order_by("id")
    ]


D = Decimal


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Aménagement du parking relais à Douvrin",
            [
                ("CABBALR", None, D("0.3"), False, "prevu", ""),
                ("État", D("133890"), None, False, "prevu", ""),
                ("Région Hauts-de-France", None, D("0.5"), False, "en_instruction", ""),
            ],
        ),
        (
            "Aménagement du parking relais à Haisnes",
            [
                ("CABBALR", None, D("0.5"), False, "prevu", ""),
                ("État", None, D("0.5"), False, "prevu", "Fonds friches"),
            ],
        ),
        (
            "Seconde phase du schéma de déploiement",
            [
                ("CABBALR", D("384000"), None, False, "prevu", ""),
                ("État", D("127900"), D("0.25"), False, "prevu", ""),
            ],
        ),
        (
            "Suivi-Animation OPAH-RU",
            [
                ("CABBALR", D("150000"), None, False, "prevu", ""),
                ("ANAH", D("200000"), None, False, "prevu", ""),
                (None, D("50000"), None, False, "sous_reserve", ""),
            ],
        ),
        (
            "Chaine des Parcs-Canal d'Aire",
            [
                ("CABBALR", D("332000"), None, False, "prevu", ""),
                ("État", D("198000"), None, False, "prevu", ""),
                ("Région Hauts-de-France", D("550000"), None, False, "prevu", ""),
                ("CD62", D("40000"), None, False, "prevu", ""),
                ("LEADER", D("20000"), None, False, "prevu", ""),
            ],
        ),
        (
            "COTTRI",
            [
                ("CABBALR", None, D("0.3"), True, "prevu", ""),
                ("ADEME", None, D("0.7"), True, "prevu", ""),
            ],
        ),
        (
            "Guichet Unique Mobile",
            [
                ("CABBALR", None, D("0.5"), False, "prevu", ""),
                ("État", None, None, False, "demande", 'AAP "France services"'),
                ("CD62", None, None, False, "demande", ""),
            ],
        ),
        (
            "Contrat de Ville",
            [
                ("CABBALR", D("150000"), None, True, "prevu", ""),
                ("CABBALR", D("500000"), None, True, "prevu", ""),
            ],
        ),
    ],
)
def test_reference_financing_lines_exactly_as_written(reference, title, expected):
    assert lines_of(reference, title) == expected


def test_text_that_was_not_a_figure_is_kept_with_the_line(reference):
    ville = reference.actions.get(title="Contrat de Ville")
    notes = list(ville.funding_lines.order_by("id").values_list("note", flat=True))
    assert notes == ["appui aux structures", "soutien aux investissements des communes"]
    opah = reference.actions.get(title="Suivi-Animation OPAH-RU")
    assert opah.funding_lines.get(funder=None).note == "25 % du lot ACV"


def test_recovery_plan_credits_are_marked(reference):
    friche = reference.actions.get(title__startswith="Traitement de la friche")
    state = friche.funding_lines.get(funder__name="État")
    assert (state.amount, state.credit_type) == (D("343000"), "relance")
    assert state.scheme.short_name == "Fonds friches"


def test_programmes_and_pcaet_targets_are_imported(reference):
    programmes = {p.kind: p for p in reference.programmes.all()}
    assert len(programmes) == 16
    assert (programmes["ctg"].start_year, programmes["ctg"].end_year) == (2021, 2024)
    assert programmes["papi"].name.endswith("« Lys »")
    cte_partners = {o.short_name for o in programmes["cte"].partners.all()}
    assert cte_partners == {"État", "Région Hauts-de-France", "ADEME", "BDT", "CABBALR"}
    targets = {
        t.indicator.code: (t.year, t.relative_change)
        for t in Target.objects.filter(
            indicator__contract=reference, indicator__code__startswith="pcaet"
        ).select_related("indicator")
    }
    assert targets == {
        "pcaet-energie-finale": (2030, D("-0.13")),
        "pcaet-enr": (2030, D("4")),
        "pcaet-ges": (2030, D("-0.24")),
        "pcaet-polluants": (2030, D("-0.34")),
    }
