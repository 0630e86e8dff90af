from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from crte.core.forms import OptimisticLockForm
from crte.core.validators import plausible_date
from crte.finance.maquette import GROUP_LABELS
from crte.finance.models import FundingLine


class FundingLineStatusForm(OptimisticLockForm):
    """What a financer's member updates on its own lines: the status, its date, a note."""

    class Meta:
        model = FundingLine
        fields = ["status", "status_changed_on", "note"]
        widgets = {
            "status_changed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        changed_on = cleaned.get("status_changed_on")
        if changed_on and changed_on > timezone.localdate():
            self.add_error("status_changed_on", "La date du statut ne peut pas être dans le futur.")
        if "status" in self.changed_data and not changed_on:
            cleaned["status_changed_on"] = timezone.localdate()
        return cleaned


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
