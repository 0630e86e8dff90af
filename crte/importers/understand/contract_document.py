"""Reads a CRTE document converted to text (from Word or PDF) laid out like the reference
contract: the parties and signature, the orientations of Art. 3 with their enjeux
prioritaires and programming lists, and the annex table (tab-separated rows).

Pure functions: the result is plain data, written to the database by `load.py`."""

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from itertools import zip_longest
from pathlib import Path

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
    signed_at: str = ""  # where it was signed, as written
    grouping_names: list[tuple[str, str]] = field(default_factory=list)  # (name, acronym), best first
    text: str = ""  # the whole text, for what is looked up in the reference (SIREN)


# The grouping that signs: any nature, with or without its acronym in brackets; a nature
# of one word (« Communauté », « Métropole », « Pays ») only with a capital, so that prose
# (« la métropole », « le pays ») is not taken for a name.
GROUPING_NATURES = (
    r"(?:(?i:Communaut[ée] (?:de communes|d['’]agglom[ée]ration|urbaine)|"
    r"[ÉE]tablissement public territorial|P[ôo]le d['’][ée]quilibre territorial et rural|"
    r"Syndicat mixte|Parc naturel r[ée]gional)|"
    r"Communaut[ée]|COMMUNAUT[ÉE]|M[ée]tropole|M[ÉE]TROPOLE|PETR|Pays|PAYS|"
    r"(?:CC|CA|CU)(?=[^\S\n]+(?:(?i:de la|de l['’]|du|des|de|d['’])[^\S\n]*)?[A-ZÀ-ÖØ-Þ]))"
)
# A name opens with a capital or a figure, after an optional « de la », « du », « d' »…
_NAME_START = r"(?:(?i:de la|de l['’]|du|des|de|d['’])[^\S\n]*)?[A-ZÀ-ÖØ-Þ0-9]"
GROUPING_MENTION = re.compile(
    rf"(?<!\w)(?P<nature>{GROUPING_NATURES})[^\S\n]+{_NAME_START}[^\n()*;:!?«»\"|\t]{{0,150}}"
    r"(?:\((?P<short>[^()\n]{2,20})\))?"
)
NATURE_ONLY = re.compile(GROUPING_NATURES)
# Where a grouping's name stops: a clause about it, or « et » followed by another party (a
# name may hold « et »: « Vallée de la Dordogne et Forêt Bessède »).
NAME_END = re.compile(
    r"\s+(?:représenté|ci-après|dont le siège|sise?\b|domicilié|désigné|agissant|il est convenu|"
    r"d['’]une part|s['’]engage)|"
    r"\s+et\s+(?:l['’]|le\s+|la\s+|les\s+|son\s+|sa\s+)?(?=(?i:[ée]tat|pr[ée]f|sous-pr[ée]f|r[ée]gion|"
    r"d[ée]partement|communaut|m[ée]tropole|agence|banque|caisse|conseil|commune|ville))|"
    r"\s+[–—]\s+|\.(?:\s|$)",
    re.IGNORECASE,
)
# A party before « représenté(e) par », with or without a nature in its name (« Brest
# métropole », « Lunel Agglo, communauté d'agglomération »).
PARTY_BEFORE_SIGNATORY = re.compile(
    r"(?:^[^\S\n]*(?:(?:Entre|ENTRE|Et|ET)[^\S\n]+)?|\b(?:Entre|ENTRE|Et|ET|et)[^\S\n]+)"
    r"(?:(?:La|Le|la|le|L['’]|l['’])[^\S\n]*)?"
    r"(?P<name>[A-ZÀ-ÖØ-Þ][^\n,()*;:]{1,80}?)[^\S\n]*(?:\((?P<short>[^()\n]{2,20})\))?[^\S\n]*"
    r"(?:,[^\S\n]*(?P<apposition>[^\n,()]{1,60}?))?[^\S\n]*,?[^\S\n]+repr[ée]sent[ée]e?s?[^\S\n]+par",
    re.MULTILINE,
)
# Parties that are not a grouping: the State and its services, other levels, operators.
NOT_A_GROUPING = re.compile(
    r"^(?:[ÉE]tat|Pr[ée]f|Sous-pr[ée]f|R[ée]gion|D[ée]partement|Conseil|Agence|ADEME|Banque|Caisse|"
    r"Commune|Ville|Minist|R[ée]publique|Office|Cerema|ANCT)\b",
    re.IGNORECASE,
)
NATURE_APPOSITION = re.compile(
    r"^(?:la\s+|une\s+)?(?:communaut[ée]|m[ée]tropole|[ée]tablissement public|p[ôo]le d['’][ée]quilibre|"
    r"syndicat mixte|epci|intercommunalit[ée])\b",
    re.IGNORECASE,
)
COMMUNE_BEFORE = re.compile(r"\b(?:commune|ville|mairie)\s+(?:de|d['’]|du|des)\s*$", re.IGNORECASE)
_LINE_START = re.compile(r"^\W*(?:(?:entre|et|crte)\s+)?(?:(?:de\s+)?(?:la|le|l['’])\s*)?$", re.IGNORECASE)
_PARTY_AFTER = re.compile(r"^\W{0,3}(?:\([^()\n]{2,20}\)\W{0,3})?(?:représenté|ci-après)", re.IGNORECASE)


