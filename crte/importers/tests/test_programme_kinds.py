"""Integrated contractualisations are read by general rules: their section is the numbered
heading that names them, whatever its number; their kinds and the words that name them are
data (`data/contractualisations.csv`), each a kind of the model."""

from crte.contracts.models import Programme
from crte.importers.understand.contract_document import PROGRAMME_KINDS, read_programmes


def test_every_kind_of_the_data_file_is_a_kind_of_the_model():
    kinds = [kind for kind, _ in PROGRAMME_KINDS]
    assert set(kinds) <= set(Programme.Kind.values)
    assert len(kinds) == len(set(kinds))


def test_the_section_is_found_by_its_title_under_any_number():
    lines = [
        "Article 5 – Mise en œuvre",
        "5.1 – Les actions",
        "- Le contrat de ville 2015-2020 (hors de la section)",
        "5.2 – Les contractualisations intégrées",
        "• Le Projet alimentaire territorial 2020-2026",
        "- La convention territoriale globale (2022-2025) avec la CAF",
        "Article 6 – Gouvernance",
        "- Le contrat local de santé 2020-2023",
    ]
    assert [(p.kind, p.line, p.start_year, p.end_year) for p in read_programmes(lines)] == [
        ("pat", 5, 2020, 2026),
        ("ctg", 6, 2022, 2025),
    ]


def test_a_kind_named_inside_an_item_with_its_own_years_is_one_more():
    lines = [
        "Art. 3-2 : contractualisations",
        "- Le contrat de ville 2024-2030, dont le Projet alimentaire territorial (2023-2027) des quartiers",
        "- Le contrat local de santé 2020-2023 (signé avec l'ARS)",
        "- Action cœur de ville 2018-2022, et Petites villes de demain (2021-2026)",
        "- Le programme Petites villes de demain 2021-2026",
        "3-3 : la suite",
    ]
    assert [(p.kind, p.line, p.start_year, p.end_year) for p in read_programmes(lines)] == [
        ("contrat_ville", 2, 2024, 2030),
        ("pat", 2, 2023, 2027),  # named inside, with its own years
        ("cls", 3, 2020, 2023),  # parentheses without years name nothing more
        ("acv", 4, 2018, 2022),  # its nested PVD has an item of its own
        ("pvd", 5, 2021, 2026),
    ]
