"""The column-mapping step: a person says what a column means, in the preview or in a
file; the import reads the table so, and the contract remembers it for next time."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from crte.actions.models import Action
from crte.importers.models import ColumnMapping
from crte.importers.pipeline import import_source
from crte.importers.tests.sheets import write_csv, write_xlsx
from crte.importers.understand.mapping import (
    CHOICES,
    FUNDING,
    IGNORE,
    OWN_FUNDING,
    Choice,
    MappingError,
    changed_choices,
    choice_of,
    meaning_of,
    read_mapping_file,
)

# Titles no synonym knows: the reader cannot find a title column by itself.
UNKNOWN = [
    ["Chantier", "Enveloppe", "Qui", "Remarque interne"],
    ["Voie verte du canal", "480 000", "Commune de Lens", "à revoir"],
    ["Chaufferie bois du collège", "1 250 000", "Département", ""],
]


# --- pure rules ---------------------------------------------------------------------------------


def test_a_choice_is_found_by_its_code_or_its_french_label():
    assert choice_of("intitule") == "intitule"
    assert choice_of("Intitulé de l'action") == "intitule"
    assert choice_of("IGNORER") == IGNORE
    assert choice_of("Autofinancement du maître d'ouvrage") == OWN_FUNDING
    assert choice_of("n'importe quoi") is None


def test_reader_fields_become_choices():
    assert meaning_of("financement") == FUNDING
    assert meaning_of("financement", own_funding=True) == OWN_FUNDING
    assert meaning_of("") == IGNORE
    assert meaning_of("montant") == "montant"
    assert meaning_of("inconnu") == IGNORE


def test_only_what_the_person_changed_is_kept():
    posted = [
        ("Chantier", "intitule", "", "ignorer|"),  # changed
        ("Enveloppe", "montant", "", "montant|"),  # as shown
        ("Qui", "financement", "  Région  ", "financement|"),  # funder added
        ("Autre", "maitre_ouvrage", "ignored text", "maitre_ouvrage|"),  # funder only for money
        ("", "intitule", "", "ignorer|"),  # no title
        ("Pirate", "<script>", "", "ignorer|"),  # not a choice
    ]
    assert changed_choices(posted) == {
        "chantier": Choice("intitule"),
        "qui": Choice(FUNDING, "Région"),
    }


def test_mapping_file_reads_codes_and_labels_with_either_delimiter():
    data = "colonne;champ;financeur\nChantier;intitule;\nEnveloppe;Montant de l'action (coût);\n"
    data += "Part CAF;financement;CAF\nNotes;ignorer;x\n\n"
    assert read_mapping_file(data.encode(), "colonnes.csv") == {
        "chantier": Choice("intitule"),
        "enveloppe": Choice("montant"),
        "part caf": Choice(FUNDING, "CAF"),
        "notes": Choice(IGNORE),
    }
    comma = "\ufeffColonne,Champ\nChantier,intitule\n".encode()
    assert read_mapping_file(comma, "c.csv") == {"chantier": Choice("intitule")}


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ("titre;sens\nChantier;intitule\n", "ligne 1"),
        ("colonne;champ\nChantier;intitule\nEnveloppe;coût total\n", "ligne 3, colonne « champ »"),
        ("colonne;champ\n;intitule\n", "ligne 2, colonne « colonne »"),
    ],
)
def test_a_wrong_mapping_file_says_where(data, where):
    with pytest.raises(MappingError) as error:
        read_mapping_file(data.encode(), "colonnes.csv")
    assert f"colonnes.csv, {where}" in str(error.value)


def test_a_mapping_file_in_another_encoding_is_refused_clearly():
    with pytest.raises(MappingError, match="UTF-8"):
        read_mapping_file("colonne;champ\nIntitulé;intitule\n".encode("cp1252"), "c.csv")


def test_every_choice_has_a_french_label():
    assert all(label and label[0].isupper() for label in CHOICES.values())


# --- the pipeline -------------------------------------------------------------------------------


@pytest.fixture
def unknown_table(tmp_path):
    return write_xlsx(tmp_path / "chantiers.xlsx", UNKNOWN)


def test_unknown_titles_are_refused_with_the_columns_to_map(contract, unknown_table):
    result = import_source(path=unknown_table, slug=contract.slug, dry_run=True)
    assert [e.code for e in result.report.errors] == ["colonnes"]
    assert str(result.report.errors[0].place) == "chantiers.xlsx, ligne 1"
    assert [(c.letter, c.header, c.meaning) for c in result.report.columns] == [
        ("A", "Chantier", IGNORE),
        ("B", "Enveloppe", "montant"),  # a known title, still no title column
        ("C", "Qui", IGNORE),
        ("D", "Remarque interne", IGNORE),
    ]


def test_chosen_columns_are_read_and_remembered_for_the_contract(contract, unknown_table, manager):
    columns = {
        "chantier": Choice("intitule"),
        "enveloppe": Choice("montant"),
        "qui": Choice("maitre_ouvrage"),
        "remarque interne": Choice(IGNORE),
    }
    result = import_source(path=unknown_table, slug=contract.slug, columns=columns, user=manager)
    assert not result.report.errors, result.report.errors
    actions = {a.title: a for a in Action.objects.filter(contract=contract)}
    assert actions["Voie verte du canal"].amount == Decimal("480000")
    assert actions["Chaufferie bois du collège"].amount == Decimal("1250000")
    # An ignored column by choice is said, not warned.
    ignored = [e for e in result.report.entries if e.code == "colonne-ignoree"]
    assert [(e.severity, str(e.place)) for e in ignored] == [("info", "chantiers.xlsx, ligne 1, colonne D")]
    kept = ColumnMapping.objects.get(contract=contract, header_key="chantier")
    assert (kept.header, kept.meaning, kept.updated_by) == ("Chantier", "intitule", manager)
    assert ColumnMapping.objects.filter(contract=contract).count() == 4
    # The next file of the same layout needs no mapping.
    again = import_source(path=unknown_table, slug=contract.slug, dry_run=True)
    assert not again.report.errors
    assert all(c.chosen for c in again.report.columns)


def test_a_dry_run_remembers_nothing(contract, unknown_table):
    import_source(
        path=unknown_table, slug=contract.slug, dry_run=True, columns={"chantier": Choice("intitule")}
    )
    assert not ColumnMapping.objects.exists()


def test_a_column_chosen_as_a_financer_funds_every_row(contract, tmp_path, funder):
    rows = [["Intitulé", "Coût", "Apport X"], ["Piste cyclable", "100 000", "40 000"]]
    path = write_csv(tmp_path / "prog.csv", rows)
    unread = import_source(path=path, slug=contract.slug, dry_run=True)
    assert any(e.code == "colonne-ignoree" and "Apport X" in e.message for e in unread.report.warnings)
    result = import_source(path=path, slug=contract.slug, columns={"apport x": Choice(FUNDING, funder.name)})
    line = Action.objects.get(contract=contract).funding_lines.get()
    assert (line.funder, line.amount) == (funder, Decimal("40000"))
    assert ("C", FUNDING, funder.name, True) in [
        (c.letter, c.meaning, c.funder, c.chosen) for c in result.report.columns
    ]


def test_a_column_chosen_as_own_funding_is_the_owners_line(contract, tmp_path, owner_org):
    rows = [["Intitulé", "Porteur", "Coût", "Mise de fonds"], ["Piste", owner_org.name, "100 000", "25 000"]]
    path = write_csv(tmp_path / "prog.csv", rows)
    import_source(path=path, slug=contract.slug, columns={"mise de fonds": Choice(OWN_FUNDING)})
    line = Action.objects.get(contract=contract).funding_lines.get()
    assert (line.funder, line.amount) == (owner_org, Decimal("25000"))


def test_a_choice_overrides_the_readers_guess(contract, tmp_path):
    rows = [["Intitulé", "Montant", "Coût estimé"], ["Piste", "100 000", "999"]]
    path = write_csv(tmp_path / "prog.csv", rows)
    import_source(path=path, slug=contract.slug, columns={"montant": Choice(IGNORE)})
    assert Action.objects.get(contract=contract).amount == Decimal("999")


def test_the_cli_reads_a_mapping_file(contract, unknown_table, tmp_path):
    mapping = tmp_path / "colonnes.csv"
    mapping.write_text("colonne;champ\nChantier;intitule\nEnveloppe;montant\n", encoding="utf-8")
    out = StringIO()
    call_command("import", str(unknown_table), contract=contract.slug, columns=str(mapping), stdout=out)
    assert Action.objects.filter(contract=contract).count() == 2
    assert set(ColumnMapping.objects.values_list("header_key", flat=True)) == {"chantier", "enveloppe"}
    mapping.write_text("colonne;champ\nChantier;titre\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"colonnes.csv, ligne 2, colonne « champ » : « titre » inconnu"):
        call_command("import", str(unknown_table), contract=contract.slug, columns=str(mapping), stdout=out)


# --- the preview page ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"


def test_the_preview_maps_columns_then_confirms(client, manager, contract, unknown_table):
    client.force_login(manager)
    data = {"file": SimpleUploadedFile(unknown_table.name, unknown_table.read_bytes())}
    page = client.post(reverse("importers:upload", args=[contract.slug]), data, follow=True)
    token = page.context["token"]
    shown = {c["header"]: c["meaning"] for c in page.context["s"]["columns"]}
    assert shown == dict.fromkeys(["Chantier", "Qui", "Remarque interne"], IGNORE) | {"Enveloppe": "montant"}
    posted = {"colonnes": "4"}
    for i, column in enumerate(page.context["s"]["columns"]):
        posted |= {
            f"entete_{i}": column["header"],
            f"lu_{i}": f"{column['meaning']}|",
            f"champ_{i}": column["meaning"],
        }
    posted |= {"champ_0": "intitule", "champ_1": "montant"}
    mapped = client.post(reverse("importers:map_columns", args=[contract.slug, token]), posted, follow=True)
    assert "Rien n'est encore enregistré" in mapped.content.decode()
    assert not ColumnMapping.objects.exists()  # kept with the contract only once confirmed
    client.post(reverse("importers:confirm", args=[contract.slug, token]))
    assert Action.objects.filter(contract=contract).count() == 2
    # only what the person changed is remembered (« Enveloppe » was already read as the cost)
    assert dict(ColumnMapping.objects.values_list("header_key", "meaning")) == {"chantier": "intitule"}


@pytest.mark.parametrize("persona", ["reader", "funder_member", "owner_member"])
def test_only_managers_map_columns(client, contract, persona, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("importers:map_columns", args=[contract.slug, "abc"])
    assert client.post(url, {"colonnes": "1"}).status_code in (403, 404)
