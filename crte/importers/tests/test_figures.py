"""Figures stated in a contract's text, found by one rule (a number with its unit next to
what it measures), on sentences written unlike the reference contract."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crte.importers.plan import ImportPlan, TargetPlan
from crte.importers.understand.figures import (
    ACTION_FIELD,
    NOT_FIGURES,
    _excerpt,
    complete,
    counted,
    fact_key,
    is_table_row,
    keep_chosen,
    known_target,
    linked,
    load_directions,
    load_known_targets,
    phrase_after,
    phrase_before,
    read_figures,
    sentences,
    table_cells,
    target_key,
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
    [fact], _ = read_figures(f"Le territoire compte 40 {'a' * 39}s de loisirs.")  # counted: plural
    assert fact.unit == "a" * 30
    words = " ".join(["équipement" + "s" * 26] * 8)  # 8 words of 36 letters
    [fact], _ = read_figures(f"Le territoire compte 40 {words}.")
    assert len(fact.name) == 200 and fact.name.startswith("Équipement")
    [fact], _ = read_figures(f"Le territoire compte 40 {'b' * 48}s {'c' * 10}.")
    assert fact.code == "b" * 48 + "s"  # cut at 50 characters, no dangling hyphen


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


# --- a number measures a named quantity, or is nothing (issue 21, item 7) ---------------------


@pytest.mark.parametrize(
    "text",
    [
        # addresses, postal codes, post boxes, phone numbers
        "Siège : Communauté de communes du Grand Pic Saint-Loup, 152 chemin des Merles, 34270 Saint-Mathieu.",
        "Adresse de la mairie : 12 rue Pierre Germain, BP 35, 97310 Kourou, tél. 05 94 32 12 00.",
        "Le projet se situe au 1 Rue Pierre Germain à Saint-Laurent-du-Maroni pour les usagers du port.",
        "Le bâtiment situé 3 avenue de la République accueille la maison France services depuis janvier.",
        "Le lycée agricole, 15 bis route de Saint-Joseph, CS 80012, 97480 Saint-Joseph Cedex, partenaire.",
        "Pour tout renseignement : le 02 98 45 67 89 ou le 0262 40 12 34 en semaine, le +33 5 49 11 22 33.",
        "Le siège est installé 8 place du Marché à Mamoudzou ; écrire au 97600 Mamoudzou pour le courrier.",
        # roads and references
        "Le carrefour de la RN2 et de la RD 51 sera réaménagé avec le Département pour les piétons.",
        "La route départementale 17 relie le bourg de Sinnamary à la plage des Hattes.",
        "L'échangeur n° 5 de l'A 75 dessert la zone d'activités de la Barandonne depuis Lodève.",
        "Conformément à l'article 4-2 du présent contrat, le comité de pilotage se réunit deux fois par an.",
        "Délibération n° 2021-45 du conseil communautaire du 12 juillet 2021 approuvant le présent contrat.",
        "La parcelle cadastrée AB 123 de la zone des Portes du Larzac est acquise par la commune.",
        "Le décret n° 2020-1234 du 12 octobre 2020 fixe les règles applicables aux contrats de relance.",
        # dates and hours
        "Le comité de pilotage s'est réuni le 14 septembre 2022 à la sous-préfecture de Saint-Pierre.",
        "Le chantier débutera au 2e trimestre 2024 pour une livraison au 1er semestre 2025 au plus tard.",
        "Accueil du lundi au vendredi de 8 h 30 à 12 h 00 et de 13 h 30 à 17 h 00 à la mairie du Lamentin.",
        # the money of an action and its financing
        "Coût : 1 200 000 € HT ; Plan de financement : DSIL 40 % ; Région 20 % ; autofinancement 40 %.",
        "Financements : État (DETR) 40 % – CTG 20 % – FEDER 30 % – commune 10 %",
        "Plan de financement : ADEME (Fonds chaleur) 40 % ; FEDER 30 % ; reste à charge commune 30 %",
        "Description : continuité cyclable de 9 km le long du littoral, avec traversée de la rivière.",
        "L'État apporte 30 % du coût de l'opération, la Région 20 % et la commune le reste du budget.",
        "Le projet est financé à hauteur de 80 % par le Fonds vert et de 20 % par la Collectivité.",
        # what follows the number is no counted thing
        "La commune de Saint-Benoît accueille 2 Réunionnais sur dix dans ses quartiers d'habitat social.",
        "Les berges seront entretenues jusqu'aux limites que fixe la DDTM (170 km supplémentaires).",
    ],
)
def test_addresses_references_dates_and_the_money_of_actions_are_no_figures(text):
    assert read_figures(text) == ([], [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "La CA du Centre Littoral compte 135 000 habitants répartis sur 6 communes.",
            {"habitants": (Decimal("135000"), "habitants"), "communes": (Decimal("6"), "communes")},
        ),
        (
            "Les 45 000 habitants ne disposent pas tous d'un accès au très haut débit.",
            {"habitants": (Decimal("45000"), "habitants")},
        ),
        (
            "Les 9 200 habitants n'ont pas de médecin à moins de vingt minutes.",
            {"habitants": (Decimal("9200"), "habitants")},
        ),
        (
            "À Mayotte, 77 % de la population vit sous le seuil de pauvreté ; le chômage atteint 30 %.",
            {"population": (Decimal("77"), "%"), "chomage": (Decimal("30"), "%")},
        ),
        (
            "La production photovoltaïque atteint 58 GWh sur le territoire de Petite-Terre.",
            {"production-photovoltaique": (Decimal("58"), "GWh")},
        ),
        (
            "Les émissions du territoire s'élèvent à 450 000 teqCO2 en 2018.",
            {"emissions-du-territoire": (Decimal("450000"), "teq CO2")},
        ),
        (
            "La forêt couvre 3 200 hectares, la moitié de la commune de Saül.",
            {"foret": (Decimal("3200"), "ha")},
        ),
        (
            "Le Haut-Jura accueille 350 000 nuitées touristiques et 2 100 lits marchands.",
            {
                "nuitees-touristiques": (Decimal("350000"), "nuitées"),
                "lits-marchands": (Decimal("2100"), "lits"),
            },
        ),
        (
            "Le réseau d'eau potable de Cap Nord perd 45 % de l'eau produite.",
            {"eau-produite": (Decimal("45"), "%")},
        ),
        (
            "La zone d'activités de Jarry et ses 12 hectares sont estimés à 3 200 emplois.",
            {"emplois": (Decimal("3200"), "emplois")},
        ),
        (
            "La ville compte 1 médiathèque et 3 bourgs reliés par la route départementale 17.",
            {"mediatheque": (Decimal("1"), "médiathèque"), "bourgs-relies": (Decimal("3"), "bourgs")},
        ),
    ],
)
def test_figures_in_varied_wordings_are_read(text, expected):
    facts, _ = read_figures(text)
    assert {f.code: (f.value, f.unit) for f in facts} == expected
    assert all(f.text in text for f in facts)  # with the sentence it came from


def test_a_figure_and_a_commitment_of_one_thing_are_both_kept():
    text = "La CINOR dispose de 45 km de pistes cyclables et vise 120 km de pistes cyclables d'ici 2030."
    facts, _ = read_figures(text)
    assert [(f.code, f.value, f.is_target, f.year) for f in facts] == [
        ("pistes-cyclables", Decimal("45"), False, None),
        ("pistes-cyclables", Decimal("120"), True, 2030),
    ]


@pytest.mark.parametrize(
    "tail",
    [
        " et un objectif",  # a conjunction
        ", 12 objectifs",  # the next figure
        ". L'objectif",  # the sentence's end
        " mais l'objectif",
        " contre l'objectif",
        " alors qu'un objectif",
    ],
)
def test_a_commitment_after_a_figure_stops_where_its_phrase_does(tail):
    [fact, *_], _ = read_figures(f"Le bassin compte 40 bornes de recharge{tail} de 100 bornes.")
    assert (fact.value, fact.is_target) == (Decimal("40"), False)
    [fact], _ = read_figures("Le bassin compte 40 bornes de recharge objectif de la Région")
    assert fact.is_target


def test_a_count_in_a_table_row_is_no_commitment_because_of_the_next_sentence():
    row = "Ville\tContrat de ville\tLes quartiers regroupent 38 000 habitants. Le contrat vise le lien.\t"
    assert read_figures(row) == ([], [])


def test_what_a_figure_amounts_to_is_read_a_range_is_not():
    assert list(facts_of("La consommation est estimée à 1 200 GWh sur le territoire de la CIREST.")) == [
        "consommation"
    ]
    assert facts_of("Les communes de 12 à 18 logements sociaux par an sont aidées.") == {}


def test_known_figures_are_units_things_commonly_counted_and_catalogue_targets():
    facts, targets = read_figures(
        "Le territoire compte 12 000 logements, 40 km de berges, 7 ouvrages d'art. 15 % de friches. "
        "À l'horizon 2030, la réduction de 30 % des GES et la baisse de 10 % des déchets ménagers."
    )
    assert {f.code: f.known for f in facts} == {
        "logements": True,
        "berges": True,
        "ouvrages-dart": False,
        "friches": True,
    }
    assert {t.code: known_target(t.code) for t in targets} == {
        "pcaet-ges": True,
        "cible-dechets-menagers": False,
    }


def test_the_preview_keys_keep_only_the_figures_a_person_chose():
    facts, targets = read_figures(
        "La communauté compte 900 entreprises et vise 1 000 entreprises d'ici 2028. "
        "À l'horizon 2030, la réduction de 30 % des GES et la baisse de 10 % des déchets ménagers."
    )
    assert [fact_key(f) for f in facts] == ["valeur:entreprises", "objectif:entreprises"]
    assert target_key("pcaet-ges") == "cible:pcaet-ges"
    plan = ImportPlan(source="contrat.txt", facts=facts)
    plan.targets = [TargetPlan(t.code, t.name, t.unit, t.direction, t.year) for t in targets]
    keep_chosen(plan, {"objectif:entreprises", "cible:cible-dechets-menagers", "valeur:autre"})
    assert [(f.code, f.is_target) for f in plan.facts] == [("entreprises", True)]
    assert [t.indicator_code for t in plan.targets] == ["cible-dechets-menagers"]


@pytest.mark.parametrize(
    ("word", "value", "counts"),
    [
        ("logements", Decimal("3"), True),
        ("bureaux", Decimal("3"), True),
        ("gaz", Decimal("3"), True),
        ("médiathèque", Decimal("1"), True),
        ("médiathèque", Decimal("1.5"), True),
        ("médiathèque", Decimal("2"), False),  # several: a plural
        ("relie", Decimal("17"), False),
        ("Lunel", Decimal("1"), False),  # a proper name
        ("ÉCOLES", Decimal("3"), False),
        ("ans", Decimal("3"), False),  # a word of time
        ("montées/descentes/jr", Decimal("6500"), True),
    ],
)
def test_what_a_counted_word_is(word, value, counts):
    assert counted(word, value) is counts


@pytest.mark.parametrize(
    ("before", "tied"),
    [
        ("le taux de chômage atteint ", True),
        ("la part modale du vélo (", True),
        ("un taux qui reste haut (de ", True),
        ("le lac est de ", True),
        ("la forêt couvre ", True),
        ("Financements : DSIL ", False),
        ("Banque des Territoires ", False),
        ("reste à charge commune ", False),
    ],
)
def test_what_precedes_a_figure_measures_it_when_a_verb_or_a_bracket_ties_them(before, tied):
    assert linked(before) is tied


@pytest.mark.parametrize(
    ("phrase", "whole"),
    [
        ("zone d'activités de la Barandonne et ses", "zone d'activités de la Barandonne"),
        ("habitants ne", "habitants"),
        ("logements de l'", "logements"),
        ("bornes de recharge -", "bornes de recharge"),
        ("ce qui", ""),
        ("à la", ""),
        ("taux de pauvreté", "taux de pauvreté"),
    ],
)
def test_a_noun_phrase_ends_on_a_noun(phrase, whole):
    assert complete(phrase) == whole


def test_lines_of_an_action_are_no_running_text():
    text = (
        "Coût prévisionnel HT : 2 400 000 euros pour la commune\n"
        "Plan de financement : ADEME 40 % ; FEDER 30 % ; commune 30 %\n"
        "Maître d'ouvrage : Commune de Saint-Louis, quartier du Gol\n"
        "Description de l'action : une boucle de 9 km le long du littoral\n"
        "Description du territoire : 12 communes et 80 000 habitants\n"
        "Objectif : installer 40 bornes de recharge d'ici 2026\n"
    )
    assert sentences(text) == [
        "Description du territoire : 12 communes et 80 000 habitants",
        "Objectif : installer 40 bornes de recharge d'ici 2026",
    ]
    assert ACTION_FIELD.match("Taux : 40 %") and ACTION_FIELD.match("- Montant sollicité (HT) : 1 M€")
    assert not ACTION_FIELD.match("Montant des travaux engagés par les communes en 2022 : 40 %")  # no label
    assert not ACTION_FIELD.match("Les financements : 40 %") and not ACTION_FIELD.match("Tauxfixe : 40 %")


STREETS = [
    "rue",
    "Rue",
    "avenue",
    "boulevard",
    "chemin",
    "route",
    "allée",
    "impasse",
    "place",
    "quai",
    "cité",
]
TOWNS = ["Kourou", "Lunel", "Saint-Pierre", "Mamoudzou", "Le Lamentin", "Basse-Terre", "Morlaix"]
NAMES = ["Pierre Germain", "de la République", "des Merles", "du Général de Gaulle", "Victor Schœlcher"]


@given(
    st.integers(1, 9999),
    st.sampled_from(["", " bis", " ter"]),
    st.sampled_from(STREETS),
    st.sampled_from(NAMES),
    st.one_of(
        st.just(""),
        st.integers(1, 999).map(lambda n: f", BP {n}"),
        st.integers(1, 99999).map(lambda n: f", CS {n}"),
    ),
    st.integers(1000, 99999),
    st.sampled_from(TOWNS),
    st.sampled_from(["Adresse : ", "Le siège est au ", "Nous écrire : ", "Mairie, "]),
)
def test_any_address_yields_no_figure(number, suffix, street, name, box, postcode, town, lead):
    text = f"{lead}{number}{suffix} {street} {name}{box}, {postcode:05d} {town}, pour les habitants."
    assert read_figures(text) == ([], [])


@given(
    st.sampled_from(["0", "+33 ", "+262 ", "+594 (0)"]),
    st.lists(st.integers(0, 9), min_size=9, max_size=9),
    st.sampled_from([" ", ".", ""]),
)
def test_any_phone_number_yields_no_figure(start, digits, separator):
    pairs = [str(digits[0])] + ["".join(map(str, digits[i : i + 2])) for i in range(1, 9, 2)]
    text = f"Contact du service habitat : tél. {start}{separator.join(pairs)} ou par courriel, en semaine."
    assert read_figures(text) == ([], [])


@pytest.mark.parametrize(
    "written",
    [
        "05 94 32 12 00",
        "+594 (0)5 94 32 12 00",
        "97200",  # before « Fort-de-France »
        "4 bis rue",
        "7 allée",
        "3 hameau",
        "RN2",
        "RD 51",
        "DETR) 40",  # « (DETR) 40 % »
        "n° 2021-45",
        "article 4-2",
        "tél. 0596",
        "départementale 17",
        "arrêté 2019-12",
        "décret 2020-1234",
    ],
)
def test_what_is_no_quantity_wherever_it_stands(written):
    found = NOT_FIGURES.search(f"Voir {written} Fort-de-France")
    assert found and found[0] == written
    assert NOT_FIGURES.search("Voir 97480 cedex")


@pytest.mark.parametrize(
    "written", ["12 rues", "3 cités", "40 places", "t CO2", "PM10", "12 000 habitants", "3,5 km", "12000 ha"]
)
def test_what_may_still_be_a_quantity(written):
    assert not NOT_FIGURES.search(f"Voir {written} ici")


def test_a_share_in_a_sentence_about_money_is_no_figure_a_count_is():
    assert facts_of("La dotation de l'État représente 25 % de l'opération et 40 bornes de recharge.") == {
        "bornes-de-recharge": (Decimal("40"), "bornes", None, False, "maintien")
    }