def _plain_head(head: str) -> str:
    """The head without Markdown or HTML emphasis; table cells stay apart (tabs)."""
    text = re.sub(r"<[^>]+>", " ", head)
    text = re.sub(r"(?m)^[^\S\n]*#{1,6}[^\S\n]+", "", text)
    return text.replace("**", "").replace("__", "").replace("*", "").replace("|", "\t")


def _acronym(text: str) -> str:
    text = (text or "").strip()
    return text if text and not text.isdigit() and re.search(r"[A-Z]", text) else ""


def grouping_mentions(head: str) -> list[tuple[str, str]]:
    """Every way the head of a contract names a grouping, the most telling first: a name at
    the start of a line or as a party, with its acronym; a party (« Entre X, représentée
    par »); a name alone on its line (a title, a bold line); a name inside a sentence, only
    when there is none of the others. A name without acronym whose text goes on past a
    comma is also given whole (« X-Ville, Val de Y », a name with a comma in it). Tables' cells (owners,
    financers) are not parties."""
    text = _plain_head(head)
    found: list[tuple[int, int, str, str]] = []  # (rank, position, name, acronym)

    def add(rank: int, position: int, name: str, short: str) -> None:
        name = name.strip(" ,;-–—\t")
        if len(normalize_label(name)) >= 3:
            found.append((rank, position, name, short))

    for match in GROUPING_MENTION.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.start())
        if "\t" in text[line_start : line_end if line_end >= 0 else None]:
            continue  # a table's cell: an owner or a financer, not the party that signs
        if COMMUNE_BEFORE.search(text[max(0, match.start() - 20) : match.start()]):
            continue  # « Commune de Pays de Belvès »
        whole = match[0][: match[0].rfind("(")] if match["short"] else match[0]
        end = NAME_END.search(whole)
        short = _acronym(match["short"]) if end is None else ""
        name = whole[: end.start()] if end else whole
        if len(name.strip()) <= len(match["nature"]) + 1 or NATURE_ONLY.fullmatch(name.strip(" ,")):
            continue  # « Communauté d'agglomération – … »: no name
        at_start = bool(_LINE_START.match(text[line_start : match.start()]))
        as_party = bool(_PARTY_AFTER.match(text[match.start() + len(name) :]))
        rank = 0 if short and (at_start or as_party) else 1 if as_party else 2 if at_start else 3
        first = name.split(",")[0] if not short else name
        add(rank, match.start(), first, short)
        if first != name and name.count(",") == 1:
            add(rank, match.start() + 1, name, short)
    for match in PARTY_BEFORE_SIGNATORY.finditer(text):
        name = match["name"]
        if NOT_A_GROUPING.match(name) or NAME_END.search(name):
            continue
        add(0 if match["short"] else 1, match.start("name"), name, _acronym(match["short"]))
        apposition = (match["apposition"] or "").strip()
        if apposition and not NATURE_APPOSITION.match(apposition):
            add(1, match.start("name") + 1, f"{name}, {apposition}", _acronym(match["short"]))
    if any(rank < 3 for rank, *_ in found):  # a name in a sentence only when there is no other
        found = [f for f in found if f[0] < 3]
    names: list[tuple[str, str]] = []
    for _, _, name, short in sorted(found, key=lambda f: (f[0], f[1])):
        if all(normalize_label(name) != normalize_label(n) for n, _ in names):
            names.append((name, short))
    return names


