"""The actions list: one query set built from the URL's filters (search, orientation,
enjeu, maturity, maître d'ouvrage, financer, scheme, commune, year, late, recovery plan),
sorted and paginated, the same for the page, the board and the exports. Filters on related
rows go through `pk__in` subqueries, so the financing total annotated on each action is
never multiplied by a join."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db.models import Case, DecimalField, ExpressionWrapper, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Round
from dsfr.forms import DsfrBaseForm

from crte.actions.models import Action
from crte.contracts.models import Orientation, Priority
from crte.core.models import Commune, Organisation
from crte.finance.models import FundingLine, Scheme

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
    """The list's filters, as GET parameters; choices come from the contracts listed."""

    q = forms.CharField(label="Rechercher", required=False, max_length=200)
    orientation = forms.ChoiceField(label="Orientation", required=False)
    enjeu = forms.ChoiceField(label="Enjeu", required=False)
    maturite = forms.MultipleChoiceField(
        label="Maturité",
        required=False,
        choices=Action.Maturity.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    moa = forms.ChoiceField(label="Maître d'ouvrage", required=False)
    financeur = forms.ChoiceField(label="Financeur", required=False)
    dispositif = forms.ChoiceField(label="Dispositif", required=False)
    commune = forms.ChoiceField(label="Commune", required=False)
    annee = forms.TypedChoiceField(label="Année", required=False, coerce=int, empty_value=None)
    retard = forms.BooleanField(label="En retard", required=False)
    relance = forms.BooleanField(label="Plan de relance", required=False)
    tri = forms.ChoiceField(
        label="Trier par", required=False, choices=[(k, label) for k, (label, _) in SORTS.items()]
    )

    def __init__(self, data, *, actions, years, **kwargs):
        super().__init__(data, **kwargs)
        ids = actions.values("pk")
        contracts = actions.values("contract_id")
        self.fields["orientation"].choices = _choices(
            Orientation.objects.filter(contract__in=contracts)
            .order_by("contract", "order")
            .values_list("pk", "name")
        )
        self.fields["enjeu"].choices = _choices(
            Priority.objects.filter(orientation__contract__in=contracts)
            .order_by("orientation__order", "order")
            .values_list("pk", "label"),
            "Tous",
        )
        self.fields["moa"].choices = _choices(
            Organisation.objects.filter(owned_actions__in=ids)
            .distinct()
            .order_by("name")
            .values_list("pk", "name"),
            "Tous",
        )
        funder_ids = FundingLine.objects.filter(action__in=ids).values("funder_id")
        self.fields["financeur"].choices = _choices(
            Organisation.objects.filter(pk__in=funder_ids).order_by("name").values_list("pk", "name"), "Tous"
        )
        scheme_ids = FundingLine.objects.filter(action__in=ids).values("scheme_id")
        self.fields["dispositif"].choices = _choices(
            Scheme.objects.filter(pk__in=scheme_ids).order_by("name").values_list("pk", "name"), "Tous"
        )
        self.fields["commune"].choices = _choices(
            Commune.objects.filter(actions__in=ids)
            .distinct()
            .order_by("name")
            .values_list("insee_code", "name")
        )
        self.fields["annee"].choices = [("", "Toutes")] + [(str(y), str(y)) for y in years]

    def criteria(self) -> dict:
        if not self.is_valid():
            return {}
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
    text = criteria.get("q", "").strip()
    if text:
        words = Q()
        for word in text.split()[:8]:
            words &= (
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(external_id__icontains=word)
                | Q(pk__in=Action.objects.filter(owners__name__icontains=word).values("pk"))
            )
        actions = actions.filter(words)
    simple = {"orientation": "orientation_id", "enjeu": "priority_id"}
    for name, lookup in simple.items():
        if criteria.get(name):
            actions = actions.filter(**{lookup: criteria[name]})
    if criteria.get("maturite"):
        actions = actions.filter(maturity__in=criteria["maturite"])
    if criteria.get("moa"):
        actions = actions.filter(
            pk__in=Action.owners.through.objects.filter(organisation_id=criteria["moa"]).values("action_id")
        )
    if criteria.get("financeur"):
        actions = actions.filter(
            pk__in=FundingLine.objects.filter(funder_id=criteria["financeur"]).values("action_id")
        )
    if criteria.get("dispositif"):
        actions = actions.filter(
            pk__in=FundingLine.objects.filter(scheme_id=criteria["dispositif"]).values("action_id")
        )
    if criteria.get("commune"):
        actions = actions.filter(
            pk__in=Action.communes.through.objects.filter(commune__insee_code=criteria["commune"]).values(
                "action_id"
            )
        )
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
