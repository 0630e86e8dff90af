import re
from pathlib import Path

from django import forms
from dsfr.forms import DsfrBaseForm

from crte.importers.read import DOCUMENT_SUFFIXES, SPREADSHEET_SUFFIXES
from crte.importers.read.guard import MAX_FILE_BYTES

ACCEPTED = sorted(DOCUMENT_SUFFIXES | SPREADSHEET_SUFFIXES)
TOO_LARGE = f"Le fichier dépasse {MAX_FILE_BYTES // 1024**2} Mo."


class UploadForm(DsfrBaseForm):
    file = forms.FileField(
        label="Fichier à importer",
        help_text="Tableau de programmation (.xlsx, .ods, .csv) ou contrat (.pdf, .docx, .odt, .txt). "
        f"Taille maximale : {MAX_FILE_BYTES // 1024**2} Mo.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    territory = forms.CharField(
        label="SIREN du groupement (facultatif)",
        required=False,
        help_text="L'EPCI, ou les EPCI séparés par des virgules, que couvre le contrat, quand le "
        "document ne le nomme pas d'une façon que le référentiel national reconnaît.",
    )

    def clean_territory(self):
        return clean_sirens(self.cleaned_data["territory"])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ACCEPTED:
            raise forms.ValidationError(
                f"Format « {suffix or 'sans extension'} » non pris en charge : "
                f"formats acceptés {', '.join(ACCEPTED)}."
            )
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(TOO_LARGE)
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
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        return upload


def clean_sirens(text: str) -> str:
    """« 200 067 072, 200033579 » -> « 200067072,200033579 »; each a SIREN of nine digits."""
    sirens = [re.sub(r"\s", "", part) for part in re.split(r"[,;]", text or "") if part.strip()]
    wrong = [s for s in sirens if not re.fullmatch(r"\d{9}", s)]
    if wrong:
        raise forms.ValidationError(f"SIREN mal formé (9 chiffres attendus) : {', '.join(wrong)}.")
    return ",".join(sirens)


class TerritoryForm(DsfrBaseForm):
    territory = forms.CharField(
        label="SIREN du groupement",
        help_text="Choisissez l'EPCI dans la liste (saisissez une partie de son nom) ou tapez son SIREN ; "
        "plusieurs EPCI : SIREN séparés par des virgules.",
        widget=forms.TextInput(attrs={"list": "groupements", "autocomplete": "off"}),
    )

    def clean_territory(self):
        text = self.cleaned_data["territory"]
        found = re.search(r"\((\d{9})\)\s*$", text)  # « CC Haut-Léon Communauté (200067072) »
        return clean_sirens(found[1] if found else text)
