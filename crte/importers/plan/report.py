"""The data-quality report of an import: every doubt, with its place and severity.
Errors refuse the file (nothing is written); warnings are imported and shown to fix."""

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from crte.core.formats import format_date, format_number
from crte.importers.plan import Place

ERROR, WARNING, INFO = "erreur", "avertissement", "info"


@dataclass
class Entry:
    severity: str
    code: str
    message: str
    place: Place | None = None
    action: str = ""  # the action's title, when the entry is about one

    def as_dict(self) -> dict:
        data = asdict(self)
        data["place"] = str(self.place) if self.place else ""
        return data


@dataclass
class Change:
    kind: str
    label: str
    field: str
    before: str
    after: str


def shown(value) -> str:
    """A value as people read it: French numbers and dates, « oui »/« non »."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):  # a year or a rank (amounts are decimals): « 2024 », not « 2 024 »
        return str(value)
    if isinstance(value, Decimal):
        decimal = Decimal(value)
        return format_number(decimal, 0 if decimal == decimal.to_integral_value() else 2)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


@dataclass
class Report:
    entries: list[Entry] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    columns: list = field(default_factory=list)  # mapping.ColumnView: how each column was read
    dry_run: bool = False
    written: bool = False

    def add(self, severity: str, code: str, message: str, place=None, action: str = "") -> None:
        self.entries.append(Entry(severity, code, message, place, action))

    def error(self, code: str, message: str, place=None, action: str = "") -> None:
        self.add(ERROR, code, message, place, action)

    def warn(self, code: str, message: str, place=None, action: str = "") -> None:
        self.add(WARNING, code, message, place, action)

    def info(self, code: str, message: str, place=None, action: str = "") -> None:
        self.add(INFO, code, message, place, action)

    @property
    def errors(self) -> list[Entry]:
        return [e for e in self.entries if e.severity == ERROR]

    @property
    def warnings(self) -> list[Entry]:
        return [e for e in self.entries if e.severity == WARNING]

    def change(self, kind: str, label: str, field_name: str, before, after) -> None:
        self.changes.append(Change(kind, label, field_name, shown(before), shown(after)))

    def count(self, kind: str, bucket: str) -> None:
        counts = getattr(self, bucket)
        counts[kind] = counts.get(kind, 0) + 1

    def as_dict(self) -> dict:
        return {
            "ecrit": self.written,
            "simulation": self.dry_run,
            "erreurs": len(self.errors),
            "avertissements": len(self.warnings),
            "crees": self.created,
            "modifies": self.updated,
            "inchanges": self.unchanged,
            "retires": self.removed,
            "modifications": [asdict(c) for c in self.changes],
            "colonnes": [
                {
                    "source": c.source,
                    "colonne": c.letter,
                    "titre": c.header,
                    "compris_comme": c.meaning,
                    "financeur": c.funder,
                    "choisi": c.chosen,
                }
                for c in self.columns
            ],
            "entrees": [e.as_dict() for e in self.entries],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)
