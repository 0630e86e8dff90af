import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from crte.actions.tests.factories import ActionFactory
from crte.demo.reference import load_reference_contract, load_reference_data
from crte.importers.tests.sheets import write_xlsx
from crte.indicators.models import Indicator, Measurement, Target
from crte.reports.dashboard import dashboard_figures
from crte.reports.evaluation import create_evaluation, evaluation_docx, evaluation_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def ghg(contract):
    indicator = Indicator.objects.create(
        contract=contract,
        code="ges",
        name="Émissions de GES",
        unit="teq CO2",
        direction="baisse",
        baseline_year=2017,
        baseline_value=Decimal("1000000"),
    )
    Target.objects.create(indicator=indicator, year=2030, relative_change=Decimal("-0.24"))
    return indicator


def test_reference_contract_figures_are_real_values_sourced_to_the_contract(db):
    load_reference_data()
    contract, _ = load_reference_contract()
    station = Measurement.objects.get(
        indicator__contract=contract, indicator__name__contains="fréquentation des gares de Béthune"
    )
    assert (station.date, station.value, station.is_demo) == (date(2015, 1, 1), Decimal("6500"), False)
    assert station.source.startswith("Contrat signé le 21/01/2022")
    car = Measurement.objects.get(indicator__contract=contract, indicator__code="deplacements")
    assert (car.value, car.date) == (Decimal("70"), date(2022, 1, 21))
    bornes = Target.objects.get(indicator__contract=contract, indicator__code="bornes")
    assert (bornes.year, bornes.value) == (2024, Decimal("100"))


def test_manager_enters_a_value_and_the_trajectory_status_follows(client, manager, ghg):
    client.force_login(manager)
    url = ghg.get_absolute_url()
    response = client.post(url, {"date": "2023-07-03", "value": "900000", "source": "Observatoire"})
    assert response.status_code == 302
    page = client.get(url)
    assert page.context["row"]["status_label"] == "En retard"
    client.post(url, {"date": "2023-07-03", "value": "870000", "source": "Observatoire, correction"})
    assert client.get(url).context["row"]["status_label"] == "Dans la trajectoire"
    measurement = Measurement.objects.get(indicator=ghg)
    assert measurement.entered_by == manager
    assert [h.value for h in measurement.history.order_by("history_date")] == [
        Decimal("900000"),
        Decimal("870000"),
    ]


def test_reader_cannot_enter_values_and_outsider_gets_404(client, reader, outsider, ghg):
    client.force_login(reader)
    data = {"date": "2023-01-01", "value": "1", "source": "x"}
    assert client.post(ghg.get_absolute_url(), data).status_code == 403
    assert not Measurement.objects.exists()
    client.force_login(outsider)
    assert client.get(ghg.get_absolute_url()).status_code == 404


def test_values_import_is_all_or_nothing(client, manager, contract, ghg, tmp_path, settings):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    client.force_login(manager)
    url = reverse("importers:values_upload", args=[contract.slug])
    bad = write_xlsx(
        tmp_path / "valeurs.xlsx",
        [
            ["Indicateur", "Année", "Valeur", "Source"],
            ["ges", 2021, 950000, "Atmo"],
            ["inconnu", 2021, 1, "x"],
        ],
    )
    with bad.open("rb") as handle:
        page = client.post(url, {"file": handle}, follow=True).content.decode()
    assert "Indicateur inconnu : « inconnu »" in page and "ligne 3" in page
    assert not Measurement.objects.exists()
    good = write_xlsx(
        tmp_path / "ok.xlsx", [["Indicateur", "Année", "Valeur", "Source"], ["ges", 2021, 950000, "Atmo"]]
    )
    with good.open("rb") as handle:
        done = client.post(url, {"file": handle}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("indicators:indicator_list", args=[contract.slug])
    assert Measurement.objects.get(indicator=ghg).date == date(2021, 1, 1)


def test_manager_creates_a_custom_indicator_with_a_target(client, manager, contract, action):
    client.force_login(manager)
    data = {
        "name": "Places de stationnement vélo",
        "unit": "places",
        "direction": "hausse",
        "level": "action",
        "action": action.pk,
        "baseline_year": "2022",
        "baseline_value": "120",
        "target_year": "2026",
        "target_value": "400",
    }
    assert client.post(reverse("indicators:indicator_create", args=[contract.slug]), data).status_code == 302
    indicator = Indicator.objects.get(contract=contract, name="Places de stationnement vélo")
    assert indicator.action == action and indicator.targets.get().value == Decimal("400")
    assert action.readiness()[3].ok  # Art. 4-2: the action now has an indicator


def test_dashboard_query_count_does_not_grow_with_actions(
    client, reader, contract, orientation, ghg, django_assert_max_num_queries
):
    client.force_login(reader)
    url = reverse("reports:dashboard", args=[contract.slug])
    ActionFactory(orientation=orientation)
    with django_assert_max_num_queries(60) as before:
        client.get(url)
    ActionFactory.create_batch(40, orientation=orientation)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert response.context["figures"]["completion"]["total"] == 41


@pytest.mark.pdf
def test_the_evaluation_report_equals_the_dashboard_on_the_same_date(db, client):
    load_reference_data()
    contract, _ = load_reference_contract()
    today = timezone.localdate()
    report = create_evaluation(contract, today.year, as_of=today)
    figures = dashboard_figures(contract, as_of=today)
    assert report.figures["completion"]["total"] == figures["completion"]["total"]
    frozen = {k: Decimal(v) for k, v in report.figures["financing"]["totals"].items()}
    assert frozen == figures["financing"]["totals"]
    docx = Document(io.BytesIO(evaluation_docx(report)))
    assert f"{figures['completion']['total']} actions suivies" in "\n".join(p.text for p in docx.paragraphs)
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(evaluation_pdf(report))).pages).split()
    )
    assert f"{figures['completion']['total']} actions suivies" in text
    # Later changes do not touch the frozen report.
    contract.actions.update(maturity="achevee")
    report.refresh_from_db()
    assert report.figures["completion"]["done_rate"] in (None, "0")


