import uuid
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from crte.actions.forms import in_territory, territory_bodies
from crte.core.formats import format_euros, format_number
from crte.core.forms import OptimisticLockForm, localized_decimal
from crte.core.limits import field_problem
from crte.core.models import Organisation
from crte.core.search_box import ORGANISATIONS, SearchChoiceField, Source
from crte.core.validators import plausible_date
from crte.finance.maquette import GROUP_LABELS
from crte.finance.models import FundingLine
from crte.finance.money import TOLERANCE, cents


def contract_funders(contract):
    """The financers a line of this contract may name: national bodies, the bodies of its
    régions and départements, its territory's bodies, and those its lines already name."""
    territory = contract.territory
    found = Q(is_funder=True, departement__isnull=True, region__isnull=True)
    found |= Q(pk__in=FundingLine.objects.filter(action__contract=contract).values("funder_id"))
    found |= in_territory(contract)
    if territory is not None:
        found |= Q(is_funder=True, commune__isnull=True, departement__in=territory.departements.all())
        found |= Q(
            is_funder=True, commune__isnull=True, departement__isnull=True, region__in=territory.regions.all()
        )
    return Organisation.objects.filter(found).order_by("name")


FUNDERS = Source("financeurs", ORGANISATIONS, rows=contract_funders, near=territory_bodies)


class FundingLineFields(forms.ModelForm):
    """A financing line as a manager writes it (a financer's member writes its own, without
    changing the financer): an amount or a rate of the action's amount, total or per year,
    years within the contract, status and its date, credit type. The amount and the rate,
    when both are given, must agree with the action's amount."""

    rate = forms.DecimalField(
        label="Taux (% du montant de l'action)", required=False, min_value=0, max_value=100, decimal_places=6
    )

    class Meta:
        model = FundingLine
        fields = [
            "funder",
            "scheme",
            "amount",
            "is_annual",
            "start_year",
            "end_year",
            "status",
            "status_changed_on",
            "credit_type",
            "note",
        ]
        field_classes = {"funder": SearchChoiceField}
        widgets = {
            "status_changed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def setup(self, action, *, funder_fixed: bool) -> None:
        self.action = action
        contract = action.contract
        if funder_fixed:
            del self.fields["funder"]
        else:
            self.fields["funder"].searching(FUNDERS, contract)
        localized_decimal(self.fields["amount"])
        localized_decimal(self.fields["rate"])
        if self.instance.pk and self.instance.share is not None:
            self.fields["rate"].initial = (self.instance.share * 100).normalize()

    def clean(self) -> dict:
        cleaned = super().clean()
        amount, rate = cleaned.get("amount"), cleaned.get("rate")
        action_amount = self.action.amount
        if amount is not None:
            problem = field_problem(FundingLine, "amount", amount)
            if problem or amount < 0:
                self.add_error("amount", f"Le montant {problem or 'ne peut pas être négatif'}.")
        if amount is None and rate is None and "amount" not in self.errors and "rate" not in self.errors:
            self.add_error("amount", "Indiquez un montant, ou un taux du montant de l'action.")
        if rate is not None and amount is None and action_amount is None:
            self.add_error("rate", "L'action n'a pas de montant : un taux ne peut pas être chiffré.")
        if amount is not None and rate is not None and action_amount:
            expected = cents(rate / 100 * action_amount)
            if abs(expected - amount) > TOLERANCE:
                self.add_error(
                    "rate",
                    f"Le taux ({format_number(rate, 2)} %) donne {format_euros(expected)}, pas "
                    f"{format_euros(amount)} : corrigez l'un ou l'autre, ou n'en indiquez qu'un.",
                )
        period = (self.action.contract.start_year, self.action.contract.end_year)
        for name in ("start_year", "end_year"):
            year = cleaned.get(name)
            outside = year is not None and all(period) and not period[0] <= year <= period[1]
            if outside and name in self.changed_data:  # an imported line may start before
                self.add_error(name, f"L'année doit être comprise dans le contrat ({period[0]}-{period[1]}).")
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "L'année de fin précède l'année de début.")
        changed_on = cleaned.get("status_changed_on")
        if changed_on and changed_on > timezone.localdate():
            self.add_error("status_changed_on", "La date du statut ne peut pas être dans le futur.")
        if "status" in self.changed_data and not changed_on:
            cleaned["status_changed_on"] = timezone.localdate()
        return cleaned

    def apply_rate(self, line: FundingLine) -> None:
        rate = self.cleaned_data.get("rate")
        line.share = (rate / 100).quantize(Decimal("0.00000001")) if rate is not None else None


class FundingLineForm(FundingLineFields, OptimisticLockForm):
    def __init__(self, *args, action, funder_fixed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(action, funder_fixed=funder_fixed)

    def try_save(self) -> bool:
        self.apply_rate(self.instance)
        return super().try_save()


class FundingLineCreateForm(FundingLineFields, DsfrBaseForm):
    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.action = action
        self.setup(action, funder_fixed=False)

    def save(self, commit=True) -> FundingLine:
        self.instance.external_id = f"saisie-{uuid.uuid4().hex[:12]}"
        self.apply_rate(self.instance)
        return super().save(commit)


class SplitForm(DsfrBaseForm):
    """Part of a line's amount goes to a new line (another financer, scheme or years)."""

    part = forms.DecimalField(label="Montant de la nouvelle ligne (€)", min_value=Decimal("0.01"))

    def __init__(self, *args, line, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        localized_decimal(self.fields["part"])

    def clean_part(self):
        part = self.cleaned_data["part"]
        whole = self.line.resolved_amount()
        if whole is None:
            raise forms.ValidationError("La ligne n'est pas chiffrée : elle ne peut pas être partagée.")
        if part >= whole:
            raise forms.ValidationError(f"Indiquez moins que le montant de la ligne ({format_euros(whole)}).")
        return part


class DateForm(DsfrBaseForm):
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[plausible_date],
    )


def filter_choices(values, empty="Tous") -> list[tuple[str, str]]:
    return [("", empty)] + [(str(v), str(v) if v is not None else "Année non précisée") for v in values]


class MaquetteFilterForm(DsfrBaseForm):
    funder = forms.ChoiceField(label="Financeur", required=False)
    year = forms.ChoiceField(label="Année", required=False)
    orientation = forms.ChoiceField(label="Orientation", required=False)
    credit_type = forms.ChoiceField(label="Type de crédits", required=False)
    status = forms.ChoiceField(label="Statut", required=False)

    def __init__(self, *args, maquette, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = filter_choices(maquette.funders)
        self.fields["year"].choices = filter_choices(maquette.years, "Toutes")
        self.fields["orientation"].choices = filter_choices(maquette.orientations, "Toutes")
        credit_types = sorted({key[3] for key in maquette.cells})
        self.fields["credit_type"].choices = filter_choices(credit_types)
        self.fields["status"].choices = [("", "Tous")] + list(GROUP_LABELS.items())

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
