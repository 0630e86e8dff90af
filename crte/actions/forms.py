import re
from decimal import Decimal

from django import forms
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify
from dsfr.forms import DsfrBaseForm

from crte.actions.models import Action, ActionChange, MaturationAssessment, ProgressReport, allowed_from
from crte.contracts.models import Priority
from crte.core.forms import OptimisticLockForm, localized_decimal
from crte.core.limits import field_problem, year_problem
from crte.core.models import Commune, Organisation, OrganisationAlias
from crte.core.search_box import COMMUNES, ORGANISATIONS, Kind, SearchMultipleChoiceField, Source

ACTION_FIELDS = [
    "title",
    "description",
    "orientation",
    "priority",
    "owners",
    "communes",
    "amount",
    "amount_basis",
    "calendar_text",
    "start_year",
    "end_year",
]


def territory_bodies(contract):
    """The bodies an action of this contract is usually carried by: its communes, its
    groupings, its départements and régions, and whoever already carries one of its
    actions (offered first when one searches for a body)."""
    return Organisation.objects.filter(in_territory(contract)).order_by("name")


def in_territory(contract) -> Q:
    """`territory_bodies` as a condition on organisations, each part a subquery on its own
    key: one scan of the organisations, never a join that multiplies them."""
    territory = contract.territory
    owners = Action.owners.through.objects.filter(action__contract=contract)
    found = Q(pk__in=owners.values("organisation_id"))
    if territory is not None:
        found |= (
            Q(commune__in=territory.communes.all())
            | Q(pk=territory.epci_id)
            | Q(pk__in=territory.groupings.values("organisation_id"))
            | Q(category=Organisation.Category.DEPARTEMENT, departement__in=territory.departements.all())
            | Q(category=Organisation.Category.REGION, region__in=territory.regions.all())
        )
    return found


def territory_communes(contract):
    territory = contract.territory
    return Commune.objects.filter(territories=territory) if territory else Commune.objects.none()


ACTIONS = Kind(
    noun="une action",
    names=("title",),
    order=("title", "pk"),
    detail=lambda action: action.get_maturity_display(),
    hint="Tapez le début d'un mot de l'intitulé, puis choisissez dans la liste.",
)
# Any body of France may carry an action (the territory's first); its communes are the
# territory's.
OWNERS = Source(
    "maitres-ouvrage", ORGANISATIONS, rows=lambda contract: Organisation.objects.all(), near=territory_bodies
)
PLACES = Source("communes", COMMUNES, rows=territory_communes)


