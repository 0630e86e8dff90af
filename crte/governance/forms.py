from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from crte.actions.forms import ACTIONS
from crte.actions.models import Action
from crte.contracts.models import Amendment, Contract
from crte.core.models import Organisation
from crte.core.search_box import (
    ORGANISATIONS,
    SearchChoiceField,
    SearchMultipleChoiceField,
    Source,
)
from crte.core.validators import plausible_date
from crte.finance.forms import contract_funders
from crte.governance.models import (
    AgendaItem,
    CharterAdhesion,
    Committee,
    Decision,
    EngineeringRequest,
    Meeting,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The organisations of France (36 900) and a contract's actions are chosen in search boxes,
# the contract's own bodies first.
ATTENDING = Source(
    "structures-representees",
    ORGANISATIONS,
    rows=lambda contract: Organisation.objects.filter(is_funder=True),
    near=contract_funders,
)
ADHERING = Source(
    "organismes", ORGANISATIONS, rows=lambda contract: Organisation.objects.all(), near=contract_funders
)
PARTNERS = Source(
    "partenaires",
    ORGANISATIONS,
    rows=lambda contract: Organisation.objects.exclude(category=Organisation.Category.COMMUNE),
    near=contract_funders,
)
CONTRACT_ACTIONS = Source("actions", ACTIONS, rows=lambda contract: contract.actions.all())
ADDABLE = [Action.Maturity.IDEE, Action.Maturity.EN_MATURATION, Action.Maturity.PRETE]
ADDED = Source(
    "actions-ajoutables", ACTIONS, rows=lambda contract: contract.actions.filter(maturity__in=ADDABLE)
)
OVER = [Action.Maturity.ACHEVEE, Action.Maturity.ABANDONNEE]
REMOVED = Source(
    "actions-retirables", ACTIONS, rows=lambda contract: contract.actions.exclude(maturity__in=OVER)
)


class MeetingForm(DsfrBaseForm, forms.ModelForm):
    committee_kind = forms.ChoiceField(
        label="Instance",
        choices=[(k, label) for k, label in Committee.Kind.choices],
    )

    class Meta:
        model = Meeting
        fields = ["date", "place", "attendees", "attending_organisations"]
        field_classes = {"attending_organisations": SearchMultipleChoiceField}
        widgets = {"date": DATE, "attendees": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["committee_kind", "date", "place", "attendees", "attending_organisations"])
        self.fields["attending_organisations"].searching(ATTENDING, contract)
        self.fields["attending_organisations"].required = False


class MeetingUpdateForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["status", "date", "place", "attendees", "notes", "minutes_approved_on"]
        widgets = {
            "date": DATE,
            "minutes_approved_on": DATE,
            "attendees": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 6}),
        }

    def clean(self):
        cleaned = super().clean()
        when, status = cleaned.get("date"), cleaned.get("status")
        if when and status == Meeting.Status.TENUE and when > timezone.localdate():
            self.add_error("status", "Une réunion datée dans le futur ne peut pas être déjà tenue.")
        approved = cleaned.get("minutes_approved_on")
        if approved and when and approved < when:
            self.add_error(
                "minutes_approved_on", "Le compte rendu ne peut pas être approuvé avant la réunion."
            )
        if approved and approved > timezone.localdate():
            self.add_error("minutes_approved_on", "La date d'approbation ne peut pas être dans le futur.")
        return cleaned


class AgendaItemForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


# The decision a point of the agenda calls for.
DECISION_FOR_ITEM = {
    AgendaItem.Kind.VALIDATION_ACTION: Decision.Kind.VALIDATION_ACTION,
    AgendaItem.Kind.PROJET_MATURATION: Decision.Kind.INTEGRATION_PROJET,
    AgendaItem.Kind.EVOLUTION_FICHE: Decision.Kind.EVOLUTION_FICHE,
    AgendaItem.Kind.ACTION_RETARD: Decision.Kind.MESURE_RECTIFICATIVE,
    AgendaItem.Kind.EVALUATION_ANNUELLE: Decision.Kind.VALIDATION_EVALUATION,
    AgendaItem.Kind.AVENANT: Decision.Kind.AVENANT,
    AgendaItem.Kind.ADHESION_CHARTE: Decision.Kind.ADHESION_CHARTE,
}


class DecisionForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["kind", "outcome", "subject", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, item: AgendaItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None and not self.is_bound:
            self.initial.setdefault("kind", DECISION_FOR_ITEM.get(item.kind, Decision.Kind.AUTRE))
            self.initial.setdefault("subject", item.title)


class DecisionTargetForm(forms.Form):
    """The point of the agenda a decision answers (none for a decision outside the agenda)."""

    item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(),
        required=False,
        error_messages={"invalid_choice": "ce point n'est pas à l'ordre du jour de cette réunion."},
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.agenda.all()


class AmendmentForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Amendment
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ApproveAmendmentForm(DsfrBaseForm):
    """The signatories' approval of an amendment, with the committee's derogation reason
    for each action it validates that fails Art. 4-2 (`failing`: versions.ActionConditions)."""

    PREFIX = "derogation_"

    approved_on = forms.DateField(
        label="Date d'approbation par les signataires", widget=DATE, validators=[plausible_date]
    )

    def __init__(self, *args, amendment, failing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.amendment = amendment
        self.auto_id = f"approbation{amendment.pk}_%s"
        self.fields["approved_on"].error_messages["required"] = "indiquez la date d'approbation."
        for item in failing:
            self.fields[f"{self.PREFIX}{item.action.pk}"] = forms.CharField(
                label=f"Dérogation à l'art. 4-2 pour « {item.action.title} » : motif du comité",
                help_text=(
                    f"Manque : {item.missing}. Sans motif, l'approbation est refusée ; "
                    "le motif figure ensuite dans l'historique de l'action."
                ),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def derogations(self) -> dict[int, str]:
        """Action id -> the reason given (empty ones left out)."""
        return {
            int(name.removeprefix(self.PREFIX)): value.strip()
            for name, value in self.cleaned_data.items()
            if name.startswith(self.PREFIX) and value.strip()
        }


class AdhesionForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = CharterAdhesion
        fields = ["organisation", "requested_on", "motivation"]
        field_classes = {"organisation": SearchChoiceField}
        widgets = {"requested_on": DATE, "motivation": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].searching(ADHERING, contract)
        self.fields["organisation"].error_messages["required"] = "choisissez la structure."


class EngineeringRequestForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = EngineeringRequest
        fields = ["partner", "phase", "subject", "action", "status", "requested_on", "follow_up"]
        field_classes = {"partner": SearchChoiceField, "action": SearchChoiceField}
        widgets = {"requested_on": DATE, "follow_up": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].searching(CONTRACT_ACTIONS, contract)
        self.fields["partner"].searching(PARTNERS, contract)


class ValidatingCommitteeForm(DsfrBaseForm, forms.ModelForm):
    """Which committee validates the contract's actions (the COPIL unless the contract says
    otherwise; the other prepares)."""

    class Meta:
        model = Contract
        fields = ["validating_committee"]


class AmendmentActionsForm(DsfrBaseForm):
    """The actions an amendment in project adds to the contract and those it withdraws."""

    added = SearchMultipleChoiceField(
        label="Actions ajoutées par l'avenant",
        queryset=None,
        required=False,
        help_text="Actions à l'état d'idée, en maturation ou prêtes : l'avenant approuvé les valide.",
    )
    removed = SearchMultipleChoiceField(
        label="Actions retirées par l'avenant",
        queryset=None,
        required=False,
        help_text="L'avenant approuvé les abandonne, avec sa référence.",
    )

    def __init__(self, *args, amendment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added"].searching(ADDED, amendment.contract)
        self.fields["removed"].searching(REMOVED, amendment.contract)
        self.fields["added"].initial = list(amendment.added_actions.all())
        self.fields["removed"].initial = list(amendment.removed_actions.all())
        self.auto_id = f"avenant{amendment.pk}_%s"

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("added") or []) & set(cleaned.get("removed") or [])
        if both:
            raise forms.ValidationError(
                "Une action ne peut pas être à la fois ajoutée et retirée par l'avenant."
            )
        return cleaned