def test_dashboard_as_of_a_past_date_reads_the_history(db, manager, ready_action):
    from datetime import timedelta

    yesterday = timezone.localdate() - timedelta(days=1)
    contract = ready_action.contract
    assert dashboard_figures(contract, as_of=yesterday)["completion"]["total"] == 0  # did not exist yet
    today = dashboard_figures(contract)["completion"]
    assert today["total"] == 1


def test_dashboard_of_one_orientation_on_a_past_date(db, contract, orientation):
    from datetime import timedelta

    from crte.actions.models import Action
    from crte.contracts.tests.factories import OrientationFactory

    other = OrientationFactory(contract=contract, name="Se loger")
    ActionFactory.create_batch(2, orientation=orientation)
    ActionFactory(orientation=other)
    long_ago = timezone.now() - timedelta(days=10)
    Action.history.filter(contract_id=contract.pk).update(history_date=long_ago)
    past = timezone.localdate() - timedelta(days=5)
    assert dashboard_figures(contract, as_of=past, orientation=orientation)["completion"]["total"] == 2
    assert dashboard_figures(contract, as_of=past, orientation=other)["completion"]["total"] == 1
    assert dashboard_figures(contract, as_of=past)["completion"]["total"] == 3


def test_manager_establishes_an_evaluation_that_readers_open(
    client, manager, reader, outsider, contract, ghg
):
    client.force_login(manager)
    response = client.post(reverse("reports:evaluation_create", args=[contract.slug]), {"year": "2024"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Évaluation annuelle 2024" in page.content.decode()
    client.force_login(reader)
    assert client.get(response["Location"]).status_code == 200
    assert (
        client.post(reverse("reports:evaluation_create", args=[contract.slug]), {"year": "2024"}).status_code
        == 403
    )
    client.force_login(outsider)
    assert client.get(response["Location"]).status_code == 404
    assert client.get(reverse("reports:evaluation_detail", args=[999])).status_code == 404


def test_a_value_dated_in_the_future_is_refused(client, manager, ghg):
    client.force_login(manager)
    response = client.post(ghg.get_absolute_url(), {"date": "2099-01-01", "value": "1", "source": "x"})
    assert "futur" in " ".join(response.context["form"].errors["date"])
    assert not ghg.measurements.exists()


def test_a_value_is_deleted_and_stays_in_the_history(client, manager, reader, ghg):
    client.force_login(manager)
    client.post(ghg.get_absolute_url(), {"date": "2023-01-01", "value": "1 200", "source": "Observatoire"})
    measurement = ghg.measurements.get()
    assert measurement.value == Decimal("1200")
    url = reverse("indicators:measurement_delete", args=[measurement.pk])
    client.force_login(reader)
    assert client.post(url).status_code == 403
    client.force_login(manager)
    assert client.post(url).status_code == 302
    assert not ghg.measurements.exists()
    assert Measurement.history.filter(id=measurement.pk, history_type="-").exists()


def test_counts_show_without_decimals_and_fractions_as_written():
    from crte.core.formats import format_quantity

    assert format_quantity(Decimal("430.000000")) == "430"
    assert format_quantity(Decimal("12.50")) == "12,5"
    assert format_quantity(Decimal("1234567.125")) == "1\u00a0234\u00a0567,125"
    assert format_quantity(None) == ""
