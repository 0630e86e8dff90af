"""Re-importing never corrupts: a financing line is its action's (financer, scheme),
whatever its year, so columns inserted or removed, years changed, rows reordered, a
financer taken out of a cell or an action gone never duplicate a line, never carry a
status to another financer, and removals are listed. The same file twice changes nothing.
A financing plan the import would leave over its action's cost refuses the import."""

from decimal import Decimal

import pytest
from django.apps import apps

from crte.actions.models import Action
from crte.core.formats import format_euros
from crte.finance.models import FundingLine
from crte.importers.pipeline import import_source
from crte.importers.tests.sheets import write_xlsx

pytestmark = pytest.mark.django_db

CABBALR = "200072460"
HEADER = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "Région", "Département", "État", "Année"]
PARKING = ["Béthune", "Parking relais", "100 000 €", "30 000 €", "20 000 €", "50 000 €", "2024"]
SCHOOL = ["Auchel", "École Jules Ferry", "200 000 €", "", "", "200 000 €", "2025"]


def run(tmp_path, rows, name="programmation.xlsx", **kwargs):
    path = write_xlsx(tmp_path / name, rows)
    return import_source(path=path, slug="crte-reimport", territory=CABBALR, **kwargs)


def lines_of(title):
    return {
        line.funder.name: (line.amount, line.status)
        for line in FundingLine.objects.filter(action__title=title).select_related("funder")
    }


@pytest.fixture
def imported(tmp_path):
    result = run(tmp_path, [HEADER, PARKING, SCHOOL])
    assert not result.report.errors, result.report.errors
    region = FundingLine.objects.get(action__title="Parking relais", funder__name="Région Hauts-de-France")
    region.status = FundingLine.Status.ACCORDE  # the Région's member granted it
    region.save()
    return result


def test_a_second_import_of_the_same_file_changes_nothing(tmp_path, imported):
    result = run(tmp_path, [HEADER, PARKING, SCHOOL])
    assert result.report.created == {} and result.report.updated == {}
    assert not [e for e in result.report.entries if e.code.endswith("-absente")]


def test_a_column_inserted_changes_nothing_else(tmp_path, imported):
    header = [*HEADER[:3], "ADEME", *HEADER[3:]]
    rows = [header, [*PARKING[:3], "", *PARKING[3:]], [*SCHOOL[:3], "", *SCHOOL[3:]]]
    result = run(tmp_path, rows)
    assert result.report.created.get("financement", 0) == 0 and not result.report.removed
    assert FundingLine.objects.filter(action__title="Parking relais").count() == 3
    assert lines_of("Parking relais")["Région Hauts-de-France"] == (Decimal("30000"), "accorde")
    total = sum(line.amount for line in FundingLine.objects.filter(action__title="Parking relais"))
    assert total == Decimal("100000")  # not 120 000: nothing duplicated


def test_a_column_removed_is_listed_and_removed_only_when_confirmed(tmp_path, imported):
    rows = [[c for i, c in enumerate(r) if i != 4] for r in (HEADER, PARKING, SCHOOL)]  # no Département
    result = run(tmp_path, rows)
    gone = [e for e in result.report.entries if e.code == "ligne-absente"]
    assert (
        len(gone) == 1
        and "Département du Pas-de-Calais" in gone[0].message
        and "20\u00a0000\u00a0€" in gone[0].message
    )
    assert "Département du Pas-de-Calais" in lines_of("Parking relais")  # kept until confirmed
    confirmed = run(tmp_path, rows, remove_missing=True)
    assert confirmed.report.removed == {"financement": 1}
    assert set(lines_of("Parking relais")) == {"Région Hauts-de-France", "État"}
    assert lines_of("Parking relais")["Région Hauts-de-France"] == (Decimal("30000"), "accorde")


