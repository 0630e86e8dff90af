"""Reads a CRTE document converted to text (from Word or PDF) laid out like the reference
contract: the parties and signature, the orientations of Art. 3 with their enjeux
prioritaires and programming lists, and the annex table (tab-separated rows).

Pure functions: the result is plain data, written to the database by `load.py`."""

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import zip_longest

from crte.core.text import normalize_label
from crte.importers.understand.figures import DocFact, DocTarget, read_figures
from crte.importers.understand.headers import MAPPER

_MONTH_NAMES = "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre"
MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES.split(), start=1)}
_NUMBER_NAMES = "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize"
NUMBER_WORDS = {word: number for number, word in enumerate(_NUMBER_NAMES.split(), start=1)}


@dataclass
class DocOrientation:
    name: str
    heading: str
    line: int
    priorities: list[str] = field(default_factory=list)
    programme_now: list[str] = field(default_factory=list)  # "Programmation 2022"
    programme_later: list[str] = field(default_factory=list)  # "Programmation 2023-2026"
    later_first_year: int | None = None  # 2023 for "Programmation 2023-2026"


@dataclass
class AnnexRow:
    """A row of the programming table, its cells kept by column (`headers` is the
    table's); the usual fields are read through the header mapper, and `from_document`
    maps the financing columns again with the catalogue of financers."""

    line: int
    orientation: str  # heading as written in the annex
    priority_hint: str  # the enjeu line above the row, as written
    cells: list[str]
    headers: list[str]
    owners: list[str] = field(default_factory=list)
    title: str = ""
    content: str = ""
    amount_text: str = ""
    calendar_text: str = ""

    def text_of(self, header: str) -> str:
        """The cell under a header (normalized comparison), for reading and tests."""
        key = normalize_label(header)
        return next(
            (
                clean_cell(c)
                for h, c in zip(self.headers, self.cells, strict=False)
                if normalize_label(h) == key
            ),
            "",
        )


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
    programmes: list["DocProgramme"] = field(default_factory=list)
    targets: list[DocTarget] = field(default_factory=list)
    facts: list[DocFact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: str = ""  # the whole text, for what is looked up in the reference (SIREN)


# The grouping that signs: any nature, with or without its acronym in brackets.
GROUPING_NATURES = (
    r"(?i:Communaut[ée] (?:de communes|d['’]agglom[ée]ration|urbaine)|M[ée]tropole|"
    r"[ÉE]tablissement public territorial|P[ôo]le d['’][ée]quilibre territorial et rural|PETR|Pays|"
    r"Syndicat mixte|Parc naturel r[ée]gional)"
)
GROUPING_WITH_ACRONYM = re.compile(
    rf"^\W*(?:La |Le |L['’])?({GROUPING_NATURES}\s+[^\n()*]{{1,150}}?)\s*\(([^()\n]{{2,20}})\)", re.MULTILINE
)
GROUPING_LINE = re.compile(rf"^\W*(?:La |Le |L['’])?({GROUPING_NATURES}\s+[^\n()*]{{1,150}})$", re.MULTILINE)
GROUPING_TAIL = re.compile(
    r",?\s+(?:représentée?|ci-après|dont le siège|sise?|domiciliée?)\b.*$", re.IGNORECASE
)


def find_grouping(head: str) -> tuple[str, str]:
    """The signing grouping's name and acronym, from the first lines of a contract."""
    found = GROUPING_WITH_ACRONYM.search(head)
    if found:
        return found[1].strip(" ,"), found[2].strip()
    found = GROUPING_LINE.search(head)
    if found:
        return GROUPING_TAIL.sub("", found[1]).strip(" ,*"), ""
    return "", ""


def clean_cell(text: str) -> str:
    """Remove HTML tags, Markdown headings and emphasis; collapse spaces."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"^\s*#{1,6}\s+", "", text)
    text = re.sub(r"\^\{([^}]*)\}", r"\1", text)  # 1^{er} -> 1er
    text = text.replace("**", "").replace("*", "")
    return " ".join(text.split())


def clean_item(text: str) -> str:
    """A list item: bullets and emphasis around it removed, trailing comma dropped."""
    text = clean_cell(text)
    text = re.sub(r"^[-–•✓⇒\s]+", "", text)
    return text.rstrip(" ,;").strip()


NUMBERED_HEADING = re.compile(
    r"^(?:axe|orientation(?:\s+strat[ée]gique)?|th[ée]matique|priorit[ée]|volet)\s*(?:n[°o.]?\s*)?"
    r"(?P<number>\d+|[IVX]+)\s*[:.–—-]\s*(?P<name>\S.{1,120})$",
    re.IGNORECASE,
)


def is_heading(line: str) -> bool:
    """An orientation heading: a short line in capitals ('SE DEPLACER', "S'EPANOUIR"), or
    a numbered one ('Axe 1 : Mieux se déplacer', 'Orientation stratégique n° 2 – Habiter')."""
    text = clean_cell(line)
    if NUMBERED_HEADING.match(text):
        return True
    letters = re.sub(r"[^A-Za-zÀ-ÖØ-öø-ÿ]", "", text)
    return 3 <= len(text) <= 80 and letters.isupper() and not re.search(r"\d", text)


def heading_name(line: str) -> str:
    """The orientation's name in a heading: 'Axe 1 : Mieux se déplacer' -> 'Mieux se déplacer'."""
    text = clean_cell(line)
    numbered = NUMBERED_HEADING.match(text)
    return numbered["name"].strip() if numbered else text


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
    for match in re.finditer(rf"(?=({pattern}))", text):  # overlapping: « pour mieux se déplacer »
        candidate = match.group(1)
        if candidate.islower() and normalize_label(candidate) == key:
            return candidate[0].upper() + candidate[1:].replace("’", "'")
    return heading.capitalize()


# « Art. 3 », « Article 3 », « ARTICLE III », « Article 3 – Orientations », « # Article 3 »
ARTICLE = r"^\W*(?:Art(?:icle)?\.?|ARTICLE)\s*{number}\b"


def read_orientations(lines: list[str], text: str) -> list[DocOrientation]:
    start = _find(lines, ARTICLE.format(number=r"(?:3|III)"))
    if start < 0:
        return []
    # up to the next article, else up to the annex table (a contract without Art. 4)
    end = _find(lines, ARTICLE.format(number=r"(?:[4-9]|1\d|IV|VI{0,3}|IX|X)"), start + 1)
    end = end if end >= 0 else next((i for i in range(start + 1, len(lines)) if "\t" in lines[i]), len(lines))
    orientations: list[DocOrientation] = []
    section = None
    for i in range(start + 1, end):
        raw = lines[i]
        stripped = raw.strip()
        if not stripped:
            continue
        if is_heading(stripped):
            heading = clean_cell(stripped)
            name = heading_name(heading)
            display = _display_name(name, text) if name.isupper() else name
            orientations.append(DocOrientation(display, heading, i + 1))
            section = None
            continue
        if not orientations:
            continue
        current = orientations[-1]
        lowered = normalize_label(stripped)
        if lowered.startswith("les enjeux prioritaires"):
            section = current.priorities
        elif re.match(r"^Programmation(\s+prévisionnelle)?\s+20\d\d", stripped):
            span = re.search(r"(20\d\d)\s*-\s*20\d\d", stripped)
            section = current.programme_later if span else current.programme_now
            if span:
                current.later_first_year = int(span[1])
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


JOINING_WORDS = {"de", "d", "du", "des", "la", "le", "les", "l", "et", "sur", "en", "aux", "au"}


def _split_owners(text: str) -> list[str]:
    """'CAXY Entreprises Acteurs économiques' -> ['CAXY', 'Entreprises', 'Acteurs
    économiques']: a capitalised word opens a new owner, unless it follows a joining word
    ('Commune de Cléder', 'Syndicat mixte du Pays de Morlaix'); lower-case words continue."""
    owners: list[str] = []
    for word in clean_cell(text).replace(";", " ; ").split():
        if word == ";":
            owners.append("")
            continue
        previous = owners[-1].split()[-1] if owners and owners[-1] else ""
        joined = re.split(r"['’]", previous.lower())[-1] in JOINING_WORDS or previous.lower().endswith(
            ("d'", "l'")
        )
        if not owners or not owners[-1] or (word[0].isupper() and not joined):
            if owners and not owners[-1]:
                owners[-1] = word
            else:
                owners.append(word)
        else:
            owners[-1] += " " + word
    return [o for o in owners if o]


ANNEX_FIELDS = ("maitre_ouvrage", "intitule", "contenu", "montant", "calendrier")


def annex_header(lines: list[str]) -> tuple[int, list[str]] | None:
    """The programming table's header: the first tab-separated line whose titles include
    the action's title and two other known fields; a second line naming the financers
    under a spanning « Financements » completes it."""
    for i, line in enumerate(lines):
        if "\t" not in line:
            continue
        headers = [clean_cell(c) for c in line.split("\t")]
        fields = [MAPPER.field(h) for h in headers]
        if "intitule" in fields and len([f for f in fields if f]) >= 3:
            if i + 1 < len(lines) and "\t" in lines[i + 1]:
                below = [clean_cell(c) for c in lines[i + 1].split("\t")]
                spanned = [j for j, b in enumerate(below) if b]
                under_span = all(
                    j >= len(headers)
                    or not headers[j]
                    or fields[j] in ("financeur", "autres_financeurs")
                    or "financ" in normalize_label(headers[j])
                    for j in spanned
                )
                # names under a spanning « Financements »; anything else (a section, a first
                # row) is not part of the header
                if spanned and under_span:
                    headers = [b or h for h, b in zip_longest(headers, below, fillvalue="")]
                    return i + 1, headers
            return i, headers
    return None


def annex_fields(headers: list[str]) -> dict[int, str]:
    """Column index -> usual field (the first column of each), by the header mapper."""
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        name = MAPPER.field(header)
        if name in ANNEX_FIELDS and name not in found.values():
            found[index] = name
    return found


def read_annex(lines: list[str], warnings: list[str] | None = None) -> list[AnnexRow]:
    """The rows of the programming table; a line with neither action nor owner is told in
    `warnings`, not read."""
    located = annex_header(lines)
    if located is None:
        return []
    header, headers = located
    fields = annex_fields(headers)
    by_name = {name: index for index, name in fields.items()}
    rows: list[AnnexRow] = []
    orientation, priority = "", ""
    label_line = -1  # enjeu headings broken over consecutive lines are joined back
    for i in range(header + 1, len(lines)):
        cells = [c.strip() for c in lines[i].split("\t")]
        filled = [c for c in cells if c]
        if not filled or all(re.fullmatch(r"-+", c) for c in filled):
            continue
        if len(filled) == 1 and (len(cells) == 1 or cells[0]):  # a section or an enjeu
            label = clean_cell(filled[0])
            if is_heading(label):
                orientation, priority = label, ""
            elif label:
                priority = f"{priority} {label}" if label_line == i - 1 else label
                label_line = i
            continue
        cells += [""] * (len(headers) - len(cells))

        def value(name: str, cells=cells) -> str:
            return clean_cell(cells[by_name[name]]) if name in by_name else ""

        if not value("intitule") and not value("maitre_ouvrage"):
            if warnings is not None:
                warnings.append(
                    f"Ligne {i + 1} du tableau de programmation ignorée : ni action ni porteur "
                    f"(« {' | '.join(filled)} »)."
                )
            continue
        if "intitule" in by_name and normalize_label(value("intitule")) == normalize_label(
            headers[by_name["intitule"]]
        ):
            continue  # the header line repeated on a new page
        rows.append(
            AnnexRow(
                line=i + 1,
                orientation=orientation,
                priority_hint=priority,
                cells=cells,
                headers=headers,
                owners=_split_owners(value("maitre_ouvrage")),
                title=value("intitule"),
                content=value("contenu"),
                amount_text=value("montant"),
                calendar_text=value("calendrier"),
            )
        )
    return rows


SIGNATORY_RE = re.compile(
    r"[Rr]eprésentée?\s+par\s+(?:(?:son|sa|le|la)\s+(?P<role>[^,]{2,60}?),\s*)?"
    r"(?:(?:M\.|Mme|Monsieur|Madame)\s+)?"
    r"(?P<name>(?:[A-ZÉÈÎ][a-zà-ÿ'’]+(?:-[A-ZÉÈ][a-zà-ÿ'’]+)?\s+)+[A-ZÉÈÀÇ][A-ZÉÈÀÇ'’-]+(?:\s+[A-ZÉÈÀÇ][A-ZÉÈÀÇ'’-]+)*)"
    r"\b(?P<rest>.*)"
)


def read_parties(lines: list[str], doc: ContractDocument) -> None:
    """« Représenté(e) par son Président, Olivier GACQUERRE … » or « Représenté par Chantal
    AMBROISE, Sous-Préfète… »: the party is the last non-empty line above. The name is
    first names then the family name in capitals, bold or not (PDF and Word lose bold)."""
    for i, line in enumerate(lines):
        plain = line.replace("**", "")
        match = SIGNATORY_RE.search(plain)
        if not match:
            continue
        before = clean_cell(plain[: match.start()]).rstrip(" ,")  # « La Métropole …, représentée par »
        party = before if len(before) >= 3 else ""
        party = party or next((clean_cell(lines[j]) for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        party = re.sub(r"\s*\([^)]*\)\s*$", "", party).rstrip(" ,")
        title = match["role"] or match["rest"].strip(" ,").split(",")[0]
        doc.signatories.append(Signatory(party, match["name"].strip(), clean_cell(title).strip()))


WRITTEN_DATE = re.compile(
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)?\s*(\d{1,2})(?:er)?\s+([A-Za-zéûÉÛ]+)\s+((?:19|20)\d{2})"
)
NUMERIC_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d{2})")


def french_date(text: str) -> date | None:
    """« 21 janvier 2022 », « 1er juillet 2022 », « 21/01/2022 » at the start of `text`."""
    written = WRITTEN_DATE.match(text)
    try:
        if written and normalize_label(written[2]) in MONTHS:
            return date(int(written[3]), MONTHS[normalize_label(written[2])], int(written[1]))
        numeric = NUMERIC_DATE.match(text)
        if numeric:
            return date(int(numeric[3]), int(numeric[2]), int(numeric[1]))
    except ValueError:  # « le 31 juin 2022 »: not a date
        return None
    return None


def read_signature_date(text: str) -> date | None:
    """Where contracts say they were signed: « Fait à <commune>, le 21 janvier 2022 », « Le 21
    janvier 2022 » on its own, « Signé le 21/01/2022 ». The last « Fait à » wins (signature
    blocks close the contract); otherwise the first « Le … » or « signé le … »."""
    made = list(re.finditer(r"Fait\s+à\s+[^,\n]{1,60},?\s+le\s+", text, re.IGNORECASE))
    for match in reversed(made):
        found = french_date(text[match.end() : match.end() + 40])
        if found:
            return found
    for match in re.finditer(r"\bLe\s+|[Ss]ign[ée]+\s+le\s+", text):
        found = french_date(text[match.end() : match.end() + 40])
        if found:
            return found
    return None


def read_contract_document(text: str) -> ContractDocument:
    lines = text.splitlines()
    doc = ContractDocument()
    title_line = _find(lines, r"^\W*CONTRAT (?:DE RELANCE|POUR LA R[EÉ]USSITE)")
    if title_line >= 0:
        doc.title = clean_cell(lines[title_line]).capitalize()
    doc.text = text
    doc.epci_name, doc.epci_short = find_grouping("\n".join(lines[:400]))
    read_parties(lines, doc)
    doc.signed_on = read_signature_date(text)
    duration = re.search(r"durée de ce contrat est de (\w+) ans", text, re.IGNORECASE)
    if duration:
        word = duration[1].lower()
        figure = int(word) if word.isdigit() and int(word) <= 20 else None
        doc.duration_years = NUMBER_WORDS.get(word) or figure
        if doc.duration_years is None:
            doc.warnings.append(f"Durée du contrat non comprise : « {duration[0]} ».")
    period = re.search(
        r"(?:période contractuelle|période|pour les années|de l'année)\s*(?:de\s+)?"
        r"(20\d{2})\s*(?:-|–|à|au)\s*(20\d{2})",
        text,
        re.IGNORECASE,
    )
    if period and int(period[1]) <= int(period[2]):
        doc.start_year, doc.end_year = int(period[1]), int(period[2])
    elif doc.duration_years:
        start = re.search(r"(?:à compter de|à partir de|dès)\s+(?:l'année\s+)?(20\d{2})", text, re.IGNORECASE)
        if start:
            doc.start_year = int(start[1])
            doc.end_year = doc.start_year + doc.duration_years - 1
    doc.orientations = read_orientations(lines, text)
    doc.annex_rows = read_annex(lines, doc.warnings)
    doc.programmes = read_programmes(lines)
    doc.facts, doc.targets = read_figures(text)
    if not doc.orientations:
        doc.warnings.append("Aucune orientation trouvée (article 3).")
    if not doc.annex_rows:
        doc.warnings.append("Aucun tableau de programmation trouvé en annexe.")
    return doc


# --- Art. 4-1: integrated contractualisations -------------------------------------------

PROGRAMME_KINDS = [  # (kind, pattern on normalized text), first match wins
    ("contrat_ville", r"\bcontrat de ville\b"),
    ("ctg", r"\bconvention territoriale globale\b"),
    ("cls", r"\bcontrat local de sante\b"),
    ("pat", r"\bprojet alimentaire territorial\b"),
    ("cte", r"\bcontrat de transition ecologique\b"),
    ("cot_tri", r"\bcot tri\b|troisieme revolution industrielle"),
    ("papi", r"\bpapi\b"),
    ("pre", r"\bprogrammes? de restauration ecologique\b"),
    ("npnru", r"\bnpnru\b|renouvellement urbain engages"),
    ("acv", r"\baction coeur de ville\b"),
    ("pvd", r"\bpetites villes de demain\b"),
    ("opah_ru", r"\bopah ru\b"),
    ("pig", r"\bprogramme d interet general\b"),
    ("erbm", r"\brenouveau du bassin minier\b"),
    ("territoires_industrie", r"\bterritoires d industrie\b"),
]
SPAN_RE = re.compile(r"\(?\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b\)?")


@dataclass
class DocProgramme:
    kind: str
    line: int
    text: str  # the paragraph, cleaned
    qualifier: str = ""  # « Lys »
    start_year: int | None = None
    end_year: int | None = None


def read_programmes(lines: list[str]) -> list[DocProgramme]:
    start = _find(lines, r"^\s*4-1\s*:")
    end = _find(lines, r"^\s*4-2\s*:", max(start, 0))
    if start < 0 or end < 0:
        return []
    programmes: list[DocProgramme] = []
    for i in range(start + 1, end):
        line = lines[i].strip()
        if not (line.startswith("-") or re.match(r"^Le dispositif\b", line)):
            continue
        text = clean_item(line)
        opening = normalize_label(text[:160])
        kind = next((k for k, pattern in PROGRAMME_KINDS if re.search(pattern, opening)), None)
        if kind is None:
            continue
        programme = DocProgramme(kind=kind, line=i + 1, text=text)
        quoted = re.match(r"^[^«]{0,40}«\s*([^»]{1,40}?)\s*»", text)
        if quoted:
            programme.qualifier = quoted[1]
        span = SPAN_RE.search(text[:200])
        if span:
            programme.start_year, programme.end_year = int(span[1]), int(span[2])
        programmes.append(programme)
        mental = re.search(r"Conseil local de santé mentale\s*\(([^)]*)\)", text, re.IGNORECASE)
        if kind == "cls" and mental:
            sub = DocProgramme(kind="clsm", line=i + 1, text=text)
            years = SPAN_RE.search(mental[1])
            if years:
                sub.start_year, sub.end_year = int(years[1]), int(years[2])
            programmes.append(sub)
    return programmes
