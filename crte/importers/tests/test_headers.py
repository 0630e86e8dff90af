"""Which field a column title means, for titles written in other layouts than ours."""

import pytest

from crte.importers.understand.headers import MAPPER, SIMILAR, HeaderMapper, header_key, load_synonyms


def test_titles_compare_without_accents_case_punctuation_or_snake_case():
    assert header_key("  Coût_total H.T. (€) ") == "cout total h t"
    assert header_key("Maîtres d’ouvrage") == "maitres d ouvrage"
    assert header_key(" % ") == "%"  # a title of signs alone keeps its signs
    assert header_key("   ") == ""


@pytest.fixture
def mapper():
    return HeaderMapper(
        {
            "montant": "montant",
            "cout": "montant",
            "montant sollicite": "subvention",
            "financeur": "financeur",
            "nom du financeur": "financeur_nom",
            "d": "lettre",  # a one-letter synonym is matched whole only
            "porteur": "maitre_ouvrage",
        }
    )


def test_the_exact_title_first(mapper):
    assert mapper.field("Montant") == "montant"
    assert mapper.field("MONTANT SOLLICITÉ") == "subvention"
    assert mapper.field("d") == "lettre"
    assert mapper.field("") == "" and mapper.field(" - ") == ""


def test_a_title_holding_every_word_of_a_synonym_the_most_specific_wins(mapper):
    assert mapper.field("Montant sollicité (€)") == "subvention"  # 2 words beat 1
    assert mapper.field("Coût du projet") == "montant"
    assert mapper.field("Montant du coût") == "montant"
    assert mapper.field("Nom du financeur principal") == "financeur_nom"
    assert mapper.field("Lot d") == ""  # a one-letter synonym inside a title means nothing
    assert mapper.field("Sollicité montant") == "subvention"  # the same words, in another order
    assert MAPPER.field("MO principal") == "maitre_ouvrage"  # two letters are enough


def test_a_title_starting_with_a_synonym_s_head_noun_wins_over_a_longer_one(mapper):
    # « Porteur … financeur »: both synonyms are in the title; the first word decides
    assert mapper.field("Porteur ou financeur") == "maitre_ouvrage"
    assert mapper.field("Financeur ou porteur") == "financeur"
    # same first word: the synonym with more words, then the longer one
    two_words = HeaderMapper({"montant": "a", "montant sollicite": "b", "sollicite": "c"})
    assert two_words.field("Sollicité montant") == "c"
    assert two_words.field("Montant sollicité en 2023") == "b"
    spelled = HeaderMapper({"cout": "court", "cout ttc": "ttc", "coutttc": "x"})
    assert spelled.field("Cout TTC estimé") == "ttc"
    longer = HeaderMapper({"cout a": "court", "cout abc": "long"})
    assert longer.field("Cout abc a") == "long"


def test_a_close_spelling_is_accepted_a_distant_one_is_not(mapper):
    assert mapper.field("Financeurr") == "financeur"  # a typing slip
    assert mapper.field("Finanseur") == ""  # 89 of 100: too far
    assert mapper.field("Montnat sollicté") == "subvention"
    assert mapper.field("Commentaires") == ""
    assert SIMILAR == 90


def test_synonyms_are_read_from_a_file_of_fields_and_titles(tmp_path):
    path = tmp_path / "colonnes.csv"
    path.write_text("champ,libelles\nmontant,Montant|Coût HT||%\nintitule,Intitulé\n", encoding="utf-8")
    assert load_synonyms(path) == {
        "montant": "montant",
        "cout ht": "montant",
        "%": "montant",
        "intitule": "intitule",
    }


@pytest.mark.parametrize(
    ("title", "field"),
    [
        ("Nom du bénéficiaire", "maitre_ouvrage"),
        ("numero_dossier_ds", "identifiant"),
        ("Axe stratégique", "orientation"),
        ("Maîtrise d'ouvrage", "maitre_ouvrage"),
        ("Intitulé du projet", "intitule"),
        ("Observations diverses", ""),
    ],
)
def test_the_platform_s_synonyms_read_other_layouts(title, field):
    assert MAPPER.field(title) == field
