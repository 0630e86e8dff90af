"""The search box of long choices: its regular expressions agree with the folding of
crte.core.search (in Python and in the database), what is typed without JavaScript is
resolved exactly, and the fields refuse what their query set does not hold."""

import re

import factory
import pytest
from django import forms
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from crte.core.models import Organisation
from crte.core.search import fold, query_words, starts_a_word
from crte.core.search_box import (
    ORGANISATIONS,
    SearchBox,
    SearchChoiceField,
    SearchMultipleChoiceField,
    matching,
    resolve,
    same_words,
    search,
    starts_word,
)
from crte.core.tests.factories import OrganisationFactory


@pytest.mark.parametrize(
    "word, text, found",
    [
        ("velo", "Schéma du système vélo", True),
        ("velo", "Vélos en libre-service", True),
        ("velo", "Développement économique", False),
        ("velo", "« vélo-route »", True),
        ("ecole", "Rénovation de l'École", True),
        ("oeuvre", "Mise en œuvre", True),
        ("oeuvre", "Mise en OEUVRE", True),
        ("co", "Cœur de ville", True),  # the word stops inside the ligature
        ("coe", "Cœur de ville", True),
        ("strasse", "Straße", True),
        ("stras", "Straße", True),
        ("2023", "PAPI 2017-2023", True),
        ("017", "PAPI 2017-2023", False),
        ("lodz", "Łódź", True),
        ("bethune", "Fouquières-lès-Béthune", True),
        ("ethune", "Béthune", False),
        ("co2", "CO₂", False),  # ₂ is not a digit of the table: a separator
    ],
)
def test_a_word_starts_a_word_of_the_raw_text_as_it_does_of_the_folded_text(word, text, found):
    assert (starts_a_word(word) in fold(text)) is found
    assert (re.search(starts_word(word), text) is not None) is found


LETTERS = "aAeEéÉèêëiïîoôOœŒuùüûcçÇsßnñyÿzæÆ0123456789"
TEXTS = st.text(alphabet=LETTERS + " -'’,«»()./", max_size=30)


WORDS = st.text(alphabet="aceiosnyz0123456789", min_size=1, max_size=4)


@given(text=TEXTS, drawn=WORDS, start=st.integers(0, 30), length=st.integers(1, 6))
def test_the_regular_expression_is_the_folding(text, drawn, start, length):
    folded = fold(text)
    cut = folded[start : start + length].split(" ")[0]  # a word of the text, or part of one
    for word in (drawn, cut):
        if word and "sss" not in word:  # a ß may start at either « s » (see search_box)
            assert (re.search(starts_word(word), text) is not None) is (starts_a_word(word) in folded)


@given(text=TEXTS)
def test_the_whole_text_pattern_matches_what_folds_to_the_same_words(text):
    words = fold(text).split()
    if not words or any("sss" in word for word in words):
        return
    assert re.search(same_words(words), text)
    assert not re.search(same_words(words + ["x"]), text)


@pytest.mark.django_db
def test_the_database_finds_what_the_folding_finds():
    names = [
        "Vélo Club de l'Artois",
        "Association Vélocipède",
        "Développement vélo",
        "Cœur d'Artois",
        "ZVELO",
    ]
    made = [OrganisationFactory(name=name) for name in names]
    rows = Organisation.objects.filter(pk__in=[o.pk for o in made])
    for query in ["velo", "VÉLO", "coeur", "co", "artois velo", "velocip", "zvel"]:
        expected = {o.name for o in made if all(starts_a_word(w) in fold(o.name) for w in query_words(query))}
        assert {o.name for o in matching(rows, query, ORGANISATIONS)} == expected, query


@pytest.mark.django_db
def test_the_contracts_rows_come_first_then_names_starting_with_the_word():
    far = OrganisationFactory(name="Vélocipède de France")
    later = OrganisationFactory(name="Amis du vélocipède")
    near = OrganisationFactory(name="Zone vélocipède")
    rows = Organisation.objects.filter(pk__in=[far.pk, later.pk, near.pk])
    found = search(rows, "velocipede", ORGANISATIONS, near=Organisation.objects.filter(pk=near.pk))
    assert [(row.name, is_near) for row, is_near in found.rows] == [
        ("Zone vélocipède", True),
        ("Vélocipède de France", False),
        ("Amis du vélocipède", False),
    ]
    assert not found.more


