from pathlib import Path

from django import forms
from django.conf import settings
from dsfr.forms import DsfrBaseForm

from crte.importers.pipeline import DOCUMENT_SUFFIXES
from crte.importers.spreadsheet import SPREADSHEET_SUFFIXES

ACCEPTED = sorted(DOCUMENT_SUFFIXES | SPREADSHEET_SUFFIXES)


class UploadForm(DsfrBaseForm):
    file = forms.FileField(
        label="Fichier à importer",
        help_text="Tableau de programmation (.xlsx, .ods, .csv) ou contrat en texte (.txt). "
        "Taille maximale : 20 Mo.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ACCEPTED:
            raise forms.ValidationError(
                f"Format « {suffix or 'sans extension'} » non pris en charge : "
                f"formats acceptés {', '.join(ACCEPTED)}."
            )
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError("Le fichier dépasse 20 Mo.")
        if upload.size == 0:
            raise forms.ValidationError("Le fichier est vide.")
        return upload


class ValuesForm(DsfrBaseForm):
    file = forms.FileField(
        label="Fichier de valeurs (.xlsx, .ods, .csv)",
        help_text="Une ligne par valeur : indicateur (identifiant), date ou année, valeur, source.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in {".xlsx", ".ods", ".csv"}:
            raise forms.ValidationError("Formats acceptés : .xlsx, .ods, .csv.")
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError("Le fichier dépasse 20 Mo.")
        return upload
