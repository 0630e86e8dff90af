import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.db.models import F
from dsfr.forms import DsfrBaseForm


class LoginForm(DsfrBaseForm, AuthenticationForm):
    pass


class OptimisticLockForm(DsfrBaseForm, forms.ModelForm):
    """A model form that refuses to overwrite a change saved by someone else since the
    form was displayed. The model needs a `revision` integer field."""

    revision = forms.IntegerField(widget=forms.HiddenInput)

    conflict_message = (
        "Cet élément a été modifié par quelqu'un d'autre depuis l'ouverture du formulaire. "
        "Rechargez la page pour voir ses modifications, puis saisissez à nouveau les vôtres."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revision"].initial = self.instance.revision

    def clean(self) -> dict:
        cleaned = super().clean()
        current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("revision", flat=True)
        if cleaned.get("revision") is not None and cleaned["revision"] not in current:
            self.add_error(None, self.conflict_message)
        return cleaned

    def try_save(self) -> bool:
        """Save unless another edit landed since `clean()`: the revision check and the write
        happen in one transaction, through a conditional UPDATE."""
        expected = self.cleaned_data["revision"]
        model = type(self.instance)
        with transaction.atomic():
            bumped = model.objects.filter(pk=self.instance.pk, revision=expected).update(
                revision=F("revision") + 1
            )
            if not bumped:
                self.add_error(None, self.conflict_message)
                return False
            self.instance.revision = expected + 1
            self.instance._revision_moved = True
            super().save(commit=True)
        return True


def localized_decimal(field: forms.DecimalField) -> None:
    """French decimal input: `1 234 567,89` typed in a text box (a number box refuses the
    comma and the spaces in some browsers)."""
    field.localize = True
    field.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    field.widget.is_localized = True
    parse = field.to_python

    def to_python(value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f€]", "", value)  # thousands spaces and the unit
        return parse(value)

    field.to_python = to_python
