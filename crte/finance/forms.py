from django import forms
from django.utils import timezone

from crte.core.forms import OptimisticLockForm
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