@pytest.mark.django_db
def test_at_most_twenty_rows_and_a_sign_there_are_more():
    OrganisationFactory.create_batch(25, name=factory.Sequence(lambda n: f"Vélocipède {n}"))
    found = search(Organisation.objects.all(), "velocipede", ORGANISATIONS)
    assert len(found.rows) == 20 and found.more
    assert search(Organisation.objects.all(), "  ", ORGANISATIONS).rows == []


@pytest.mark.django_db
def test_what_is_typed_without_javascript_is_a_siren_or_an_exact_name():
    club = OrganisationFactory(name="Vélo Club de l'Artois", siren="123456789")
    OrganisationFactory(name="Vélo Club")
    OrganisationFactory(name="Saint-Martin", siren="111111111")
    OrganisationFactory(name="Saint Martin", siren="222222222")
    rows = Organisation.objects.all()
    assert resolve(rows, "123 456 789", ORGANISATIONS) == club
    assert resolve(rows, "VELO CLUB DE L’ARTOIS", ORGANISATIONS) == club
    long = OrganisationFactory(name="Direction de l'environnement, de l'aménagement et du logement de Lawe")
    typed = "direction de l environnement de l amenagement et du logement de lawe"  # 13 words
    assert resolve(rows, typed, ORGANISATIONS) == long
    with pytest.raises(forms.ValidationError, match="Aucun choix possible .* « Vélo Cl »"):
        resolve(rows, "Vélo Cl", ORGANISATIONS)
    with pytest.raises(forms.ValidationError, match="Plusieurs choix .* tapez son SIREN"):
        resolve(rows, "saint martin", ORGANISATIONS)


class Chosen(forms.Form):
    one = SearchChoiceField(queryset=Organisation.objects.none(), required=False)
    many = SearchMultipleChoiceField(queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("one", "many"):
            self.fields[name].queryset = rows
            self.fields[name].widget.url = "/recherche/"


def posted(**values) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in values.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


@pytest.mark.django_db
def test_the_fields_take_keys_of_their_rows_and_refuse_others():
    allowed, other = OrganisationFactory(name="Région de test"), OrganisationFactory(name="Ailleurs")
    rows = Organisation.objects.filter(pk=allowed.pk)
    form = Chosen(posted(one=str(allowed.pk), many=[str(allowed.pk)]), rows=rows)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == allowed and list(form.cleaned_data["many"]) == [allowed]
    for value in (str(other.pk), "abc", "99999999999999999999"):
        form = Chosen(posted(one=value, many=[value]), rows=rows)
        assert not form.is_valid() and set(form.errors) == {"one", "many"}


@pytest.mark.django_db
def test_a_typed_name_is_added_to_the_choices_and_a_wrong_one_explained():
    first, second = (
        OrganisationFactory(name="Région de test"),
        OrganisationFactory(name="Département de test"),
    )
    rows = Organisation.objects.filter(pk__in=[first.pk, second.pk])
    form = Chosen(posted(many=[str(first.pk)], many_recherche="departement de test"), rows=rows)
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["many"]) == {first, second}
    form = Chosen(posted(one_recherche="Ailleurs"), rows=rows)
    assert not form.is_valid() and "Aucun choix possible" in form.errors["one"][0]


@pytest.mark.django_db
def test_the_box_lists_only_what_is_chosen_and_escapes_names():
    hostile = OrganisationFactory(name='<script>alert("x")</script>')
    OrganisationFactory.create_batch(3)
    form = Chosen(posted(many=[str(hostile.pk)], many_recherche="<b>"), rows=Organisation.objects.all())
    html = form["many"].as_widget()
    assert "<option" not in html and "<select" not in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert 'value="&lt;b&gt;"' in html  # what was typed comes back, escaped
    assert html.count('type="checkbox"') == 1
    assert SearchBox().id_for_label("id_many") == "id_many_recherche"
