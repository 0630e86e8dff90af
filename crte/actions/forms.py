from decimal import Decimal

from django import forms
from dsfr.forms import DsfrBaseForm

from crte.actions.models import Action, ActionChange, MaturationAssessment
from crte.core.forms import OptimisticLockForm, localized_decimal
from crte.core.models import Organisation


class ActionForm(OptimisticLockForm):
    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "orientation",
            "priority",
            "owners",
            "amount",
            "amount_basis",
            "calendar_text",
            "start_year",
            "end_year",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        contract = self.instance.contract
        self.fields["orientation"].queryset = contract.orientations.all()
        self.fields["priority"].queryset = self.fields["priority"].queryset.filter(
            orientation__contract=contract
        )
        self.fields["owners"].queryset = Organisation.objects.order_by("name")
        localized_decimal(self.fields["amount"])
        self.fields["amount"].min_value = 0

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError("Le montant ne peut pas être négatif.")
        return amount

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        for name in ("start_year", "end_year"):
            year = cleaned.get(name)
            if year is not None and not 2000 <= year <= 2100:
                self.add_error(name, "Indiquez une année entre 2000 et 2100.")
        if start and end and end < start:
            self.add_error("end_year", "L'année de fin précède l'année de début.")
        priority, orientation = cleaned.get("priority"), cleaned.get("orientation")
        if priority and orientation and priority.orientation_id != orientation.pk:
            self.add_error("priority", "Cet enjeu prioritaire ne relève pas de l'orientation choisie.")
        return cleaned


class ProgressForm(OptimisticLockForm):
    class Meta:
        model = Action
        fields = ["progress_percent", "progress_note"]
        widgets = {"progress_note": forms.Textarea(attrs={"rows": 5})}

    def clean_progress_percent(self):
        value = self.cleaned_data.get("progress_percent")
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError("Indiquez un pourcentage entre 0 et 100.")
        return value


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