def test_a_financer_taken_out_of_a_cell_never_passes_its_status_to_another(tmp_path):
    header = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "Autres financeurs", "Année"]
    run(tmp_path, [header, ["Béthune", "Voie verte", "100 000 €", "Région 30K€ CD62 20K€", "2024"]])
    region = FundingLine.objects.get(action__title="Voie verte", funder__name="Région Hauts-de-France")
    region.status = FundingLine.Status.ACCORDE
    region.save()
    result = run(tmp_path, [header, ["Béthune", "Voie verte", "100 000 €", "CD62 20K€", "2024"]])
    assert lines_of("Voie verte")["Département du Pas-de-Calais"] == (Decimal("20000"), "prevu")
    assert [e.code for e in result.report.entries if e.code == "ligne-absente"] == ["ligne-absente"]
    assert lines_of("Voie verte")["Région Hauts-de-France"] == (Decimal("30000"), "accorde")  # not moved


def test_an_action_gone_from_the_source_is_listed_then_removed_if_not_validated(tmp_path, imported):
    result = run(tmp_path, [HEADER, PARKING])
    gone = [e for e in result.report.entries if e.code == "action-absente"]
    assert [e.action for e in gone] == ["École Jules Ferry"]
    assert Action.objects.filter(title="École Jules Ferry").exists()
    validated = Action.objects.get(title="Parking relais")
    validated.maturity = "validee"
    validated.save()
    run(tmp_path, [HEADER, PARKING], remove_missing=True)
    assert not Action.objects.filter(title="École Jules Ferry").exists()
    result = run(tmp_path, [HEADER, SCHOOL], remove_missing=True)
    assert Action.objects.filter(title="Parking relais").exists()  # validated: a committee abandons it
    assert any(
        "décision du comité" in e.message for e in result.report.entries if e.action == "Parking relais"
    )


def test_the_preview_shows_each_change_field_by_field(tmp_path, imported):
    changed = [*PARKING[:2], "120 000 €", *PARKING[3:]]
    result = run(tmp_path, [HEADER, changed, SCHOOL], dry_run=True)
    amount = [
        c
        for c in result.report.changes
        if c.label == "Parking relais" and c.field == "montant prévisionnel HT (€)"
    ]
    assert [(c.before, c.after) for c in amount] == [("100\u00a0000", "120\u00a0000")]
    assert Action.objects.get(title="Parking relais").amount == Decimal("100000")  # a dry run writes nothing


# -- years changed, the same file twice, rows reordered, lines removed (issue 21, item 8) ---

COSTLY = ["Béthune", "Parking relais", "480 000 €", "150 000 €", "90 000 €", "240 000 €", "2024"]
LONG = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "Financeur", "Montant sollicité", "Année"]


def history_rows() -> dict[str, int]:
    """Rows of every history table (django-simple-history)."""
    return {
        model.__name__: model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    }


def financed(title) -> Decimal:
    return sum((line.amount for line in FundingLine.objects.filter(action__title=title)), Decimal(0))


def test_years_changed_update_the_lines_never_add_them(tmp_path):
    first = run(tmp_path, [HEADER, COSTLY, SCHOOL])
    assert not first.report.errors, first.report.errors
    region = FundingLine.objects.get(action__title="Parking relais", funder__name="Région Hauts-de-France")
    region.status = FundingLine.Status.ACCORDE
    region.save()
    ids = set(FundingLine.objects.values_list("pk", flat=True))
    before = FundingLine.history.count()
    shifted = [[*row[:6], "2025-2026"] for row in (COSTLY, SCHOOL)]
    result = run(tmp_path, [HEADER, *shifted])
    assert not result.report.errors, result.report.errors
    assert result.report.created == {}
    assert result.report.updated["financement"] == 4  # three lines of the parking, one of the school
    assert set(FundingLine.objects.values_list("pk", flat=True)) == ids  # the same lines
    assert financed("Parking relais") == Decimal("480000")  # not 960 000
    assert {(line.start_year, line.end_year) for line in FundingLine.objects.all()} == {(2025, 2026)}
    assert lines_of("Parking relais")["Région Hauts-de-France"] == (Decimal("150000"), "accorde")
    assert FundingLine.history.count() == before + 4  # each change kept in the history
    assert all(line.revision == 2 for line in FundingLine.objects.exclude(pk=region.pk))
    assert not [e for e in result.report.entries if e.code in ("ligne-absente", "sur-finance")]
    years = {(c.before, c.after) for c in result.report.changes if c.field == "année de début"}
    assert ("2024", "2025") in years  # a year as people write it


