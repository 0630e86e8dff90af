"""A choice among thousands of rows (the organisations of France, its communes, a large
contract's actions) made in a search box instead of a select.

The box is a text input: htmx asks the server for at most `LIMIT` rows matching the words
typed (`search`: the contract's own rows first, then the others), and `crte.js` lets one
pick one with the mouse or the keyboard (ARIA combobox); each chosen row is a checked
checkbox carrying its primary key, unchecked to remove it. Without JavaScript the same
text input takes an exact name or code (SIREN, INSEE code), resolved when the form is
posted (`resolve`). The field validates what is posted against its queryset, as a select
would: a primary key outside it is refused.

Words are matched at the start of the words of a name, accents and case ignored, as
`crte.core.search` folds them (written as regular expressions, see below)."""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from string import ascii_lowercase, digits

from django import forms
from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.template.loader import render_to_string
from django.urls import reverse

from crte.core.models import Organisation
from crte.core.search import DOUBLE, SINGLE, fold, query_words

LIMIT = 20
TYPED_SUFFIX = "_recherche"  # the text input's name: the field's name and this
MAX_TYPED = 200
KEY = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class Kind:
    """How rows of one model are searched and shown: the names whose words are matched,
    the codes matched from their start (and exactly when typed without JavaScript), the
    order of the results, and a detail telling homonyms apart."""

    noun: str  # « un organisme »: in messages
    names: tuple[str, ...]
    codes: tuple[str, ...] = ()
    order: tuple[str, ...] = ("name", "pk")
    related: tuple[str, ...] = ()
    detail: Callable[[Model], str] = field(default=lambda row: "")
    code_label: str = ""  # « son SIREN »: in messages
    hint: str = "Tapez le début d'un mot du nom, puis choisissez dans la liste."

    def label(self, row: Model) -> str:
        return str(row)


def organisation_detail(row: Organisation) -> str:
    parts = [row.get_category_display()]
    if row.siren:
        parts.append(f"SIREN {row.siren}")
    return " · ".join(parts)


ORGANISATIONS = Kind(
    noun="un organisme",
    names=("name", "short_name"),
    codes=("siren",),
    detail=organisation_detail,
    code_label="son SIREN",
    hint="Tapez le début d'un mot du nom ou le SIREN, puis choisissez dans la liste : les organismes "
    "du contrat et de son territoire d'abord.",
)
COMMUNES = Kind(
    noun="une commune",
    names=("name",),
    codes=("insee_code",),
    detail=lambda row: f"code INSEE {row.insee_code}",
    code_label="son code INSEE",
    hint="Tapez le début du nom ou le code INSEE, puis choisissez dans la liste.",
)


@dataclass(frozen=True)
class Source:
    """What one search box offers in a contract's forms: the rows that may be chosen (the
    form validates against them, the search answers from them) and those offered first
    (the contract's territory and bodies). Declared beside the form that uses it, gathered
    by `crte.workspace.search`, which answers at `workspace:search`."""

    name: str  # in the URL
    kind: Kind
    rows: Callable  # (contract) -> QuerySet
    near: Callable | None = None  # (contract) -> QuerySet

    def url(self, contract) -> str:
        return reverse("workspace:search", args=[contract.slug, self.name])


# -- matching -------------------------------------------------------------------------------
# crte.core.search's folding, written as regular expressions on the raw text from the same
# table: a word typed matches where it starts a word of the folded text, that is at the
# start of the text or after a character that folds to a separator. The database runs one
# regular expression per row (40 ms over the 36 900 organisations of France) instead of
# folding every name (650 ms on PostgreSQL). Exact, tested against `fold`, but for a word
# holding « sss » (a ß that may start at either « s »), which no name of France does.

WORD_CHARACTERS = set(ascii_lowercase + digits) | set(SINGLE) | set(DOUBLE)
SEPARATOR = "[^" + "".join(sorted(WORD_CHARACTERS)) + "]"
VARIANTS: dict[str, set[str]] = defaultdict(set)
for _letter, _plain in SINGLE.items():
    VARIANTS[_plain].add(_letter)
for _plain in ascii_lowercase:
    VARIANTS[_plain] |= {_plain, _plain.upper()}
LIGATURES: dict[str, set[str]] = defaultdict(set)  # "oe" -> {"œ", "Œ"}
for _letter, _plain in DOUBLE.items():
    LIGATURES[_plain].add(_letter)


def _letter(plain: str, *, ends: bool) -> str:
    """The raw characters folding to `plain`; at the end of a word that may stop inside a
    ligature, that ligature too (« co » starts « cœur »)."""
    letters = set(VARIANTS.get(plain, {plain}))
    if ends:
        letters |= {ligature for ligature, pair in DOUBLE.items() if pair[0] == plain}
    return "[" + "".join(sorted(letters)) + "]" if len(letters) > 1 else plain


