"""Reading the reference contract (crte/demo/data/crte-cabbalr-2022.txt)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crte.demo.reference import REFERENCE_DOCUMENT
from crte.importers.contract_document import clean_cell, is_heading, read_contract_document
from crte.importers.from_document import document_to_plan
from crte.importers.funding import FunderDirectory
from crte.importers.report import Report


@pytest.fixture(scope="module")
def doc():
    return read_contract_document(REFERENCE_DOCUMENT.read_text(encoding="utf-8"))


def test_reads_parties_and_signature(doc):
    assert doc.epci_short == "CABBALR"
    assert doc.signed_on == date(2022, 1, 21)
    assert (doc.duration_years, doc.start_year, doc.end_year) == (6, 2021, 2026)
    people = [(s.person, s.title) for s in doc.signatories]
    assert people[0] == ("Olivier GACQUERRE", "Président")
    assert people[1][0] == "Chantal AMBROISE"
    assert people[1][1].startswith("Sous-Préfète de Béthune")


def test_reads_the_seven_orientations_with_their_accents(doc):
    assert [o.name for o in doc.orientations] == [
        "Se déplacer",
        "Habiter",
        "Travailler",
        "S'approvisionner",
        "Être en forme",
        "Apprendre",
        "S'épanouir",
    ]


def test_reads_the_enjeux_prioritaires_whole(doc):
    counts = {o.name: len(o.priorities) for o in doc.orientations}
    assert counts == {
        "Se déplacer": 4,
        "Habiter": 5,
        "Travailler": 8,
        "S'approvisionner": 6,
        "Être en forme": 6,
        "Apprendre": 6,
        "S'épanouir": 5,
    }
    habiter = doc.orientations[1].priorities[0]
    # An item broken over two lines by the conversion is joined back.
    assert habiter.startswith("« L'habitat de demain »")
    assert habiter.endswith("familles monoparentales...)")


def test_programming_lists_keep_items_that_start_with_the_word_programmation(doc):
    habiter, epanouir = doc.orientations[1], doc.orientations[6]
    assert "Programmation NPNRU de Béthune et Bruay-La-Buissière" in habiter.programme_now
    assert len(habiter.programme_now) == 9
    assert len(habiter.programme_later) == 5
    assert len(epanouir.programme_now) == 3


def test_reads_the_41_annex_rows(doc):
    assert len(doc.annex_rows) == 41
    first = doc.annex_rows[0]
    assert first.orientation == "SE DEPLACER"
    assert first.owners == ["CABBALR"]
    assert first.title == "Aménagement du parking relais à Douvrin Gare de la Bassée-Violaines"
    assert (first.amount_text, first.text_of("CABBALR"), first.text_of("ETAT")) == (
        "700K€",
        "30 %",
        "133,89K€",
    )
    assert first.text_of("autres financeurs") == "Région 50% (en cours d'examen)"
    assert first.calendar_text == "Fin 2021"


def row_titled(doc, prefix):
    return next(r for r in doc.annex_rows if r.title.startswith(prefix))


@pytest.mark.parametrize(
    ("title", "owners", "amount", "calendar"),
    [
        ("Etude exploratoire", ["CABBALR", "AULA"], "200K€", "2022"),
        ("Suivi-Animation OPAH-RU", ["CABBALR"], "400K€ globalisé", "2022-2027"),
        ("Programme d'Intérêt Général", ["CABBALR"], "6,5M€/an", "en cours"),
        ("ERBM-1er triennal", ["Communes"], "Programme en cours de finalisation", "fin 2022"),
        ("Programmation NPRU", ["CABBALR", "Communes"], "progammation validée 57,8M€", "2021-2026"),
        (
            "Territoires d'industrie",
            ["CABBALR", "Entreprises", "Acteurs économiques"],
            "Montant global intégrant l'ensemble des projets d'investissement privés",
            "pourrsuite du programme",
        ),
        (
            "Gouvernance du numérique",
            ["CABBALR"],
            "Phase 1 : 60K€ Phase 2: à déterminer",
            "2021-2022",
        ),
        ("Politique intercommunale du commerce", ["CABBALR"], "300K€/an", "2021 (en cours3)"),
        ("Contrat de Ville", ["CABBALR", "Communes"], "", "2015-2022"),
        ("Convention Territoriale Globale", ["CABBALR"], "en cours de définition", "2021"),
    ],
)
def test_annex_rows_field_by_field(doc, title, owners, amount, calendar):
    row = row_titled(doc, title)
    assert (row.owners, row.amount_text, row.calendar_text) == (owners, amount, calendar)


def test_annex_financing_cells_are_kept_as_written(doc):
    chaine = row_titled(doc, "Chaine des Parcs-Canal")
    assert chaine.text_of("autres financeurs") == "Région 550K€ CD62 40K€ 20K€ (Leader)"
    ville = row_titled(doc, "Contrat de Ville")
    assert ville.text_of("ETAT").startswith("150K€ (CABBALR)/an- appui aux structures")


def test_clean_cell_removes_markup():
    assert clean_cell("<u>Aménagement du pôle</u>  **gare**") == "Aménagement du pôle gare"
    assert clean_cell("ERBM-1^{er} triennal") == "ERBM-1er triennal"


def test_is_heading_accepts_capital_lines_only():
    assert is_heading("S'EPANOUIR")
    assert not is_heading("Programmation 2022")
    assert not is_heading("PROGRAMMATION 2022")


@pytest.mark.parametrize(
    ("sentence", "years", "signed"),
    [
        ("La durée de ce contrat est de deux ans.", 2, None),
        ("La durée de ce contrat est de 6 ans.", 6, None),
        ("La durée de ce contrat est de 600 ans.", None, None),
        ("Fait à Arras, le 31 juin 2022", None, None),
        ("Fait à Arras, Le 1er juillet 2022", None, "2022-07-01"),
    ],
)
def test_durations_and_dates_in_words_never_crash_the_reader(sentence, years, signed):
    doc = read_contract_document(f"CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE\n{sentence}\n")
    assert doc.duration_years == years
    assert (str(doc.signed_on) if doc.signed_on else None) == signed


LINE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "Article 3",
            "ARTICLE III",
            "Axe 1 : Mobilités",
            "SE DÉPLACER",
            "Programmation 2022",
            "Les enjeux prioritaires",
            "- une action",
            "La durée de ce contrat est de trois ans",
            "Fait le 31 février 2023",
            "Représentée par **Jean DUPONT**, Président",
        ]
    ),
    st.lists(
        st.text(alphabet=st.characters(blacklist_characters="\t\n"), max_size=20), min_size=2, max_size=9
    ).map("\t".join),
)


@given(st.lists(LINE, max_size=40))
def test_the_document_reader_never_crashes(lines):
    """From text to plan: random lines, random tables, random dates and durations."""
    header = "Maitre d'ouvrage\tOpération\tContenu\tMontant\tEPCI\tETAT\tautres\tAnnée"
    for text in ("\n".join(lines), "\n".join([header, *lines])):
        document_to_plan(
            read_contract_document(text), FunderDirectory({"Région": "Région"}), "x.txt", Report()
        )


@pytest.mark.parametrize(
    ("text", "signed", "years"),
    [
        ("Fait à Morlaix, le 15 mars 2023\n", "2023-03-15", (None, None)),
        ("Le 3 février 2021 à Lens.\nFait à Lens, le 4 février 2021", "2021-02-04", (None, None)),
        ("Signé le 21/01/2022", "2022-01-21", (None, None)),
        ("La durée de ce contrat est de six ans à compter de 2021.", None, (2021, 2026)),
        ("pour les années 2023 à 2026", None, (2023, 2026)),
    ],
)
def test_signature_and_period_wherever_and_however_written(text, signed, years):
    doc = read_contract_document(text)
    assert (str(doc.signed_on) if doc.signed_on else None) == signed
    assert (doc.start_year, doc.end_year) == years


@pytest.mark.parametrize("article", ["Article 3 – Stratégie", "ARTICLE III", "Art. 3", "# Article 3"])
def test_strategy_articles_and_numbered_axes(article):
    text = "\n".join(
        [
            article,
            "Axe 1 : Mieux se déplacer",
            "Orientation stratégique n° 2 – Mieux se loger",
            "Article 4",
            "x",
        ]
    )
    assert [o.name for o in read_contract_document(text).orientations] == [
        "Mieux se déplacer",
        "Mieux se loger",
    ]