def test_amounts_rates_and_statuses_changed_update_the_matched_line(tmp_path):
    header = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "Autres financeurs", "Année"]
    run(tmp_path, [header, ["Béthune", "Voie verte", "100 000 €", "Région 30K€ CD62 20 %", "2024"]])
    ids = set(FundingLine.objects.values_list("pk", flat=True))
    result = run(tmp_path, [header, ["Béthune", "Voie verte", "100 000 €", "Région 40K€ CD62 25 %", "2023"]])
    assert result.report.created == {} and result.report.updated == {"action": 1, "financement": 2}
    assert set(FundingLine.objects.values_list("pk", flat=True)) == ids
    lines = {line.funder.name: line for line in FundingLine.objects.select_related("funder")}
    assert lines["Région Hauts-de-France"].amount == Decimal("40000")
    assert lines["Département du Pas-de-Calais"].share == Decimal("0.25")
    assert {line.start_year for line in lines.values()} == {2023}


def test_the_same_file_twice_changes_nothing_not_even_the_history(tmp_path):
    rows = [HEADER, COSTLY, SCHOOL]
    run(tmp_path, rows)
    before, revisions = history_rows(), list(FundingLine.objects.values_list("pk", "revision"))
    result = run(tmp_path, rows)
    assert not result.report.errors, result.report.errors
    assert result.report.created == {} and result.report.updated == {} and result.report.removed == {}
    assert result.report.changes == []
    assert history_rows() == before
    assert list(FundingLine.objects.values_list("pk", "revision")) == revisions


def test_the_same_document_twice_changes_nothing_not_even_the_history(tmp_path):
    from crte.importers.tests.test_other_contracts import as_format

    path = as_format(tmp_path, "cc-haut-leon-2023", "txt")
    first = import_source(path=path, slug="crte-hlc")
    assert not first.report.errors, first.report.errors
    assert FundingLine.objects.exists()
    before = history_rows()
    again = import_source(path=path, slug="crte-hlc")
    assert not again.report.errors, again.report.errors
    assert again.report.created == {} and again.report.updated == {} and again.report.changes == []
    assert history_rows() == before


def test_rows_reordered_change_no_line(tmp_path):
    long_rows = [
        ["Béthune", "Parking relais", "480 000 €", "Région Hauts-de-France", "150 000 €", "2024"],
        ["", "", "", "État", "240 000 €", ""],
        ["", "", "", "Département du Pas-de-Calais", "90 000 €", ""],
        ["Auchel", "École Jules Ferry", "200 000 €", "État", "200 000 €", "2025"],
    ]
    run(tmp_path, [LONG, *long_rows])
    lines = {
        (line.action.title, line.funder.name): line.pk
        for line in FundingLine.objects.select_related("action", "funder")
    }
    history = FundingLine.history.count()
    reordered = [
        ["Auchel", "École Jules Ferry", "200 000 €", "État", "200 000 €", "2025"],
        ["Béthune", "Parking relais", "480 000 €", "Département du Pas-de-Calais", "90 000 €", "2024"],
        ["", "", "", "État", "240 000 €", ""],
        ["", "", "", "Région Hauts-de-France", "150 000 €", ""],
    ]
    result = run(tmp_path, [LONG, *reordered])
    assert not result.report.errors, result.report.errors
    assert result.report.created == {} and "financement" not in result.report.updated
    assert result.report.unchanged["financement"] == 4
    after = {
        (line.action.title, line.funder.name): line.pk
        for line in FundingLine.objects.select_related("action", "funder")
    }
    assert after == lines and FundingLine.history.count() == history
    assert financed("Parking relais") == Decimal("480000")


