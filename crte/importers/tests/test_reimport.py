"""Re-importing never corrupts: a financing line is its action's (financer, scheme, year),
so columns inserted or removed, a financer taken out of a cell or an action gone never
duplicate a line, never carry a status to another financer, and removals are listed."""

from decimal import Decimal

import pytest

from crte.actions.models import Action
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
