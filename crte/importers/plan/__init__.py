"""What an import intends to write, as plain data: every reader (contract document,
spreadsheet) produces an ImportPlan; quality checks read it (`plan/quality.py`);
`write/load.py`'s `run_import` writes it in one transaction. Nothing here touches the
database."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class Place:
    """Where a value comes from: file, line, column (1-based; column may be a name)."""

    file: str
    line: int | None = None
    column: str = ""
    page: int | None = None  # PDF documents

    def __str__(self) -> str:
        text = self.file
        if self.page:
            text += f", page {self.page}"
        if self.line:
            text += f", ligne {self.line}"
        if self.column:
            text += f", colonne {self.column}"
        return text


@dataclass
class LinePlan:
    external_id: str
    funder: str | None  # canonical name from the catalogue, or as written when unknown
    funder_known: bool
    amount: Decimal | None = None
    share: Decimal | None = None
    is_annual: bool = False
    status: str = "prevu"
    scheme: str = ""
    credit_type: str = ""
    source_text: str = ""
    note: str = ""
    place: Place | None = None
    is_joint: bool = False  # a co-financer named with another one's figure, not split


@dataclass
class ActionPlan:
    external_id: str
    title: str
    orientation: str  # orientation name; "" means "À classer"
    place: Place
    description: str = ""
    priority_hint: str = ""
    owners: list[str] = field(default_factory=list)
    # The owner as the row identifies it best (issue 21, item 4): SIREN (or a SIRET's first
    # nine digits), else the INSEE code of a commune; its nature (« commune », « EPCI »)
    # when the source gives it. They describe `owners[0]`, or the owner when no name is given.
    owner_siren: str = ""
    owner_insee: str = ""
    owner_nature: str = ""
    communes: list[str] = field(default_factory=list)  # INSEE codes
    commune_names: list[str] = field(default_factory=list)  # names, resolved by the writer
    amount: Decimal | None = None
    amount_basis: str = "total"
    amount_text: str = ""
    calendar_text: str = ""
    start_year: int | None = None
    end_year: int | None = None
    maturity: str = "validee"  # a signed contract's annex; tables start at « idée »
    maturity_text: str = ""  # as the source wrote it
    lines: list[LinePlan] = field(default_factory=list)
    has_financing_columns: bool = True  # False when the source has no financing at all


@dataclass
class OrientationPlan:
    name: str
    priorities: list[str] = field(default_factory=list)


@dataclass
class ProgrammePlan:
    code: str
    kind: str
    name: str
    description: str = ""
    start_year: int | None = None
    end_year: int | None = None
    partners: list[str] = field(default_factory=list)


@dataclass
class TargetPlan:
    """A quantified objective of the contract (PCAET 2030 targets)."""

    indicator_code: str
    name: str
    unit: str
    direction: str
    year: int
    relative_change: Decimal | None = None  # -0.13 for "-13 %", 4 for "× 5"
    baseline_year: int | None = None
    text: str = ""
    catalogue_id: str = ""  # the national indicator it refines (crte_2.1...)


@dataclass
class ImportPlan:
    source: str
    contract_name: str = ""
    epci_name: str = ""
    epci_short: str = ""
    territory_sirens: list[str] = field(default_factory=list)  # the groupings identified
    signatories: list[tuple[str, str, str]] = field(default_factory=list)  # party, person, title
    signed_on: date | None = None
    start_year: int | None = None
    end_year: int | None = None
    duration_years: int | None = None
    orientations: list[OrientationPlan] = field(default_factory=list)
    actions: list[ActionPlan] = field(default_factory=list)
    programmes: list[ProgrammePlan] = field(default_factory=list)
    targets: list[TargetPlan] = field(default_factory=list)
    facts: list = field(default_factory=list)  # figures.DocFact: figures and commitments
    is_document: bool = False  # carries contract metadata (vs a bare spreadsheet)