def test_two_lines_of_one_financer_are_matched_in_source_order(tmp_path):
    rows = [
        ["Béthune", "Parking relais", "480 000 €", "Région Hauts-de-France", "120 000 €", "2024"],
        ["", "", "", "Région Hauts-de-France", "80 000 €", ""],
        ["", "", "", "État", "280 000 €", ""],
    ]
    run(tmp_path, [LONG, *rows])
    first, second = FundingLine.objects.filter(funder__name="Région Hauts-de-France").order_by("pk")
    first.status = FundingLine.Status.ACCORDE  # the 120 000 € were granted
    first.save()
    swapped = [
        ["Béthune", "Parking relais", "480 000 €", "Région Hauts-de-France", "80 000 €", "2024"],
        ["", "", "", "Région Hauts-de-France", "120 000 €", ""],
        ["", "", "", "État", "280 000 €", ""],
    ]
    result = run(tmp_path, [LONG, *swapped])
    assert result.report.created == {} and result.report.updated == {}  # each stays with its figures
    first.refresh_from_db()
    assert (first.amount, first.status) == (Decimal("120000"), "accorde")
    shifted = [[*swapped[0][:5], "2025"], ["", "", "", "Région Hauts-de-France", "100 000 €", ""], swapped[2]]
    result = run(tmp_path, [LONG, *shifted])
    assert result.report.created == {} and FundingLine.objects.count() == 3
    regions = FundingLine.objects.filter(funder__name="Région Hauts-de-France").order_by("pk")
    # 80 000 € is the second line still; the 100 000 € take the first's place, in source order
    assert [(line.amount, line.status, line.start_year) for line in regions] == [
        (Decimal("100000"), "accorde", 2025),
        (Decimal("80000"), "prevu", 2025),
    ]


def test_a_line_gone_is_listed_removed_when_confirmed_and_never_when_granted(tmp_path):
    rows = [
        ["Béthune", "Parking relais", "480 000 €", "Région Hauts-de-France", "150 000 €", "2024"],
        ["", "", "", "État", "240 000 €", ""],
        ["", "", "", "Département du Pas-de-Calais", "90 000 €", ""],
    ]
    run(tmp_path, [LONG, *rows])
    state = FundingLine.objects.get(funder__name="État")
    state.status = FundingLine.Status.ACCORDE
    state.save()
    fewer = [rows[0]]  # only the Région's line is left
    listed = run(tmp_path, [LONG, *fewer])
    gone = [e for e in listed.report.entries if e.code == "ligne-absente"]
    assert len(gone) == 2 and FundingLine.objects.count() == 3
    confirmed = run(tmp_path, [LONG, *fewer], remove_missing=True)
    assert confirmed.report.removed == {"financement": 1}
    assert set(lines_of("Parking relais")) == {"Région Hauts-de-France", "État"}  # granted: kept
    kept = [e for e in confirmed.report.entries if e.code == "ligne-absente"]
    assert len(kept) == 1 and "relève du financeur" in kept[0].message
    again = run(tmp_path, [LONG, *fewer], remove_missing=True)
    assert again.report.removed == {} and FundingLine.objects.count() == 2


def test_lines_of_an_earlier_version_keyed_by_year_are_matched_not_duplicated(tmp_path, imported):
    for line in FundingLine.objects.all():  # ids as the writer gave them before: with the year
        line.external_id = f"{line.external_id}-{line.action.start_year}"
        line.save()
    count = FundingLine.objects.count()
    result = run(tmp_path, [HEADER, [*PARKING[:6], "2025"], SCHOOL])
    assert result.report.created == {} and FundingLine.objects.count() == count
    assert financed("Parking relais") == Decimal("100000")


def test_lines_people_added_or_split_are_neither_matched_nor_listed(tmp_path, imported, client):
    from django.urls import reverse

    from crte.contracts.models import Membership
    from crte.contracts.tests.factories import MembershipFactory
    from crte.core.tests.factories import UserFactory

    parking = Action.objects.get(title="Parking relais")
    manager = UserFactory()
    MembershipFactory(user=manager, contract=parking.contract, role=Membership.Role.CHEF_PROJET)
    client.force_login(manager)
    state = FundingLine.objects.get(action=parking, funder__name="État")
    response = client.post(reverse("finance:funding_line_split", args=[state.pk]), {"part": "10000"})
    assert response.status_code == 302
    result = run(tmp_path, [HEADER, PARKING, SCHOOL], dry_run=True)
    assert not [e for e in result.report.entries if e.code == "ligne-absente"]
    # the split line kept, the État's line back to 50 000 €: the plan is over its cost
    (error,) = result.report.errors
    assert error.code == "sur-finance" and error.action == "Parking relais"


