"""Figures stated in a contract's text, found by one rule (a number with its unit next to
what it measures), on sentences written unlike the reference contract."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crte.importers.figures import phrase_after, phrase_before, read_figures, wanted_direction


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
