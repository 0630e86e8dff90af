from django import forms
from django.utils import timezone
from django.utils.text import slugify
from dsfr.forms import DsfrBaseForm

from crte.core.forms import localized_decimal
from crte.core.limits import MEASURE_YEAR_MIN, YEAR_MAX, YEAR_MIN, field_problem
from crte.indicators.models import Indicator, Measurement, Target

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeasurementForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["date", "value", "source"]
        widgets = {"date": DATE}
        help_texts = {"date": "Le 1er janvier pour une valeur annuelle."}

    def __init__(self, *args, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        localized_decimal(self.fields["value"])
        self.fields["source"].required = True

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date")
        if day and not MEASURE_YEAR_MIN <= day.year <= YEAR_MAX:
            self.add_error("date", f"Indiquez une date entre {MEASURE_YEAR_MIN} et {YEAR_MAX}.")
        elif day and day > timezone.localdate():
            self.add_error("date", "Une valeur mesurée ne peut pas être datée dans le futur (une cible, si).")
        value = cleaned.get("value")
        problem = field_problem(Measurement, "value", value) if value is not None else None
        if problem:
            self.add_error("value", f"La valeur {problem}.")
        return cleaned


class IndicatorForm(DsfrBaseForm, forms.ModelForm):
    target_year = forms.IntegerField(
        label="Année de la cible", required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    target_value = forms.DecimalField(
        label="Valeur cible",
        required=False,
        localize=True,
        max_digits=Target._meta.get_field("value").max_digits,
        decimal_places=Target._meta.get_field("value").decimal_places,
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "direction",
            "level",
            "orientation",
            "action",
            "source",
            "description",
            "baseline_year",
            "baseline_value",
            "catalogue_entry",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.fields["orientation"].queryset = contract.orientations.all()
        self.fields["action"].queryset = contract.actions.order_by("title")
        self.fields["catalogue_entry"].queryset = Indicator.objects.filter(contract=None)
        localized_decimal(self.fields["baseline_value"])
        localized_decimal(self.fields["target_value"])

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("level")
        if level == Indicator.Level.ORIENTATION and not cleaned.get("orientation"):
            self.add_error("orientation", "Choisissez l'orientation suivie.")
        if level == Indicator.Level.ACTION and not cleaned.get("action"):
            self.add_error("action", "Choisissez l'action suivie.")
        if level != Indicator.Level.ORIENTATION:
            cleaned["orientation"] = None
        if level != Indicator.Level.ACTION:
            cleaned["action"] = None
        if (cleaned.get("target_year") is None) != (cleaned.get("target_value") is None):
            self.add_error("target_value", "Indiquez l'année et la valeur de la cible.")
        year = cleaned.get("baseline_year")
        if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
            self.add_error("baseline_year", f"Indiquez une année entre {YEAR_MIN} et {YEAR_MAX}.")
        return cleaned

    def save(self, commit=True):
        indicator = super().save(commit=False)
        indicator.contract = self.contract
        if not indicator.code:
            indicator.code = slugify(indicator.name)[:60] or "indicateur"
        indicator.orientation = self.cleaned_data.get("orientation")
        indicator.action = self.cleaned_data.get("action")
        indicator.save()
        if self.cleaned_data.get("target_year") is not None:
            Target.objects.update_or_create(
                indicator=indicator,
                year=self.cleaned_data["target_year"],
                defaults={"value": self.cleaned_data["target_value"]},
            )
        return indicator
