"""The actions list: one query set built from the URL's filters (search by the start of
words, accents ignored; orientation, enjeu, maturity; maître d'ouvrage, financer, scheme,
commune, contract, each chosen or searched by name; year, late, recovery plan),
sorted and paginated, the same for the page, the board and the exports. Filters on related
rows go through `pk__in` subqueries, so the financing total annotated on each action is
never multiplied by a join."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    IntegerField,
    Q,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Round
from dsfr.forms import DsfrBaseForm

from crte.actions.models import Action
from crte.contracts.models import Priority
from crte.core.search import Folded, query_words, starts_a_word
from crte.finance.models import FundingLine
from crte.workspace.lookups import LOOKUPS

MONEY = DecimalField(max_digits=20, decimal_places=2)
PAGE_SIZE = 50
SORTS = {  # URL value -> (label, ordering)
    "rang": ("Ordre du contrat", ["orientation__order", "order", "id"]),
    "titre": ("Intitulé (A → Z)", ["title", "id"]),
    "-montant": ("Montant décroissant", ["-amount_sort", "id"]),
    "montant": ("Montant croissant", ["amount_sort", "id"]),
    "debut": ("Année de début", ["start_sort", "id"]),
    "maturite": ("Maturité", ["maturity_rank", "id"]),
    "-modifie": ("Modifiées récemment", ["-updated_at", "id"]),
}
MATURITY_ORDER = [m for m, _ in Action.Maturity.choices]


def _choices(rows, empty="Toutes") -> list[tuple[str, str]]:
    return [("", empty)] + [(str(pk), str(label)) for pk, label in rows]


class ActionFilterForm(DsfrBaseForm):
    """The list's filters, as GET parameters. Orientations and enjeux are a contract's
    own (offered on its list only); names that count by thousands across a perimeter are
    searched (`lookups`), each with a search box `<name>_q`."""

    q = forms.CharField(label="Rechercher", required=False, max_length=200)
    orientation = forms.ChoiceField(label="Orientation", required=False)
    enjeu = forms.ChoiceField(label="Enjeu", required=False)
    maturite = forms.MultipleChoiceField(
        label="Maturité",
        required=False,
        choices=Action.Maturity.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    annee = forms.TypedChoiceField(label="Année", required=False, coerce=int, empty_value=None)
    retard = forms.BooleanField(label="En retard", required=False)
    relance = forms.BooleanField(label="Plan de relance", required=False)
    tri = forms.ChoiceField(
        label="Trier par", required=False, choices=[(k, label) for k, (label, _) in SORTS.items()]
    )

    def __init__(self, data, *, actions, years, contract=None, first=None, **kwargs):
        super().__init__(data, **kwargs)
        if contract is None:
            del self.fields["orientation"], self.fields["enjeu"]
        else:
            self.fields["orientation"].choices = _choices(
                contract.orientations.order_by("order").values_list("pk", "name")
            )
            self.fields["enjeu"].choices = _choices(
                Priority.objects.filter(orientation__contract=contract)
                .order_by("orientation__order", "order")
                .values_list("pk", "label"),
                "Tous",
            )
        self.lookups = {}  # name -> whether more names match than the select shows
        data = data or {}
        for name, lookup in LOOKUPS.items():
            if name == "contrat" and contract is not None:
                continue
            text = str(data.get(f"{name}_q", ""))[:200]
            choices, self.lookups[name] = lookup.choices(actions, text, str(data.get(name, "")), first=first)
            self.fields[f"{name}_q"] = forms.CharField(label=lookup.label, required=False, max_length=200)
            self.fields[name] = forms.ChoiceField(
                label=f"{lookup.label} : choix", required=False, choices=choices
            )
        self.fields["annee"].choices = [("", "Toutes")] + [(str(y), str(y)) for y in years]

    def lookup_fields(self) -> list[tuple[str, object, object, bool]]:
        """(name, search box, select, whether there are more matches than shown)."""
        return [(name, self[f"{name}_q"], self[name], more) for name, more in self.lookups.items()]

    def criteria(self) -> dict:
        """The filters that are valid (a wrong one is ignored, not the others)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [], False)}


@dataclass
class Listing:
    actions: object  # the filtered, sorted query set (all pages)
    criteria: dict
    sort: str


def funded():
    """The sum of an action's financing lines, each resolved (money.resolved in SQL)."""
    zero = Value(Decimal(0), output_field=MONEY)
    product = ExpressionWrapper(
        Coalesce("funding_lines__share", zero, output_field=MONEY)
        * Coalesce("amount", zero, output_field=MONEY),
        output_field=MONEY,
    )
    line = Coalesce("funding_lines__amount", Round(product, 2, output_field=MONEY), output_field=MONEY)
    return Coalesce(Sum(line, output_field=MONEY), zero, output_field=MONEY)


def filtered(actions, criteria: dict, today: dt.date | None = None):
    today = today or dt.date.today()
    words = query_words(criteria.get("q", ""))
    if words:
        actions = actions.alias(
            searched=Folded(
                Concat(
                    "title", Value(" "), "description", Value(" "), "external_id", output_field=TextField()
                )
            )
        )
        for word in words:
            owners = Action.owners.through.objects.alias(name=Folded("organisation__name"))
            actions = actions.filter(
                Q(searched__contains=starts_a_word(word))
                | Q(pk__in=owners.filter(name__contains=starts_a_word(word)).values("action_id"))
            )
    simple = {"orientation": "orientation_id", "enjeu": "priority_id"}
    for name, lookup in simple.items():
        if criteria.get(name):
            actions = actions.filter(**{lookup: criteria[name]})
    if criteria.get("maturite"):
        actions = actions.filter(maturity__in=criteria["maturite"])
    for name, lookup in LOOKUPS.items():
        if criteria.get(name) or criteria.get(f"{name}_q"):
            actions = lookup.filter(actions, criteria.get(name, ""), criteria.get(f"{name}_q", ""))
    year = criteria.get("annee")
    if year:
        actions = actions.filter(
            Q(start_year__lte=year) & (Q(end_year__gte=year) | Q(end_year__isnull=True) & Q(start_year=year))
        )
    if criteria.get("retard"):
        actions = actions.filter(late_q(today.year))
    if criteria.get("relance"):
        actions = actions.filter(pk__in=FundingLine.objects.filter(credit_type="relance").values("action_id"))
    return actions


def late_q(year: int) -> Q:
    """`Action.lateness` in SQL: validated and not engaged after its start year, or under way
    past its end year."""
    M = Action.Maturity
    return Q(maturity=M.VALIDEE, start_year__lt=year) | Q(maturity=M.EN_COURS, end_year__lt=year)


def listing(actions, criteria: dict) -> Listing:
    sort = criteria.get("tri") or "rang"
    rank = Case(
        *[When(maturity=m, then=Value(i)) for i, m in enumerate(MATURITY_ORDER)], output_field=IntegerField()
    )
    rows = (
        filtered(actions, criteria)
        .select_related("contract", "orientation", "priority")
        .prefetch_related("owners")
        .annotate(
            funded=funded(),
            amount_sort=Coalesce("amount", Value(Decimal(0)), output_field=MONEY),
            start_sort=Coalesce("start_year", 9999),
            maturity_rank=rank,
        )
        .order_by(*SORTS[sort][1])
    )
    return Listing(rows, criteria, sort)
