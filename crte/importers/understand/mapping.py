"""How each column of a table is understood, and how a person changes it.

A mapping is `{header key: Choice}`: the column titled so means this field (or a
financer's money, the owner's own share, or nothing). The readers apply it before their
own guess (`spreadsheet.map_header`); the import remembers it per contract
(`models.ColumnMapping`), and the CLI reads it from a CSV file (`read_mapping_file`).
Pure, but for the file's bytes."""

import csv
import io
from dataclasses import dataclass

from crte.importers.understand.headers import header_key

IGNORE, FUNDING, OWN_FUNDING = "ignorer", "financement", "autofinancement"

# What a column may mean, in the order the select lists them.
CHOICES: dict[str, str] = {
    "intitule": "Intitulé de l'action",
    "identifiant": "Identifiant de l'action",
    "orientation": "Orientation / axe",
    "enjeu": "Enjeu",
    "contenu": "Description",
    "maitre_ouvrage": "Maître d'ouvrage",
    "siren_maitre_ouvrage": "SIREN ou SIRET du maître d'ouvrage",
    "insee_maitre_ouvrage": "Code INSEE du maître d'ouvrage (commune)",
    "nature_maitre_ouvrage": "Nature du maître d'ouvrage (commune, EPCI…)",
    "departement_maitre_ouvrage": "Département du maître d'ouvrage",
    "communes": "Communes",
    "montant": "Montant de l'action (coût)",
    "calendrier": "Calendrier / années",
    "annee_debut": "Année de début",
    "annee_fin": "Année de fin",
    "maturite": "Maturité",
    "financeur": "Financeur (une ligne par financement)",
    "identifiant_ligne": "Identifiant du financement (une ligne par financement)",
    "financeur_nomme": "Financeur du montant de même numéro (« Financeur 2 » pour « Montant 2 »)",
    "dispositif": "Dispositif (du financement de la ligne ou de la colonne voisine)",
    "subvention": "Montant demandé ou accordé (une ligne par financement)",
    "taux": "Taux de financement",
    "statut": "Statut du financement",
    FUNDING: "Montant d'un financeur (nommé ci-contre, ou dans la cellule)",
    OWN_FUNDING: "Autofinancement du maître d'ouvrage",
    IGNORE: "Ignorer cette colonne",
}


@dataclass(frozen=True)
class Choice:
    meaning: str  # a key of CHOICES
    funder: str = ""  # for FUNDING: the financer or scheme, as a person writes it


@dataclass
class ColumnView:
    """A column as the preview shows it: where, its title, what it was understood as."""

    source: str
    letter: str
    header: str
    meaning: str
    funder: str = ""
    chosen: bool = False  # the user's (or the contract's remembered) choice

    @property
    def key(self) -> str:
        return header_key(self.header)

    @property
    def label(self) -> str:
        return CHOICES.get(self.meaning, self.meaning)


def meaning_of(field: str, own_funding: bool = False) -> str:
    """A reader's column field as a choice: '' is « ignorer »."""
    if field == "financement":
        return OWN_FUNDING if own_funding else FUNDING
    return field if field in CHOICES else IGNORE


class MappingError(ValueError):
    """A mapping file that cannot be read; the message says where, in French."""


LABELS = {header_key(label): meaning for meaning, label in CHOICES.items()}


def choice_of(text: str) -> str | None:
    """« intitule », « Intitulé de l'action », « IGNORER »: the meaning, or None."""
    key = header_key(text)
    if key in CHOICES:
        return key
    return LABELS.get(key) or next((m for m in CHOICES if header_key(m) == key), None)


def read_mapping_file(data: bytes, name: str) -> dict[str, Choice]:
    """A CSV (`;` or `,`) with the columns « colonne », « champ » and optionally
    « financeur »: one line per column title of the table to import."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MappingError(f"{name} : encodage non reconnu, enregistrez le fichier en UTF-8.") from error
    delimiter = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    fields = {header_key(f): f for f in reader.fieldnames or []}
    if "colonne" not in fields or "champ" not in fields:
        raise MappingError(
            f"{name}, ligne 1 : en-têtes attendus « colonne », « champ » et (facultatif) « financeur »."
        )
    mapping: dict[str, Choice] = {}
    for row in reader:
        line = reader.line_num
        header = (row.get(fields["colonne"]) or "").strip()
        written = (row.get(fields["champ"]) or "").strip()
        if not header and not written:
            continue
        if not header_key(header):
            raise MappingError(f"{name}, ligne {line}, colonne « colonne » : titre de colonne vide.")
        meaning = choice_of(written)
        if meaning is None:
            raise MappingError(
                f"{name}, ligne {line}, colonne « champ » : « {written} » inconnu. Valeurs possibles : "
                f"{', '.join(CHOICES)}."
            )
        funder = (row.get(fields.get("financeur", ""), "") or "").strip() if "financeur" in fields else ""
        mapping[header_key(header)] = Choice(meaning, funder if meaning == FUNDING else "")
    return mapping


def changed_choices(posted: list[tuple[str, str, str, str]]) -> dict[str, Choice]:
    """The preview's form: (header, meaning, funder, shown) per column, `shown` being
    « meaning|funder » as the page showed it. Only what the person changed is kept, so
    the reader's own guesses stay guesses."""
    mapping = {}
    for header, meaning, funder, shown in posted:
        key = header_key(header)
        if not key or meaning not in CHOICES:
            continue
        funder = funder.strip() if meaning == FUNDING else ""
        if f"{meaning}|{funder}" != shown:
            mapping[key] = Choice(meaning, funder)
    return mapping