def find_grouping(head: str) -> tuple[str, str]:
    """The signing grouping's name and acronym, from the first lines of a contract."""
    mentions = grouping_mentions(head)
    return mentions[0] if mentions else ("", "")


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
                    or below[j] == headers[j]  # a cell merged over both rows repeats its title
                    or fields[j] in ("financeur", "autres_financeurs")
                    or "financ" in normalize_label(headers[j])
                    for j in spanned
                )
                # names under a spanning « Financements »; anything else (a section, a first
                # row) is not part of the header
                if spanned and under_span and below != headers:
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

        if re.match(r"^(sous )?tota(l|ux)\b", normalize_label(filled[0])):
            continue  # a total or a subtotal row: the sum of the rows above, not an action
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
    r"\b"
)
PARTY_CONNECTOR = re.compile(r"^(?:Entre|ENTRE|Et|ET|et)\b\s*")
PARTY_CLAUSE = re.compile(r",?\s+(?:SIREN|n°|dont le siège|sise?|domiciliée?|ci-après)\b", re.IGNORECASE)


def _party(text: str) -> str:
    """« Entre la Communauté de communes X (CCX), » -> « La Communauté de communes X »;
    « Lunel Agglo, communauté d'agglomération » -> « Lunel Agglo »."""
    party = PARTY_CONNECTOR.sub("", clean_cell(text).strip(" ,"))
    party = PARTY_CLAUSE.split(party)[0]
    party = re.sub(r"\s*\([^)]*\)\s*$", "", party).rstrip(" ,")
    head, _, apposition = party.rpartition(",")
    if head and NATURE_APPOSITION.match(apposition.strip()):
        party = head.rstrip(" ,")
    return party[:1].upper() + party[1:]


