"""Search by the start of words, accents ignored: the pure folding, and the database's
folding (SQLite's registered function, PostgreSQL's translate) agreeing with it."""

import pytest
from django.db.models import TextField, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crte.core.models import Commune
from crte.core.search import Folded, fold, query_words, starts_a_word


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Vélo", " velo"),
        ("Système VÉLO", " systeme velo"),
        ("développement", " developpement"),
        ("Mise en œuvre", " mise en oeuvre"),
        ("« Vélo-route »", "  velo route "),  # a separator first: two spaces
        ("l'école", " l ecole"),
        ("Œuvre, ÆTHER; Straße", " oeuvre aether strasse"),
        ("Çà et là : Noël, maïs, où", " ca et la noel mais ou"),
        ("Łódź Ørsted", " lodz orsted"),
        ("CO₂ 2025", " co 2025"),
        ("", " "),
        (None, " "),
    ],
)
def test_fold_lowercases_removes_accents_and_separates_words(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "query, text, found",
    [
        ("velo", "Schéma du système vélo", True),
        ("vélo", "Vélos en libre-service", True),
        ("velo", "Développement économique", False),
        ("VELO", "« vélo-route »", True),
        ("ecole renov", "Rénovation de l'école", True),
        ("ecole gare", "Rénovation de l'école", False),
        ("oeuvre", "Mise en œuvre", True),
        ("2023", "PAPI 2017-2023", True),
    ],
)
def test_every_word_of_a_query_starts_a_word_of_the_text(query, text, found):
    assert all(starts_a_word(word) in fold(text) for word in query_words(query)) is found


def test_a_query_keeps_eight_words():
    assert query_words("un deux trois quatre cinq six sept huit neuf") == [
        "un",
        "deux",
        "trois",
        "quatre",
        "cinq",
        "six",
        "sept",
        "huit",
    ]


ALPHABET = st.sampled_from(
    list("aeEéÉèêëàâäÀçÇîïôöœŒæßùûüÿñØłĳ'’-«» ,.;:!?()/_%\\\t\n0123456789xyzXYZ€²₂ЖЯ中")
)


@pytest.mark.django_db
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(alphabet=ALPHABET, max_size=30), min_size=1, max_size=10))
def test_the_database_folds_as_python_does(texts):
    """The same table written twice would drift: SQL is generated from it and compared."""
    row = Commune.objects.order_by("pk").first()
    assert row is not None  # the national reference comes with the database
    query = Commune.objects.filter(pk=row.pk)
    folded = query.annotate(
        **{f"t{i}": Folded(Value(text, output_field=TextField())) for i, text in enumerate(texts)}
    ).values(*[f"t{i}" for i in range(len(texts))])[0]
    assert [folded[f"t{i}"] for i in range(len(texts))] == [fold(text) for text in texts]


@pytest.mark.django_db
def test_a_null_folds_as_an_empty_text():
    row = Commune.objects.order_by("pk").first()
    value = Commune.objects.filter(pk=row.pk).annotate(f=Folded(Value(None, output_field=TextField())))
    assert value.values_list("f", flat=True)[0] == " "
