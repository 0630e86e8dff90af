from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from crte.actions.models import Action
from crte.contracts.models import Amendment, Contract
from crte.core.models import Organisation
from crte.core.validators import plausible_date
from crte.governance.models import (
    AgendaItem,
    CharterAdhesion,
    Committee,
    Decision,
    EngineeringRequest,
    Meeting,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(DsfrBaseForm, forms.ModelForm):
    committee_kind = forms.ChoiceField(
        label="Instance",
        choices=[(k, label) for k, label in Committee.Kind.choices],
    )

    class Meta:
        model = Meeting
        fields = ["date", "place", "attendees", "attending_organisations"]
        widgets = {
            "date": DATE,
            "attendees": forms.Textarea(attrs={"rows": 4}),
            "attending_organisations": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["committee_kind", "date", "place", "attendees", "attending_organisations"])
        self.fields["attending_organisations"].queryset = Organisation.objects.filter(
            is_funder=True
        ).order_by("name")
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


class AmendmentForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Amendment
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ApproveAmendmentForm(DsfrBaseForm):
    approved_on = forms.DateField(
        label="Date d'approbation par les signataires", widget=DATE, validators=[plausible_date]
    )


class AdhesionForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = CharterAdhesion
        fields = ["organisation", "requested_on", "motivation"]
        widgets = {"requested_on": DATE, "motivation": forms.Textarea(attrs={"rows": 3})}


class EngineeringRequestForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = EngineeringRequest
        fields = ["partner", "phase", "subject", "action", "status", "requested_on", "follow_up"]
        widgets = {"requested_on": DATE, "follow_up": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = contract.actions.order_by("title")
        self.fields["partner"].queryset = Organisation.objects.exclude(
            category=Organisation.Category.COMMUNE
        ).order_by("name")


class ValidatingCommitteeForm(DsfrBaseForm, forms.ModelForm):
    """Which committee validates the contract's actions (the COPIL unless the contract says
    otherwise; the other prepares)."""

    class Meta:
        model = Contract
        fields = ["validating_committee"]


class AmendmentActionsForm(DsfrBaseForm):
    """The actions an amendment in project adds to the contract and those it withdraws."""

    added = forms.ModelMultipleChoiceField(
        label="Actions ajoutées par l'avenant",
        queryset=None,
        required=False,
        help_text="Actions à l'état d'idée, en maturation ou prêtes : l'avenant approuvé les valide.",
        widget=forms.SelectMultiple(attrs={"data-filterable": "true", "size": 6}),
    )
    removed = forms.ModelMultipleChoiceField(
        label="Actions retirées par l'avenant",
        queryset=None,
        required=False,
        help_text="L'avenant approuvé les abandonne, avec sa référence.",
        widget=forms.SelectMultiple(attrs={"data-filterable": "true", "size": 6}),
    )

    def __init__(self, *args, amendment, **kwargs):
        super().__init__(*args, **kwargs)
        actions = amendment.contract.actions.order_by("title")
        M = Action.Maturity
        self.fields["added"].queryset = actions.filter(maturity__in=[M.IDEE, M.EN_MATURATION, M.PRETE])
        self.fields["removed"].queryset = actions.exclude(maturity__in=[M.ACHEVEE, M.ABANDONNEE])
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