def word_pattern(word: str, *, whole: bool = False) -> str:
    """The raw spellings of a folded word (lower-case letters and digits): « velo » ->
    [Vv][EeÈÉ…][Ll…][Oo…]; `whole`: the word ends there."""
    parts, i = [], 0
    while i < len(word):
        pair = word[i : i + 2]
        if pair in LIGATURES:
            ends = not whole and i + 2 == len(word)
            first, second = _letter(pair[0], ends=False), _letter(pair[1], ends=ends)
            parts.append(f"(?:{first}{second}|[{''.join(sorted(LIGATURES[pair]))}])")
            i += 2
        else:
            parts.append(_letter(word[i], ends=not whole and i + 1 == len(word)))
            i += 1
    return "".join(parts)


def starts_word(word: str) -> str:
    """Found in a raw text when `starts_a_word(word) in fold(text)`."""
    return f"(?:^|{SEPARATOR}){word_pattern(word)}"


def same_words(words: list[str]) -> str:
    """Matches a whole raw text whose folded words are `words`."""
    inner = f"{SEPARATOR}+".join(word_pattern(word, whole=True) for word in words)
    return f"^{SEPARATOR}*{inner}{SEPARATOR}*$"


def matching(rows: QuerySet, text: str, kind: Kind) -> QuerySet:
    """The rows with, for every word of `text`, a word of one of their names starting with
    it (accents and case ignored), or a code starting with it."""
    words = query_words(text)
    if not words:
        return rows.none()
    for word in words:
        match = Q()
        for name in kind.names:
            match |= Q(**{f"{name}__regex": starts_word(word)})
        for code in kind.codes:
            match |= Q(**{f"{code}__istartswith": word})  # « 2a » finds Corsica's « 2A004 »
        rows = rows.filter(match)
    return rows


@dataclass(frozen=True)
class Found:
    rows: list  # (row, is_near)
    more: bool  # more rows match than shown


def search(rows: QuerySet, text: str, kind: Kind, *, near: QuerySet | None = None) -> Found:
    """At most `LIMIT` rows matching `text`: those of `near` (the contract's) first, then
    the others; in each part, names starting with the first word typed first, then in
    `kind.order`. Three queries at most, `near` read once (a few hundred keys)."""
    words = query_words(text[:MAX_TYPED])
    if not words:
        return Found(rows=[], more=False)
    starts = When(Q(**{f"{kind.names[0]}__regex": "^" + word_pattern(words[0])}), then=Value(0))
    found = (
        matching(rows, text[:MAX_TYPED], kind)
        .alias(rank=Case(starts, default=Value(1), output_field=IntegerField()))
        .select_related(*kind.related)
        .order_by("rank", *kind.order)
    )
    near_keys = list(near.values_list("pk", flat=True)) if near is not None else []
    first = list(found.filter(pk__in=near_keys)[: LIMIT + 1]) if near_keys else []
    others = list(found.exclude(pk__in=near_keys)[: LIMIT + 1 - len(first)]) if len(first) <= LIMIT else []
    shown = [(row, True) for row in first] + [(row, False) for row in others]
    return Found(rows=shown[:LIMIT], more=len(shown) > LIMIT)


def resolve(rows: QuerySet, text: str, kind: Kind) -> Model:
    """The one row whose code is `text`, or whose name is `text` (accents, case and
    punctuation ignored): what a search box takes without JavaScript."""
    found = Q()
    for name in kind.codes:
        found |= Q(**{f"{name}__iexact": "".join(text.split())})
    if words := fold(text[:MAX_TYPED]).split():  # every word (a search takes the first 8)
        for name in kind.names:
            found |= Q(**{f"{name}__regex": same_words(words)})
    rows = list(rows.filter(found)[:2]) if found else []
    if len(rows) == 1:
        return rows[0]
    codes = f" ou tapez {kind.code_label}" if kind.code_label else ""
    if rows:
        raise forms.ValidationError(
            f"Plusieurs choix portent le nom « {text} » : choisissez dans la liste des résultats{codes}."
        )
    raise forms.ValidationError(
        f"Aucun choix possible ne porte exactement le nom « {text} » : choisissez {kind.noun} dans la "
        f"liste des résultats{codes}."
    )


# -- the form field -------------------------------------------------------------------------


@dataclass
class Posted:
    """What a search box posts: the primary keys of the rows chosen, and what was typed."""

    chosen: list[str]
    typed: str