class ActionFields(forms.ModelForm):
    """What a manager writes on a fiche: every field, maîtres d'ouvrage and communes chosen
    in search boxes, or a body unknown to the national reference written by its name."""

    other_owner = forms.CharField(
        label="Autre maître d'ouvrage",
        required=False,
        max_length=200,
        help_text="Nom d'un organisme absent du référentiel national : il est créé (un SIREN ou le nom "
        "exact d'un organisme du référentiel est aussi accepté).",
    )

    class Meta:
        model = Action
        fields = ACTION_FIELDS
        field_classes = {"owners": SearchMultipleChoiceField, "communes": SearchMultipleChoiceField}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def setup(self, contract) -> None:
        self.fields["orientation"].queryset = contract.orientations.all()
        self.fields["priority"].queryset = Priority.objects.filter(orientation__contract=contract)
        self.fields["owners"].searching(OWNERS, contract)
        self.fields["owners"].required = False
        communes = territory_communes(contract)
        if self.instance.pk:  # a commune named before the territory changed stays valid
            communes = (communes | Commune.objects.filter(actions=self.instance)).distinct()
        self.fields["communes"].searching(PLACES, contract, queryset=communes)
        self.fields["communes"].required = False
        localized_decimal(self.fields["amount"])
        self.fields["amount"].min_value = 0

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError("Le montant ne peut pas être négatif.")
        problem = field_problem(Action, "amount", amount) if amount is not None else None
        if problem:
            raise forms.ValidationError(f"Le montant {problem}.")
        return amount

    def clean_other_owner(self):
        text = " ".join(self.cleaned_data.get("other_owner", "").split())
        if not text:
            return None
        digits = re.sub(r"\s", "", text)
        if re.fullmatch(r"\d{9}", digits):
            found = Organisation.objects.filter(siren=digits).first()
            if found is None:
                raise forms.ValidationError(
                    f"Aucun organisme de SIREN {digits} dans le référentiel national."
                )
            return found
        return (
            OrganisationAlias.objects.resolve(text)
            or Organisation.objects.filter(name__iexact=text).first()
            or text
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        for name in ("start_year", "end_year"):
            problem = year_problem(cleaned.get(name))
            if problem:
                self.add_error(name, problem[0].upper() + problem[1:] + ".")
        if start and end and end < start:
            self.add_error("end_year", "L'année de fin précède l'année de début.")
        priority, orientation = cleaned.get("priority"), cleaned.get("orientation")
        if priority and orientation and priority.orientation_id != orientation.pk:
            self.add_error("priority", "Cet enjeu prioritaire ne relève pas de l'orientation choisie.")
        return cleaned

    def save_other_owner(self, action: Action) -> None:
        other = self.cleaned_data.get("other_owner")
        if isinstance(other, str):
            other = Organisation.objects.create(
                name=other[:200], category=Organisation.Category.INCONNU, source="saisi sur une fiche action"
            )
        if other is not None:
            action.owners.add(other)


class ActionForm(ActionFields, OptimisticLockForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup(self.instance.contract)

    def try_save(self) -> bool:
        saved = super().try_save()
        if saved:
            self.save_other_owner(self.instance)
        return saved


class ActionCreateForm(ActionFields, DsfrBaseForm):
    """A new action (blank, or a copy of another one): an idea until it matures."""

    def __init__(self, *args, contract, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.contract = contract
        self.setup(contract)

    def save(self, commit=True) -> Action:
        action = self.instance
        action.external_id = unique_external_id(action.contract, action.title)
        action.order = (action.contract.actions.aggregate(m=Max("order"))["m"] or 0) + 1
        action.maturity = Action.Maturity.IDEE
        action.source = "créée sur la plateforme"
        saved = super().save(commit=commit)
        self.save_other_owner(saved)
        return saved


def unique_external_id(contract, title: str) -> str:
    base = slugify(title)[:60].strip("-") or "action"
    taken = set(contract.actions.filter(external_id__startswith=base).values_list("external_id", flat=True))
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


class ProgressReportForm(DsfrBaseForm, forms.ModelForm):
    """A dated progress report: %, amount spent, note, and (for an action validated or
    engaged) the maturity the maître d'ouvrage declares, for a manager to confirm."""

    class Meta:
        model = ProgressReport
        fields = ["on", "percent", "spent", "note", "declared"]
        widgets = {
            "on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["on"].initial = timezone.localdate()
        localized_decimal(self.fields["spent"])
        declarable = [
            (value, label)
            for value, label in ProgressReport.Declared.choices
            if action.maturity in allowed_from({"engagee": "commit", "en_cours": "start"}[value])
        ]
        self.fields["declared"].choices = [("", "Pas de changement")] + declarable
        self.fields["declared"].label = "Déclarer l'action"

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        return on

    def clean_percent(self):
        value = self.cleaned_data.get("percent")
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError("Indiquez un pourcentage entre 0 et 100.")
        return value

    def clean_spent(self):
        spent = self.cleaned_data.get("spent")
        if spent is not None:
            problem = field_problem(ProgressReport, "spent", spent)
            if spent < 0 or problem:
                raise forms.ValidationError(f"Le montant {problem or 'ne peut pas être négatif'}.")
        return spent

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) not in (None, "") for name in ("percent", "spent", "note", "declared")):
            raise forms.ValidationError(
                "Indiquez au moins un avancement, un montant dépensé, un commentaire ou une maturité."
            )
        return cleaned


class TransitionForm(DsfrBaseForm):
    reason = forms.CharField(label="Motif", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ChangeProposalForm(DsfrBaseForm, forms.ModelForm):
    """A proposed change to a fiche: the new values, kept as a diff until a committee
    decides (Art. 4-3)."""

    reason = forms.CharField(label="Motif de l'évolution", widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Action
        fields = list(ActionChange.EDITABLE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localized_decimal(self.fields["amount"])

    def diff(self) -> dict:
        original = Action.objects.get(pk=self.instance.pk)
        changes = {}
        for field in ActionChange.EDITABLE_FIELDS:
            old, new = getattr(original, field), self.cleaned_data.get(field)
            if old != new and not (old in (None, "") and new in (None, "")):
                changes[field] = [as_json(old), as_json(new)]
        return changes

    def clean(self):
        cleaned = super().clean()
        amount = cleaned.get("amount")
        if amount is not None and amount < 0:
            self.add_error("amount", "Le montant ne peut pas être négatif.")
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "L'année de fin précède l'année de début.")
        if not self.errors and not self.diff():
            raise forms.ValidationError("Aucune modification par rapport à la fiche actuelle.")
        return cleaned


def as_json(value):
    return str(value) if isinstance(value, Decimal) else value


class AssessmentForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = MaturationAssessment
        fields = [
            "compatibility",
            "compatibility_comment",
            "feasibility",
            "feasibility_comment",
            "exemplarity",
            "exemplarity_comment",
            "collective",
            "collective_comment",
            "propose_to_copil",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields if name.endswith("_comment")}


class FinancingGapForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Action
        fields = ["financing_gap_reason"]
        widgets = {"financing_gap_reason": forms.Textarea(attrs={"rows": 2})}
