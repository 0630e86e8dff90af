"""Reads a CRTE document converted to text (from Word or PDF) laid out like the reference
contract: the parties and signature, the orientations of Art. 3 with their enjeux
prioritaires and programming lists, and the annex table (tab-separated rows).

Pure functions: the result is plain data, written to the database by `load.py`."""

import re
from dataclasses import dataclass, field
from datetime import date

from crte.core.text import normalize_label

_MONTH_NAMES = (
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre"
)
MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES.split(), start=1)}
NUMBER_WORDS = {"trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "dix": 10}
ANNEX_COLUMNS = 8  # maître d'ouvrage, opération, contenu, montant, EPCI, État, autres, calendrier


@dataclass
class DocOrientation:
    name: str
    heading: str
    line: int
    priorities: list[str] = field(default_factory=list)
    programme_now: list[str] = field(default_factory=list)  # "Programmation 2022"
    programme_later: list[str] = field(default_factory=list)  # "Programmation 2023-2026"


@dataclass
class AnnexRow:
    line: int
    orientation: str  # heading as written in the annex
    priority_hint: str  # the enjeu line above the row, as written
    owners: list[str]
    title: str
    content: str
    amount_text: str
    epci_text: str
    state_text: str
    others_text: str
    calendar_text: str


@dataclass
class Signatory:
    party: str
    person: str
    title: str


@dataclass
class ContractDocument:
    title: str = ""
    epci_name: str = ""
    epci_short: str = ""
    signatories: list[Signatory] = field(default_factory=list)
    signed_on: date | None = None
    duration_years: int | None = None
    start_year: int | None = None
    end_year: int | None = None
    orientations: list[DocOrientation] = field(default_factory=list)
    annex_rows: list[AnnexRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def clean_cell(text: str) -> str:
    """Remove HTML tags and Markdown emphasis; collapse spaces."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\^\{([^}]*)\}", r"\1", text)  # 1^{er} -> 1er
    text = text.replace("**", "").replace("*", "")
    return " ".join(text.split())


def clean_item(text: str) -> str:
    """A list item: bullets and emphasis around it removed, trailing comma dropped."""
    text = clean_cell(text)
    text = re.sub(r"^[-–•✓⇒\s]+", "", text)
    return text.rstrip(" ,;").strip()


def is_heading(line: str) -> bool:
    """An orientation heading: a short line in capitals ('SE DEPLACER', "S'EPANOUIR")."""
    text = clean_cell(line)
    letters = re.sub(r"[^A-Za-zÀ-ÖØ-öø-ÿ]", "", text)
    return 3 <= len(text) <= 40 and letters.isupper() and not re.search(r"\d", text)


def _find(lines: list[str], pattern: str, start: int = 0) -> int:
    regex = re.compile(pattern, re.IGNORECASE)
    for i in range(start, len(lines)):
        if regex.search(lines[i]):
            return i
    return -1


def _display_name(heading: str, text: str) -> str:
    """'SE DEPLACER' -> 'Se déplacer', taking the accents from where the text writes the
    same words in lower case."""
    key = normalize_label(heading)
    words = key.split()
    pattern = r"\b" + r"[\s'’]+".join(r"[\wÀ-ÿ]+" for _ in words) + r"\b"
    for match in re.finditer(pattern, text):
        candidate = match.group(0)
        if candidate.islower() and normalize_label(candidate) == key:
            return candidate[0].upper() + candidate[1:].replace("’", "'")
    return heading.capitalize()


def read_orientations(lines: list[str], text: str) -> list[DocOrientation]:
    start = _find(lines, r"^\s*Art\.?\s*3\b")
    end = _find(lines, r"^\s*Art\.?\s*4\b", max(start, 0))
    if start < 0 or end < 0:
        return []
    orientations: list[DocOrientation] = []
    section = None
    for i in range(start + 1, end):
        raw = lines[i]
        stripped = raw.strip()
        if not stripped:
            continue
        if is_heading(stripped):
            heading = clean_cell(stripped)
            orientations.append(DocOrientation(_display_name(heading, text), heading, i + 1))
            section = None
            continue
        if not orientations:
            continue
        current = orientations[-1]
        lowered = normalize_label(stripped)
        if lowered.startswith("les enjeux prioritaires"):
            section = current.priorities
        elif re.match(r"^Programmation(\s+prévisionnelle)?\s+20\d\d", stripped):
            section = (
                current.programme_later
                if re.search(r"20\d\d\s*-\s*20\d\d", stripped)
                else (current.programme_now)
            )
        elif section is not None:
            _add_item(section, stripped, bulleted_only=section is not current.priorities)
    return orientations


def _add_item(items: list[str], line: str, *, bulleted_only: bool) -> None:
    """Lines starting with a bullet open an item; other lines continue the previous one
    (documents converted from Word break long items)."""
    if re.match(r"^[-*•]", line) or not items:
        if bulleted_only and not re.match(r"^[-*•]", line):
            return
        item = clean_item(line)
        if item:
            items.append(item)
    else:
        items[-1] = clean_item(items[-1] + " " + line)


def _split_owners(text: str) -> list[str]:
    """'CABBALR Entreprises Acteurs économiques' -> ['CABBALR', 'Entreprises', 'Acteurs
    économiques']: a capitalised word opens a new owner, lower-case words continue it."""
    owners: list[str] = []
    for word in clean_cell(text).split():
        if word[0].isupper() or not owners:
            owners.append(word)
        else:
            owners[-1] += " " + word
    return owners


def read_annex(lines: list[str]) -> list[AnnexRow]:
    header = _find(lines, r"^Ma[iî]tre d.ouvrage\t")
    if header < 0:
        return []
    rows: list[AnnexRow] = []
    orientation, priority = "", ""
    label_line = -1  # enjeu headings broken over consecutive lines are joined back
    for i in range(header + 1, len(lines)):
        raw = lines[i].rstrip("\n")
        cells = [c.strip() for c in raw.split("\t")]
        filled = [c for c in cells if c]
        if not filled or all(re.fullmatch(r"-+", c) for c in filled):
            continue
        if len(filled) == 1 or (len(cells) < 4 and len(filled) <= 1):
            label = clean_cell(filled[0])
            if is_heading(label):
                orientation, priority = label, ""
            elif label:
                priority = f"{priority} {label}" if label_line == i - 1 else label
                label_line = i
            continue
        cells += [""] * (ANNEX_COLUMNS - len(cells))
        if not cells[0] and not cells[1]:
            continue  # second header line (financers' column names)
        owners, title, content, amount, epci, state, others, calendar = cells[:ANNEX_COLUMNS]
        rows.append(
            AnnexRow(
                line=i + 1,
                orientation=orientation,
                priority_hint=priority,
                owners=_split_owners(owners),
                title=clean_cell(title),
                content=clean_cell(content),
                amount_text=clean_cell(amount),
                epci_text=clean_cell(epci),
                state_text=clean_cell(state),
                others_text=clean_cell(others),
                calendar_text=clean_cell(calendar),
            )
        )
    return rows


def read_parties(lines: list[str], doc: ContractDocument) -> None:
    for i, line in enumerate(lines):
        match = re.search(
            r"Représentée? par (?:son (?P<role>\w+), )?\*\*(?P<name>[^*]+)\*\*(?P<rest>.*)", line
        )
        if not match:
            continue
        party = next((clean_cell(lines[j]) for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        party = re.sub(r"\s*\([^)]*\)\s*$", "", party).rstrip(" ,")
        title = match["role"] or match["rest"].strip(" ,").split(",")[0]
        doc.signatories.append(Signatory(party, match["name"].strip(), title.strip()))


def read_signature_date(text: str) -> date | None:
    match = re.search(
        r"\bLe\s+(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)?\s*(\d{1,2})(?:er)?\s+"
        r"([a-zéû]+)\s+(20\d{2})",
        text,
    )
    if not match or normalize_label(match[2]) not in MONTHS:
        return None
    return date(int(match[3]), MONTHS[normalize_label(match[2])], int(match[1]))


def read_contract_document(text: str) -> ContractDocument:
    lines = text.splitlines()
    doc = ContractDocument()
    title_line = _find(lines, r"CONTRAT DE (RELANCE|POUR LA R[EÉ]USSITE)")
    if title_line >= 0:
        doc.title = clean_cell(lines[title_line]).capitalize()
    epci = re.search(r"^(La Communaut[ée] d[^\n(]+?)\s*\((\w+)\)", text, re.MULTILINE)
    if epci:
        doc.epci_name = re.sub(r"^La ", "", epci[1]).strip()
        doc.epci_short = epci[2]
    read_parties(lines, doc)
    doc.signed_on = read_signature_date(text)
    duration = re.search(r"durée de ce contrat est de (\w+) ans", text, re.IGNORECASE)
    if duration:
        doc.duration_years = NUMBER_WORDS.get(duration[1].lower()) or int(duration[1])
    period = re.search(r"période contractuelle (20\d{2})\s*-\s*(20\d{2})", text)
    if period:
        doc.start_year, doc.end_year = int(period[1]), int(period[2])
    doc.orientations = read_orientations(lines, text)
    doc.annex_rows = read_annex(lines)
    if not doc.orientations:
        doc.warnings.append("Aucune orientation trouvée (article 3).")
    if not doc.annex_rows:
        doc.warnings.append("Aucun tableau de programmation trouvé en annexe.")
    return doc
