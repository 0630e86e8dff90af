"""Filters of the actions list among many names: maîtres d'ouvrage, financers, schemes,
communes, contracts. Across a perimeter they count by thousands (27 535 options at national
scale), so the list never offers them all: a search box, which filters by the words typed,
and a select holding the choice made plus at most `LIMIT` matches (all of them when a
contract has fewer), those of the user's own contracts first. htmx refreshes the select as
one types (`views.suggestions`); without JavaScript, « Filtrer » does the same."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When

from crte.actions.models import Action
from crte.contracts.models import Contract, Membership
from crte.core.models import Commune, Organisation
from crte.core.search import Folded, query_words, starts_a_word
from crte.finance.models import FundingLine, Scheme

LIMIT = 20
Owners = Action.owners.through
Places = Action.communes.through


@dataclass(frozen=True)
class Lookup:
    label: str
    empty: str
    model: type[Model]
    rows: Callable[[QuerySet], QuerySet]  # the rows of `model` named by these actions
    actions_of: Callable[[QuerySet], QuerySet]  # the ids of the actions naming these rows
    key: str = "pk"  # the value in the URL
    names: tuple[str, ...] = ("name",)  # folded and matched at the start of words
    codes: tuple[str, ...] = ()  # matched from their start

    def label_of(self, row) -> str:
        return f"{row.name} ({row.insee_code})" if isinstance(row, Commune) else str(row.name)

    def matching(self, rows: QuerySet, text: str) -> QuerySet:
        """The rows whose names have words starting with every word of `text`."""
        rows = rows.alias(**{f"folded_{name}": Folded(name) for name in self.names})
        for word in query_words(text):
            match = Q()
            for name in self.names:
                match |= Q(**{f"folded_{name}__contains": starts_a_word(word)})
            for code in self.codes:
                match |= Q(**{f"{code}__startswith": word})
            rows = rows.filter(match)
        return rows

    def filter(self, actions: QuerySet, value: str, text: str) -> QuerySet:
        """The actions naming the row chosen, or else a row matching the words typed."""
        rows = (
            self.model.objects.filter(**{self.key: value})
            if value
            else self.matching(self.model.objects.all(), text)
        )
        return actions.filter(pk__in=self.actions_of(rows))

    def choices(self, actions, text: str, selected: str, *, first=None) -> tuple[list[tuple[str, str]], bool]:
        """« Tous », the choice made, then up to LIMIT matches, those named by `first` (the
        user's own contracts' actions) first, then by name; and whether there are more.
        Two queries at most."""
        rank = Value(0, output_field=IntegerField())
        if first is not None:
            rank = Case(
                When(pk__in=self.rows(first).values("pk"), then=0), default=1, output_field=IntegerField()
            )
        found = self.matching(self.rows(actions), text).alias(rank=rank).order_by("rank", "name", "pk")
        choices = [(str(getattr(r, self.key)), self.label_of(r)) for r in found[: LIMIT + 1]]
        more = len(choices) > LIMIT
        choices = choices[:LIMIT]
        if selected and selected not in {value for value, _ in choices} and valid_key(self.key, selected):
            chosen = self.rows(actions).filter(**{self.key: selected}).first()
            if chosen is not None:
                choices.insert(0, (selected, self.label_of(chosen)))
        return [("", self.empty)] + choices, more


def valid_key(key: str, value: str) -> bool:
    return value.isdigit() and len(value) < 12 if key == "pk" else 0 < len(value) <= 5


LOOKUPS = {
    "contrat": Lookup(
        "Contrat",
        "Tous",
        Contract,
        rows=lambda actions: Contract.objects.filter(pk__in=actions.values("contract_id")),
        actions_of=lambda rows: Action.objects.filter(contract__in=rows).values("pk"),
        codes=("slug",),
    ),
    "moa": Lookup(
        "Maître d'ouvrage",
        "Tous",
        Organisation,
        rows=lambda actions: Organisation.objects.filter(
            pk__in=Owners.objects.filter(action__in=actions).values("organisation_id")
        ),
        actions_of=lambda rows: Owners.objects.filter(organisation__in=rows).values("action_id"),
        names=("name", "short_name"),
    ),
    "financeur": Lookup(
        "Financeur",
        "Tous",
        Organisation,
        rows=lambda actions: Organisation.objects.filter(
            pk__in=FundingLine.objects.filter(action__in=actions).values("funder_id")
        ),
        actions_of=lambda rows: FundingLine.objects.filter(funder__in=rows).values("action_id"),
        names=("name", "short_name"),
    ),
    "dispositif": Lookup(
        "Dispositif",
        "Tous",
        Scheme,
        rows=lambda actions: Scheme.objects.filter(
            pk__in=FundingLine.objects.filter(action__in=actions).values("scheme_id")
        ),
        actions_of=lambda rows: FundingLine.objects.filter(scheme__in=rows).values("action_id"),
        names=("name", "short_name"),
    ),
    "commune": Lookup(
        "Commune",
        "Toutes",
        Commune,
        rows=lambda actions: Commune.objects.filter(
            pk__in=Places.objects.filter(action__in=actions).values("commune_id")
        ),
        actions_of=lambda rows: Places.objects.filter(commune__in=rows).values("action_id"),
        key="insee_code",
        codes=("insee_code",),
    ),
}


def own_actions(user) -> QuerySet | None:
    """The actions of the contracts the user works on (member, or in the perimeter), whose
    names are offered first; None for a visitor."""
    if not user.is_authenticated:
        return None
    mine = Contract.objects.in_perimeter_of(user) | Contract.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("contract_id")
    )
    return Action.objects.filter(contract__in=mine)