def read_parties(lines: list[str], doc: ContractDocument) -> None:
    """« Représenté(e) par son Président, Olivier GACQUERRE … » or « Représenté par Chantal
    AMBROISE, Sous-Préfète… »: the party is what precedes on the line (« Entre X, »,
    « …, et l'État, »), else the last non-empty line above. The name is first names then
    the family name in capitals, bold or not (PDF and Word lose bold). One line may name
    several parties; a signatory cut at the end of a line goes on on the next one."""
    for i, line in enumerate(lines):
        plain = line.replace("**", "")
        if not re.search(r"[Rr]eprésenté", plain):
            continue
        following = lines[i + 1].replace("**", "").strip() if i + 1 < len(lines) else ""
        joined = f"{plain} {following}" if following else plain
        matches = list(SIGNATORY_RE.finditer(plain))
        last = [m.start() for m in re.finditer(r"[Rr]eprésenté", plain)][-1]
        if not matches or matches[-1].start() < last:  # the last signatory goes on below
            cut = SIGNATORY_RE.search(joined, last)
            matches += [cut] if cut else []
        for k, match in enumerate(matches):
            if k == 0:
                before = joined[: match.start()]
            else:  # after the previous signatory: « …, et l'État, »
                before = joined[matches[k - 1].end() : match.start()]
                connectors = list(re.finditer(r",\s*et\s+", before, re.IGNORECASE))
                connector = connectors[-1] if connectors else re.search(r"\s+et\s+", before, re.IGNORECASE)
                before = before[connector.end() :] if connector else ""
            party = _party(before)
            if len(party) < 3:
                party = next((_party(lines[j]) for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            after = joined[match.end() : matches[k + 1].start() if k + 1 < len(matches) else len(joined)]
            title = match["role"] or after.strip(" ,").split(",")[0]
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


# « Fait à Arras, le », « Signé à Lunel le », « Fait en deux exemplaires à Kourou, le »
MADE_AT = re.compile(
    r"\b(?:Fait|FAIT|Sign[ée]e?|SIGN[ÉE]E?|[ÉE]tabli|[ÉE]TABLI)"
    r"(?:\s+en\s+\w+\s+exemplaires?(?:\s+originaux)?,?)?\s+[àÀ]\s+(?P<place>[^,\n]{1,60}?),?\s+[Ll][eE]\s+"
)
# « Saint-Pierre, le 3 juillet 2023 » on a line of its own
PLACE_DATE = re.compile(r"(?m)^[^\S\n]*(?P<place>[A-ZÀ-ÖØ-Þ][\w'’\- ]{1,50}),\s*[Ll]e\s+(?=\d)")
SIGNED_AT_AFTER = re.compile(r"^[^\n]{0,40}?,?\s+à\s+([A-ZÀ-ÖØ-Þ][\w'’\- ]{1,50}?)\s*[.,;\n]")


def read_signature(text: str) -> tuple[date | None, str]:
    """Where contracts say they were signed, and where: « Fait à <commune>, le 21 janvier
    2022 », « Signé à <commune> le 21/01/2022 », « <Commune>, le 3 juillet 2023 » on its own
    line, « Le 21 janvier 2022 » on its own, « Signé le 21/01/2022, à <commune> ». The last
    « Fait à » or « <Commune>, le » wins (signature blocks close the contract); otherwise
    the first « Le … », « signé le … » or « Signature : … » (a list of the contract's facts)."""
    for pattern in (MADE_AT, PLACE_DATE):
        for match in reversed(list(pattern.finditer(text))):
            if pattern is PLACE_DATE and len(text[match.start() : text.find("\n", match.end())]) > 90:
                continue
            found = french_date(text[match.end() : match.end() + 40])
            if found:
                return found, clean_cell(match["place"])
    for match in re.finditer(
        r"\bLe\s+|[Ss]ign[ée]+\s+le\s+|^\W*(?:Date\s+de\s+)?[Ss]ignature\s*:\s*", text, re.M
    ):
        found = french_date(text[match.end() : match.end() + 40])
        if found:
            place = SIGNED_AT_AFTER.match(text[match.end() : match.end() + 120] + "\n")
            return found, place[1] if place and "sign" in match[0].lower() else ""
    return None, ""


def read_signature_date(text: str) -> date | None:
    return read_signature(text)[0]


# --- the contract's period -------------------------------------------------------------------

YEARS = (
    r"(?P<first>20\d{2})(?:(?:\s*,\s*20\d{2})*\s*(?:,|et)\s*|\s*(?:-|–|—|/|à|au|jusqu['’](?:à|en)|et)\s*"
    r"(?:l['’]ann[ée]e\s+|fin\s+)?)(?P<last>20\d{2})\b"
)
# Said of the contract itself: « le contrat couvre les années 2023 à 2028 », « il
# s'applique de 2023 à 2026 », « conclu pour six ans (2023-2028) », « période de
# contractualisation : 2023-2026 ». Another contract (« contrat de ville ») is not this one.
CONTRACT_PERIOD = re.compile(
    r"(?:(?:\b(?:contrat|CRTE)\b(?!\s+(?:de\s+ville|de\s+plan|locale?|de\s+sant[ée]|de\s+bassin|de\s+rivi[èe]re))"
    r"|\b(?:il|elle)\b)[^.\n\d]{0,40}?"
    r"\b(?:couvre|court|s['’]applique|porte|est\s+conclu|est\s+sign[ée]|est\s+[ée]tabli|vaut|s['’][ée]tend|"
    r"concerne|prend\s+effet|est\s+valable)"
    r"|p[ée]riode\s+(?:contractuelle|de\s+contractualisation)|dur[ée]e\s+(?:du|de\s+ce)\s+(?:contrat|CRTE)"
    r"|pour\s+les\s+ann[ée]es)"
    rf"[^.\n\d;]{{0,80}}?{YEARS}",
    re.IGNORECASE,
)
# Weaker: « période 2023-2026 », « les années 2024, 2025 et 2026 », « de l'année 2023 à 2026 »,
# not in an action's calendar (« période de réalisation »).
ANY_PERIOD = re.compile(
    r"(?:p[ée]riode\b(?!\s+(?:de\s+r[ée]alisation|de\s+travaux|d['’]ex[ée]cution|de\s+programmation))"
    r"|\bles\s+ann[ée]es|\bde\s+l['’]ann[ée]e)"
    rf"[^.\n\d;]{{0,30}}?{YEARS}",
    re.IGNORECASE,
)
OTHER_PLAN = re.compile(
    r"\b(?:CPER|contrats?\s+de\s+plan|contrats?\s+de\s+ville|programmes?\s+op[ée]rationnels?|FEDER|FSE|"
    r"PLUi?H?|SCoT|PCAET|SRADDET|OPAH|PLH|PAPI|schéma)\b",
    re.IGNORECASE,
)
DURATION = [  # (pattern, said of the contract by itself)
    re.compile(
        r"dur[ée]e\s+(?:de\s+ce|du(?:\s+pr[ée]sent)?)\s+(?:contrat|CRTE)\s+est\s+(?:fix[ée]e\s+à\s+|de\s+)"
        r"(\w+)\s+ans",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:contrat|CRTE|il)\s+est\s+(?:conclu|sign[ée]|[ée]tabli|pass[ée])\s+pour\s+"
        r"(?:une\s+(?:dur[ée]e|p[ée]riode)\s+de\s+)?(\w+)\s+ans",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:pour|d['’])\s+une\s+dur[ée]e\s+(?:totale\s+)?de\s+(\w+)\s+(?:ans|ann[ée]es)\b", re.IGNORECASE
    ),
]
START_YEAR = re.compile(
    r"(?:à\s+compter|à\s+partir|dès|d[ée]bute|commence|d[ée]marre|prend\s+effet)\b[^.\n\d]{0,30}?(20\d{2})",
    re.IGNORECASE,
)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end]."""
    opening = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    closing = min(p for p in (text.find(". ", end), text.find("\n", end), len(text)) if p >= 0)
    return text[opening:closing]


def read_duration(text: str, warnings: list[str]) -> tuple[int | None, re.Match | None]:
    """The contract's duration in years (« six ans », « 6 ans »), and where it is said."""
    for number, pattern in enumerate(DURATION):
        for match in pattern.finditer(text):
            if number == len(DURATION) - 1 and not re.search(
                r"\b(?:contrat|CRTE)\b", _sentence(text, match.start(), match.end()), re.IGNORECASE
            ):
                continue  # « une convention d'une durée de trois ans »: not the contract's
            word = match[1].lower()
            figure = int(word) if word.isdigit() and int(word) <= 20 else None
            years = NUMBER_WORDS.get(word) or figure
            if years is None:
                warnings.append(f"Durée du contrat non comprise : « {match[0]} ».")
            return years, match
    return None, None


def read_period(text: str, title: str, signed_on: date | None, warnings: list[str]) -> tuple:
    """(duration, first year, last year): the years as the contract states them, else in its
    title, else its duration from the year it starts (« à compter de 2023 ») or, said so in
    the report, from the year it was signed."""
    duration, said = read_duration(text, warnings)
    for pattern in (CONTRACT_PERIOD, ANY_PERIOD):
        for match in pattern.finditer(text):
            first, last = int(match["first"]), int(match["last"])
            lead = _sentence(text, match.start(), match.end())
            lead = lead[: lead.find(match[0]) if match[0] in lead else len(lead)]
            if first <= last and not OTHER_PLAN.search(lead):
                return duration, first, last
    span = re.search(YEARS, title)
    if span and int(span["first"]) <= int(span["last"]):
        return duration, int(span["first"]), int(span["last"])
    if duration and said is not None:
        window = text[max(0, said.start() - 200) : said.end() + 300]
        start = START_YEAR.search(window)
        if start:
            return duration, int(start[1]), int(start[1]) + duration - 1
        if signed_on:
            first, last = signed_on.year, signed_on.year + duration - 1
            warnings.append(
                f"Période du contrat déduite de sa durée ({duration} ans) et de l'année de sa "
                f"signature : {first}-{last}."
            )
            return duration, first, last
    return duration, None, None


TITLE_LINE = r"^\W*CONTRAT (?:DE RELANCE|POUR LA R[EÉ]USSITE)"
CRTE_TITLE_LINE = r"^\W*(?:CRTE|C\.R\.T\.E\.?)\b"


def read_contract_document(text: str) -> ContractDocument:
    lines = text.splitlines()
    doc = ContractDocument()
    title_line = _find(lines, TITLE_LINE)
    title_line = title_line if title_line >= 0 else _find(lines[:40], CRTE_TITLE_LINE)
    if title_line >= 0:
        doc.title = clean_cell(lines[title_line])  # as written, capitals included
    doc.text = text
    doc.grouping_names = grouping_mentions("\n".join(lines[:400]))
    doc.epci_name, doc.epci_short = doc.grouping_names[0] if doc.grouping_names else ("", "")
    read_parties(lines, doc)
    doc.signed_on, doc.signed_at = read_signature(text)
    doc.duration_years, doc.start_year, doc.end_year = read_period(
        text, doc.title, doc.signed_on, doc.warnings
    )
    doc.orientations = read_orientations(lines, text)
    doc.annex_rows = read_annex(lines, doc.warnings)
    doc.programmes = read_programmes(lines)
    doc.facts, doc.targets = read_figures(text)
    missing = [
        (not doc.grouping_names, "Groupement signataire (EPCI) non trouvé dans le document."),
        (not doc.signatories, "Signataires du contrat non trouvés dans le document."),
        (doc.signed_on is None, "Date de signature du contrat non trouvée dans le document."),
        (
            doc.start_year is None,
            "Période du contrat (première et dernière année) non trouvée dans le document.",
        ),
        (not doc.orientations, "Aucune orientation trouvée (article 3)."),
        (not doc.annex_rows, "Aucun tableau de programmation trouvé en annexe."),
    ]
    doc.warnings.extend(message for absent, message in missing if absent)
    return doc


# --- integrated contractualisations (the reference's Art. 4-1) ---------------------------

PROGRAMMES_FILE = Path(__file__).resolve().parents[1] / "data" / "contractualisations.csv"
# « 4-1 : », « 5.2 – », « Art. 4-1 », « 2.1 Le contexte »: a numbered sub-heading
SUB_HEADING = re.compile(
    r"^\W*(?:Art(?:icle)?\.?\s*)?\d{1,2}\s*[-.]\s*\d{1,2}\b\s*[:.–—-]?\s*(?=[^\W\d])", re.I
)
ANY_ARTICLE = re.compile(ARTICLE.format(number=r"(?:\d{1,2}|[IVX]+)"), re.I)
PROGRAMMES_TITLE = re.compile(r"\bcontractualisations?\b")  # the section's heading, normalized
LIST_ITEM = re.compile(r"^(?:[-–•*]|Le dispositif\b)")  # « - Le contrat de ville… », « Le dispositif « … » »
SPAN_RE = re.compile(r"\(?\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b\)?")
BEFORE_PARENTHESES = re.compile(r"([^()]*)\(([^()]*)\)")


def _programme_kinds() -> list[tuple[str, str]]:
    """(kind, words on normalized text) from `data/contractualisations.csv`, in its order."""
    with PROGRAMMES_FILE.open(encoding="utf-8", newline="") as handle:
        return [(row["type"], rf"\b(?:{row['mots']})\b") for row in csv.DictReader(handle)]


PROGRAMME_KINDS = _programme_kinds()  # the first that matches wins


@dataclass
class DocProgramme:
    kind: str
    line: int
    text: str  # the paragraph, cleaned
    qualifier: str = ""  # « Lys »
    start_year: int | None = None
    end_year: int | None = None


def read_programmes(lines: list[str]) -> list[DocProgramme]:
    """The contractualisations listed in their section: each list item whose opening names
    a kind (`data/contractualisations.csv`), and each kind named inside an item with its own
    years in parentheses (« …et le Conseil local de santé mentale (2019-2023) ») unless it
    has an item of its own."""
    section = programmes_section(lines)
    if section is None:
        return []
    found: list[tuple[DocProgramme, bool]] = []  # (programme, named inside another's item)
    for i in range(*section):
        text = clean_item(lines[i].strip())
        kind = programme_kind(normalize_label(text[:160])) if LIST_ITEM.match(lines[i].strip()) else None
        if kind is None:
            continue
        programme = DocProgramme(kind=kind, line=i + 1, text=text)
        quoted = re.match(r"^[^«]{0,40}«\s*([^»]{1,40}?)\s*»", text)
        if quoted:
            programme.qualifier = quoted[1]
        span = SPAN_RE.search(text[:200])
        if span:
            programme.start_year, programme.end_year = int(span[1]), int(span[2])
        found.append((programme, False))
        found += [(inner, True) for inner in nested_programmes(text, kind, i + 1)]
    listed = {p.kind for p, nested in found if not nested}
    return [p for p, nested in found if not (nested and p.kind in listed)]


def programmes_section(lines: list[str]) -> tuple[int, int] | None:
    """The lines under the numbered heading that names the contractualisations (« 4-1 :
    intégration des contractualisations… »), up to the next heading of its level; None
    without such a heading, or when nothing ends it."""
    for start, line in enumerate(lines):
        level = _heading_level(line)
        if level and PROGRAMMES_TITLE.search(normalize_label(line)):
            following = range(start + 1, len(lines))
            end = next((i for i in following if 0 < _heading_level(lines[i]) <= level), None)
            return (start + 1, end) if end is not None else None
    return None


def _heading_level(line: str) -> int:
    """2 for a numbered sub-heading (« 4-1 : »), 1 for an article (« Article 5 »), else 0."""
    if SUB_HEADING.match(line):
        return 2
    return 1 if ANY_ARTICLE.match(line) else 0


def programme_kind(words: str) -> str | None:
    """The first kind whose words `words` (normalized) contains."""
    return next((kind for kind, pattern in PROGRAMME_KINDS if re.search(pattern, words)), None)


def nested_programmes(text: str, kind: str, line: int) -> list[DocProgramme]:
    """Other kinds named inside an item, just before parentheses that give their own years."""
    nested = []
    for match in BEFORE_PARENTHESES.finditer(text):
        years = SPAN_RE.search(match[2])
        named = normalize_label(match[1])
        inner = next((k for k, pattern in PROGRAMME_KINDS if re.search(pattern + "$", named)), None)
        if years and inner not in (None, kind):
            nested.append(DocProgramme(inner, line, text, start_year=int(years[1]), end_year=int(years[2])))
    return nested
