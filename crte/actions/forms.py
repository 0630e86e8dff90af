from django import forms

from crte.actions.models import Action
from crte.core.forms import OptimisticLockForm
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
        self.fields["amount"].localize = True
        self.fields["amount"].widget.is_localized = True
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
            self.add_error(
                "priority", "Cet enjeu prioritaire ne relève pas de l'orientation choisie."
            )
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
