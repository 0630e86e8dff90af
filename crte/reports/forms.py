import datetime as dt

from django import forms
from dsfr.forms import DsfrBaseForm

from crte.core.validators import plausible_date


class DashboardForm(DsfrBaseForm):
    date = forms.DateField(
        label="Situation au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[plausible_date],
    )
    orientation = forms.ChoiceField(label="Orientation", required=False)

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.orientations = {str(o.pk): o for o in contract.orientations.all()}
        self.fields["orientation"].choices = [("", "Tout le contrat")] + [
            (key, o.name) for key, o in self.orientations.items()
        ]

    def choice(self) -> tuple[dt.date | None, object]:
        if not self.is_bound or not self.is_valid():
            return None, None
        return self.cleaned_data.get("date"), self.orientations.get(
            self.cleaned_data.get("orientation") or ""
        )
