"""Figures stated in a contract's text, found by one rule (a number with its unit next to
what it measures), on sentences written unlike the reference contract."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crte.importers.understand.figures import (
    _excerpt,
    is_table_row,
    load_directions,
    load_known_targets,
    phrase_after,
    phrase_before,
    read_figures,
    sentences,
    table_cells,
    wanted_direction,
    word_set,
)


def facts_of(text: str) -> dict[str, tuple]:
    facts, _ = read_figures(text)
    return {f.code: (f.value, f.unit, f.year, f.is_target, f.direction) for f in facts}


def test_counted_things_with_what_they_are():
    text = "Le territoire du Pays de Morlaix rassemble 61 communes et 128 000 habitants sur 1 300 km²."
    assert facts_of(text) == {
        "communes": (Decimal("61"), "communes", None, False, "maintien"),
        "habitants": (Decimal("128000"), "habitants", None, False, "maintien"),
    }


def test_a_share_measures_what_follows_it_or_what_precedes_it():
    text = (
        "Sur l'île, 62,5 % des actifs travaillent hors de leur commune de résidence. "
        "Le taux de chômage reste élevé (18,4 %) malgré une baisse récente."
    )
    facts, _ = read_figures(text)
    by_code = {f.code: f for f in facts}
    assert (by_code["actifs"].value, by_code["actifs"].unit, by_code["actifs"].name) == (
        Decimal("62.5"),
        "%",
        "Part : actifs",
    )
    chomage = by_code["taux-de-chomage"]
    assert (chomage.value, chomage.direction) == (Decimal("18.4"), "baisse")
    assert "18,4 %" in chomage.text


def test_a_measure_unit_and_a_dated_figure():
    text = "Le réseau compte 212 km de pistes cyclables en 2023, contre 150 km en 2019."
    assert facts_of(text) == {"pistes-cyclables": (Decimal("212"), "km", 2023, False, "maintien")}


def test_a_commitment_has_its_horizon():
    text = (
        "La collectivité s'engage à installer 40 bornes de recharge d'ici 2026 sur l'ensemble des communes."
    )
    assert facts_of(text) == {"bornes-de-recharge": (Decimal("40"), "bornes", 2026, True, "hausse")}


def test_figures_per_year_keep_their_rhythm():
    text = "Le programme local de l'habitat vise la production de 450 logements par an sur la période."
    assert facts_of(text)["logements"][:2] == (Decimal("450"), "logements/an")


@pytest.mark.parametrize(
    "text",
    [
        "Le contrat est signé le 12 mars 2023 pour une durée de 6 ans.",
        "L'article 4 fixe les engagements ; voir l'annexe 2 et l'axe 3.",
        "La période 2021-2026 couvre le mandat, jusqu'en 2026.",
        "La Région apporte 1 200 000 € et le Département 350 k€ au projet de médiathèque.",
        "Le débit passe à 2 h30 de trajet vers la métropole régionale.",
        "Le coût est de 12,5 millions d'euros pour la tranche 2 du programme.",
    ],
)
def test_dates_durations_articles_money_and_ranges_are_not_figures(text):
    assert facts_of(text) == {}


def test_a_comparison_keeps_the_territorys_figure_not_the_reference():
    text = "Le taux de pauvreté atteint 21 % contre 14 % en moyenne nationale dans le département."
    assert list(facts_of(text)) == ["taux-de-pauvrete"]
    assert facts_of(text)["taux-de-pauvrete"][0] == Decimal("21")


def test_relative_targets_are_tied_to_the_national_catalogue():
    text = (
        "Le plan climat vise, à l'horizon 2035, une baisse de 40 % des émissions de gaz à effet de serre "
        "par rapport à 2015, une hausse de 60 % de la production d'énergies renouvelables et la "
        "réduction de 20 % des consommations d'énergie."
    )
    _, targets = read_figures(text)
    found = {t.code: (t.catalogue_id, t.year, t.relative_change, t.direction) for t in targets}
    assert found == {
        "pcaet-ges": ("crte_1.1", 2035, Decimal("-0.4"), "baisse"),
        "pcaet-enr": ("crte_3.1", 2035, Decimal("0.6"), "hausse"),
        "pcaet-energie-finale": ("crte_2.1", 2035, Decimal("-0.2"), "baisse"),
    }


def test_a_signed_change_against_a_base_year_and_a_multiplication():
    text = (
        "D'ici 2030, le territoire vise une diminution de la consommation énergétique (-15 %/2012) et "
        "la multiplication par 3 de la production d'EnR."
    )
    _, targets = read_figures(text)
    found = {t.code: (t.relative_change, t.baseline_year, t.year) for t in targets}
    assert found == {
        "pcaet-energie-finale": (Decimal("-0.15"), 2012, 2030),
        "pcaet-enr": (Decimal("2"), None, 2030),
    }


def test_a_change_of_something_the_catalogue_does_not_know_keeps_its_words():
    _, targets = read_figures("À l'horizon 2030, la réduction de 50 % des déchets ménagers résiduels.")
    assert [(t.code, t.name, t.relative_change, t.catalogue_id) for t in targets] == [
        ("cible-dechets-menagers-residuels", "Déchets ménagers résiduels", Decimal("-0.5"), "")
    ]


def test_table_rows_bring_only_commitments():
    text = "Commune de Lens\tBornes\tDisposer de 25 bornes d'ici 2025 sur les parkings\t120 000 €\t30 %\n"
    assert facts_of(text) == {"bornes": (Decimal("25"), "bornes", 2025, True, "hausse")}


def test_phrases_around_a_figure():
    assert phrase_after("trajets domicile-travail se font en voiture") == "trajets domicile-travail"
    assert phrase_after("sites ou sols pollués référencés, constituent") == "sites ou sols pollués référencés"
    assert phrase_before("une croissance de la motorisation des ménages qui atteint") == (
        "croissance de la motorisation des ménages"
    )
    assert phrase_before("le taux de mortalité reste supérieur à celui de la moyenne nationale (") == (
        "taux de mortalité"
    )
    assert phrase_before("la population de l'agglomération représente") == "population de l'agglomération"


def test_wanted_direction_is_data():
    assert wanted_direction("taux de chômage", False) == "baisse"
    assert wanted_direction("bornes de recharge", True) == "hausse"
    assert wanted_direction("habitants", False) == "maintien"


@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.%()/-–km²éàabcdeilnorstu€\t|\n'")), max_size=300))
def test_any_text_reads_without_an_exception(text):
    facts, targets = read_figures(text)
    assert all(f.code and f.value >= 0 for f in facts)
    assert all(t.code for t in targets)


# --- the rules one by one, on sentences of other territories --------------------------------


def test_lists_of_words_and_targets_are_read_from_their_files(tmp_path):
    assert word_set("ans  mois\tans") == frozenset({"ans", "mois"})
    targets = tmp_path / "cibles.csv"
    targets.write_text(
        "code,catalogue,nom,unite,sens,mots\nhaies,cat_9,Linéaire de haies,km,hausse,haies?|bocage\n",
        encoding="utf-8",
    )
    [known] = load_known_targets(targets)
    assert (known.code, known.catalogue_id, known.name, known.unit, known.direction) == (
        "haies",
        "cat_9",
        "Linéaire de haies",
        "km",
        "hausse",
    )
    assert known.words.search("lineaire de haie") and known.words.search("le bocage")
    assert not known.words.search("bocages") and not known.words.search("ahaies")  # whole words
    directions = tmp_path / "sens.csv"
    directions.write_text("mots,sens\npollu|friche,baisse\nboise,hausse\n", encoding="utf-8")
    [(falling, way), (rising, other)] = load_directions(directions)
    assert (way, other) == ("baisse", "hausse")
    assert falling.search("sols pollues") and falling.search("friches")  # a word's start is enough
    assert not falling.search("depollution") and rising.search("surfaces boisees")


def test_sentences_are_the_running_text_headings_and_tables_left():
    text = (
        "Partie deux du diagnostic\n"
        "Le territoire compte cinq communes rurales. Il vit ; bien !\n"
        "Une ligne | de tableau | avec cinq mots ou plus\n"
        "Une ligne | pas de tableau, une barre\n"
    )
    assert sentences(text) == [
        "Le territoire compte cinq communes rurales.",
        "Il vit ;",
        "bien !",
        "Une ligne | pas de tableau, une barre",
    ]
    assert sentences("Cinq mots sur cette ligne\nEt encore cinq mots ici") == [
        "Cinq mots sur cette ligne",
        "Et encore cinq mots ici",
    ]
    assert is_table_row("a\tb") and is_table_row("a | b | c") and not is_table_row("a | b")
    assert table_cells("un deux trois quatre\tun deux trois quatre cinq | six") == [
        "un deux trois quatre cinq"
    ]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Les trajets domicile-travail", "trajets domicile-travail"),  # « Les », not « Le » + s
        ("salariés travaillent ici", "salariés"),  # « sa » is no determiner inside a word
        ("l’habitat indigne", "habitat indigne"),
        ("véhicules roulant au gaz", "véhicules"),  # a present participle ends the phrase
        ("enfant scolarisé", "enfant scolarisé"),  # six letters: a noun
        ("foyers vivent seuls", "foyers"),  # « -ent »: a verb
        ("jours de vent fort", "jours de vent fort"),  # four letters: a noun
        ("logement social", "logement social"),  # « -ment »: a noun
        ("logements 2020 rénovés", "logements"),  # a year ends the phrase
        ("- logements -", "logements"),
        (
            "vélos bleus rouges verts jaunes blancs noirs gris roses",
            "vélos bleus rouges verts jaunes blancs noirs gris",
        ),
    ],
)
def test_what_follows_a_figure(text, phrase):
    assert phrase_after(text) == phrase


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("la part des ménages (hors étudiants", "part des ménages"),  # a bracket still open
        ("la part des ménages (hors étudiants) qui", "part des ménages (hors étudiants)"),
        ("le parc de logements, dont la vacance atteint", "vacance"),
        ("la vacance qui atteint près de", "vacance"),
        ("- le taux de pauvreté -", "taux de pauvreté"),
        ("Le taux de pauvreté  est (", "taux de pauvreté"),
        (
            "le nombre de demandeurs d emploi de longue durée sur le bassin de vie industriel qui atteint",
            "bassin de vie industriel",
        ),
        (
            "un deux trois quatre cinq six sept huit neuf dix onze douze",
            "trois quatre cinq six sept huit neuf dix onze douze",
        ),
        ("ce qui reste", "ce"),  # after the verb no noun phrase: its subject
    ],
)
def test_what_precedes_a_figure(text, phrase):
    assert phrase_before(text) == phrase


def test_money_articles_ranges_years_and_second_terms_are_skipped_the_figure_after_is_read():
    for lead in (
        "Un budget de 40 000 € et",
        "Selon l'article 4,",
        "Sur 2015-2020,",
        "Entre 2019 et",
        "Soit 12 % en Région et 10 % en France et",
        "Le volume baisse de -3 logements et",
        "En 2019,",
        "Depuis 12 ans,",
        "Les 40 CCAS et",
    ):
        facts = facts_of(f"{lead} 12 médiathèques ouvertes au public du territoire.")
        assert list(facts) == ["mediatheques-ouvertes"], lead


def test_units_are_shown_as_people_write_them():
    facts = facts_of(
        "Le territoire compte 12 km² de zones humides, 30 hectares de friches, 4 MW de puissance, "
        "2 300 teqCO2 de stockage, 15 pour cent de surfaces boisées."
    )
    assert {code: fact[1] for code, fact in facts.items()} == {
        "zones-humides": "km²",
        "friches": "ha",
        "puissance": "MW",
        "stockage": "teq CO2",
        "surfaces-boisees": "%",
    }


def test_a_share_names_what_it_measures():
    facts, _ = read_figures("Le territoire compte 35 % de logements sociaux et 12 emplois aidés.")
    assert {f.code: f.name for f in facts} == {
        "logements-sociaux": "Part : logements sociaux",
        "emplois-aides": "Emplois aidés",
    }
    facts, _ = read_figures("La part modale du vélo (12 %) reste faible sur le territoire.")
    assert [(f.code, f.name) for f in facts] == [("part-modale-du-velo", "Part : part modale du vélo")]
    facts, _ = read_figures("Les friches du territoire s'étendent sur 14 % ; un constat partagé.")
    assert facts == []  # « sur » before, nothing after: no measured thing


def test_a_count_in_brackets_measures_what_precedes_it():
    facts, _ = read_figures("Les habitants du quartier des Provinces (3 200 habitants) vivent ici.")
    assert [(f.code, f.value, f.unit) for f in facts] == [
        ("habitants-du-quartier-des-provinces", Decimal("3200"), "habitants")
    ]


def test_a_phrase_too_short_is_no_figure_the_next_one_is():
    assert list(facts_of("Le ru est de 12 km ; et 40 bornes de recharge publiques.")) == [
        "bornes-de-recharge-publiques"
    ]
    assert list(facts_of("Le lac est de 12 ha ; et 40 bornes de recharge publiques.")) == [
        "lac",
        "bornes-de-recharge-publiques",
    ]


def test_a_commitment_is_seen_120_characters_before_or_40_after():
    def committed(sentence: str) -> bool:
        [fact], _ = read_figures(sentence)
        return fact.is_target

    def lead(length: int) -> str:  # « Objectif » opens the `length` characters before the figure
        return "Objectif " + "a" * (length - 31) + " le territoire compte "

    def tail(start: int) -> str:  # « objectif » starts `start` characters after the figure
        return " bornes de recharge " + "b" * (start - 21) + " objectif"

    assert len(lead(120)) == 120 and tail(32).index("objectif") == 32
    assert committed(lead(120) + "40 bornes de recharge.") is True
    assert committed(lead(121) + "40 bornes de recharge.") is False
    assert committed("Le territoire compte 40" + tail(32)) is True
    assert committed("Le territoire compte 40" + tail(33)) is False


def test_long_names_codes_and_units_are_cut_to_their_fields():
    [fact], _ = read_figures(f"Le territoire compte 40 {'a' * 40} de loisirs.")
    assert fact.unit == "a" * 30
    words = " ".join(["équipement" + "s" * 26] * 8)  # 8 words of 36 letters
    [fact], _ = read_figures(f"Le territoire compte 40 {words}.")
    assert len(fact.name) == 200 and fact.name.startswith("Équipement")
    [fact], _ = read_figures(f"Le territoire compte 40 {'b' * 49} {'c' * 10}.")
    assert fact.code == "b" * 49  # cut at 50 characters, no dangling hyphen


def test_an_excerpt_is_the_figure_with_120_characters_around_it():
    sentence = "a" * 200 + "40 bornes" + "b" * 200
    assert _excerpt(sentence, 200, 202) == "a" * 120 + "40 bornes" + "b" * 113
    assert _excerpt("40 bornes", 0, 2) == "40 bornes"


def targets_of(text: str) -> list[tuple]:
    _, targets = read_figures(text)
    return [
        (t.code, t.name, t.unit, t.direction, t.relative_change, t.baseline_year, t.year) for t in targets
    ]


def test_two_multiplications_in_one_sentence():
    _, targets = read_figures(
        "À l'horizon 2030, la multiplication par 2,5 de la production d'EnR et la multiplication par 4 "
        "du covoiturage quotidien."
    )
    assert [(t.code, t.relative_change, t.text) for t in targets] == [
        ("pcaet-enr", Decimal("1.5"), "multiplication par 2,5 de la production d'EnR"),
        ("cible-covoiturage-quotidien", Decimal("3"), "multiplication par 4 du covoiturage quotidien"),
    ]


def test_an_explicit_sign_decides_the_way_else_the_verb():
    assert targets_of("En 2030, la progression de l'emploi local de -5 % est attendue.") == [
        ("cible-emploi-local", "Emploi local", "", "baisse", Decimal("-0.05"), None, 2030)
    ]
    assert targets_of("D'ici 2030, la hausse des surfaces boisées (+ 12,5 %/2015).") == [
        ("cible-surfaces-boisees", "Surfaces boisées", "", "hausse", Decimal("0.125"), 2015, 2030)
    ]
    assert targets_of("En 2030, une baisse des consommations de 12,5 %.") == [
        ("cible-consommations", "Consommations", "", "baisse", Decimal("-0.125"), None, 2030)
    ]


def test_a_percent_before_any_change_verb_is_no_target_the_next_one_is():
    assert targets_of("En 2030, 30 % des logements rénovés et la hausse de 10 % des emplois locaux.") == [
        ("cible-emplois-locaux", "Emplois locaux", "", "hausse", Decimal("0.1"), None, 2030)
    ]


def test_what_changes_is_what_follows_the_verb():
    assert targets_of(
        "Horizon 2030 : diminution des surfaces artificialisées de 50 %, augmentation de 20 % du linéaire "
        "de haies."
    ) == [
        (
            "cible-surfaces-artificialisees",
            "Surfaces artificialisées",
            "",
            "baisse",
            Decimal("-0.5"),
            None,
            2030,
        ),
        ("cible-lineaire-de-haies", "Linéaire de haies", "", "hausse", Decimal("0.2"), None, 2030),
    ]


def test_a_target_is_named_once_and_its_code_cut_to_forty_characters():
    name = "surfaces " + "x" * 60
    assert targets_of(f"En 2030, la hausse de 10 % des {name}, la hausse de 20 % des {name}.") == [
        (f"cible-surfaces-{'x' * 31}", f"Surfaces {'x' * 60}", "", "hausse", Decimal("0.1"), None, 2030)
    ]
    assert targets_of("En 2030, la multiplication par 1 des haies.")[0][3] == "hausse"  # no change: not down