class SearchBox(forms.Widget):
    """The search box (core/_search_box.html): the rows chosen, as checkboxes, and the text
    input whose options htmx fetches from `url`. Never lists the field's queryset."""

    template_name = "core/_search_box.html"

    def __init__(self, attrs=None, *, multiple: bool = False):
        super().__init__(attrs)
        self.multiple = multiple
        self.url = ""
        self.kind = ORGANISATIONS
        self.choices = None  # set by ModelChoiceField: its queryset is `choices.queryset`

    def value_from_datadict(self, data, files, name) -> Posted:
        if hasattr(data, "getlist"):
            chosen = data.getlist(name)
        else:
            given = data.get(name)
            chosen = list(given) if isinstance(given, list | tuple) else [given]
        typed = " ".join(str(data.get(name + TYPED_SUFFIX, ""))[:MAX_TYPED].split())
        return Posted(chosen=[str(value) for value in chosen if value not in ("", None)], typed=typed)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # no checkbox checked is an empty choice, as with checkboxes

    def id_for_label(self, id_):
        return f"{id_}{TYPED_SUFFIX}" if id_ else id_

    def chosen_rows(self, value) -> list:
        """The rows shown as chosen: instances given as initial values as they are, primary
        keys read (in one query) from the field's queryset."""
        if isinstance(value, Posted):
            value = value.chosen
        values = [] if value in (None, "") else value if isinstance(value, list | tuple) else [value]
        instances = [v for v in values if isinstance(v, Model)]
        keys = [str(v.pk if isinstance(v, Model) else v) for v in values if not isinstance(v, Model)]
        keys = [key for key in keys if KEY.fullmatch(key)]
        if keys and self.choices is not None:
            instances += list(self.choices.queryset.filter(pk__in=keys).select_related(*self.kind.related))
        return instances if self.multiple else instances[-1:]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        box = context["widget"]
        box_id = box["attrs"].get("id") or f"id_{name}"
        box["attrs"]["id"] = self.id_for_label(box_id)
        box |= {
            "box_id": box_id,
            "list_id": f"{box_id}_liste",
            "typed_name": name + TYPED_SUFFIX,
            "typed": value.typed if isinstance(value, Posted) else "",
            "multiple": self.multiple,
            "url": self.url,
            "hint": self.kind.hint,
            "hint_id": f"{box_id}_aide",
            # the hint, and the errors when django-dsfr names them
            "described_by": " ".join(filter(None, [f"{box_id}_aide", box["attrs"].get("aria-describedby")])),
            "invalid": box["attrs"].get("aria-invalid") == "true",
            "chosen": [
                {"pk": row.pk, "label": self.kind.label(row), "detail": self.kind.detail(row)}
                for row in self.chosen_rows(value)
            ],
        }
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates, not the form renderer's (django-dsfr's own directories).
        return render_to_string(self.template_name, self.get_context(name, value, attrs))


def keys_of(value) -> set[str]:
    """The keys of a field's value, initial (instances, keys) or posted; what is typed counts
    as a change."""
    if isinstance(value, Posted):
        return set(value.chosen) | ({f"« {value.typed} »"} if value.typed else set())
    values = value if isinstance(value, list | tuple | QuerySet) else [value]
    return {str(v.pk if isinstance(v, Model) else v) for v in values if v not in (None, "")}


class SearchMixin:
    """Shared by both fields; rendered by django-dsfr's input snippet (label, hint, widget
    and errors)."""

    def searching(self, source: Source, contract, queryset: QuerySet | None = None) -> None:
        """Chosen among `source`'s rows for `contract` (or `queryset`: those and a few
        more, such as what an action already names)."""
        self.queryset = source.rows(contract) if queryset is None else queryset
        self.widget.url = source.url(contract)
        self.widget.kind = source.kind

    def prepare_value(self, value):
        # Instances given as initial values reach the box as they are: shown without a query.
        if isinstance(value, Posted | Model) or (
            isinstance(value, list | tuple) and all(isinstance(v, Model) for v in value)
        ):
            return value
        return super().prepare_value(value)

    def has_changed(self, initial, data) -> bool:
        return not self.disabled and keys_of(initial) != keys_of(data)

    def keys(self, posted: Posted) -> list[str]:
        """The keys chosen, refused unless they are keys (a huge number breaks SQLite)."""
        for value in posted.chosen:
            if not KEY.fullmatch(value):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
                )
        return posted.chosen

    def typed_row(self, posted: Posted) -> list[str]:
        if not posted.typed:
            return []
        return [str(resolve(self.queryset, posted.typed, self.widget.kind).pk)]


class SearchChoiceField(SearchMixin, forms.ModelChoiceField):
    """One row among many, chosen in a search box; what is typed replaces what was chosen."""

    widget = SearchBox

    def clean(self, value):
        if isinstance(value, Posted):
            value = (self.typed_row(value) or self.keys(value)[-1:] or [None])[0]
        return super().clean(value)


class SearchMultipleChoiceField(SearchMixin, forms.ModelMultipleChoiceField):
    """Rows among many, chosen one by one in a search box."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", SearchBox(multiple=True))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if isinstance(value, Posted):
            value = self.keys(value) + self.typed_row(value)
        return super().clean(value)