# -- a financing plan over its action's cost -------------------------------------------------


def test_a_file_whose_plan_exceeds_the_cost_is_refused_naming_action_cost_and_sum(tmp_path):
    over = ["Béthune", "Parking relais", "1 234 567,89 €", "300 000 €", "", "1 000 000 €", "2024"]
    result = run(tmp_path, [HEADER, over, SCHOOL], dry_run=True)
    (error,) = result.report.errors
    assert error.code == "sur-finance" and error.action == "Parking relais"
    assert "« Parking relais »" in error.message
    assert format_euros(Decimal("1234567.89")) in error.message  # the cost
    assert format_euros(Decimal("1300000")) in error.message  # the plan's sum
    assert format_euros(Decimal("65432.11")) in error.message  # by how much
    written = run(tmp_path, [HEADER, over, SCHOOL])
    assert written.report.errors and not written.report.written
    assert not Action.objects.exists()  # all or nothing


def test_lines_kept_from_before_count_and_the_import_is_refused_until_removed(tmp_path):
    header = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "Autres financeurs", "Année"]
    run(tmp_path, [header, ["Béthune", "Voie verte", "100 000 €", "Région 60K€ État 40K€", "2024"]])
    moved = [header, ["Béthune", "Voie verte", "100 000 €", "CD62 60K€ État 40K€", "2024"]]
    preview = run(tmp_path, moved, dry_run=True)
    (error,) = preview.report.errors
    assert format_euros(160000) in error.message and format_euros(100000) in error.message
    assert "absente(s) du fichier" in error.message
    refused = run(tmp_path, moved)
    assert not refused.report.written and set(lines_of("Voie verte")) == {"Région Hauts-de-France", "État"}
    confirmed = run(tmp_path, moved, remove_missing=True)
    assert not confirmed.report.errors and confirmed.report.written
    assert lines_of("Voie verte") == {
        "Département du Pas-de-Calais": (Decimal("60000"), "prevu"),
        "État": (Decimal("40000"), "prevu"),
    }


def test_a_line_per_year_counts_for_each_year_it_covers(tmp_path):
    header = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "État", "Année"]
    fits = ["Béthune", "Animation PCAET", "50 000 €/an", "50 000 €/an", "2024-2026"]
    assert not run(tmp_path, [header, fits]).report.errors
    over = ["Béthune", "Animation PCAET", "150 000 €", "60 000 €/an", "2024-2026"]
    (error,) = run(tmp_path, [header, over], dry_run=True).report.errors
    assert format_euros(180000) in error.message and "sur la durée du contrat" in error.message
    assert format_euros(150000) in error.message


def test_the_preview_offers_to_remove_the_absent_lines_that_put_a_plan_over_its_cost(
    client, manager, contract, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    client.force_login(manager)
    header = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "Autres financeurs", "Année"]

    def preview(rows, name):
        path = write_xlsx(tmp_path / name, [header, *rows])
        data = {"file": SimpleUploadedFile(path.name, path.read_bytes())}
        return client.post(reverse("importers:upload", args=[contract.slug]), data, follow=True)

    first = preview([["Béthune", "Voie verte", "100 000 €", "Région 60K€ État 40K€", "2024"]], "a.xlsx")
    client.post(reverse("importers:confirm", args=[contract.slug, first.context["token"]]))
    assert FundingLine.objects.count() == 2
    refused = preview([["Béthune", "Voie verte", "100 000 €", "CD62 60K€ État 40K€", "2024"]], "b.xlsx")
    page = refused.content.decode()
    assert "Fichier refusé" in page and "dépassement de 60\u00a0000\u00a0€" in page
    assert 'data-testid="remove-missing-form"' in page
    confirm = reverse("importers:confirm", args=[contract.slug, refused.context["token"]])
    client.post(confirm, {"remove_missing": "on"})  # what the form sends
    assert FundingLine.objects.count() == 2 and financed("Voie verte") == Decimal("100000")
    assert all(line.source_text.startswith("CD62") for line in FundingLine.objects.all())  # the new cell
