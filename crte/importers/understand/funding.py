"""Parses a financing cell of a programming table into financing parts, e.g.
`Région 550K€ CD62 40K€ 20K€ (Leader)` -> three parts (Région 550 000 €, Département
40 000 €, LEADER 20 000 €). Pure: the financers' names come from a `FunderDirectory`
built by the caller from the catalogue.

Rules (each one is from a real cell):
- a figure is an amount (`343 K€`, `2M€/an`) or a share (`30 %`); text before a figure that
  names a financer belongs to that figure, other text after a figure describes it;
- a name in the text overrides the column (`150K€ (CABBALR)/an` in the État column is the
  EPCI's); without a name the column's financer is used (by the caller);
- `127,9K€ (25%)` is one part with an amount and a share; `25% du lot ACV` is a share of
  something else, kept as a note;
- status words become statuses; `PdR` / `plan de relance` marks recovery-plan credits;
- `AAP …`, `appel à projets …` and known schemes become the part's scheme;
- whatever is left is kept as the part's note, never dropped."""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from django.utils.text import slugify

from crte.core.text import normalize_label
from crte.importers.plan import ActionPlan, LinePlan, Place
from crte.importers.plan.report import Report
from crte.importers.understand.parsing import find_amounts, parse_number

PERCENT_RE = re.compile(r"(?P<sign>[-–—−]\s*)?(?P<number>\d+(?:[,.]\d+)?)\s*%")
RELATIVE_TO_OTHER = re.compile(r"^\s*(du|de la|de l['’]|des|d['’])\b", re.IGNORECASE)
FOOTNOTE_RE = re.compile(r"(?<=[a-zà-ÿ]{2})(\d)\b")  # 'vélo2', 'cours3': a footnote call
PAREN_BEFORE_ANNUAL = re.compile(r"(€)\s*(\([^)]*\))\s*/\s*an\b")
BRACKETS_AFTER = re.compile(r"\s*\)?(?:\s*\([^)]*\))*")  # « 40 K€ (20 %) (acquis) ADEME 5 K€ »
ANNUAL_RE = re.compile(r"/\s*an\b|\bpar an\b", re.IGNORECASE)

# normalized words -> status (FundingLine.Status values); longest first
STATUS_WORDS = [
    ("en cours d instruction", "en_instruction"),
    ("en cours d examen", "en_instruction"),
    ("en instruction", "en_instruction"),
    ("demande en cours", "demande"),
    ("sous reserve", "sous_reserve"),
    ("sollicite", "demande"),
    ("demande", "demande"),
    ("en cours", "demande"),
    ("accorde", "accorde"),
    ("acquis", "accorde"),
    ("notifie", "accorde"),
    ("verse", "verse"),
    ("refuse", "refuse"),
]
ENDINGS = "(?:e|s|es)?"  # « accordé », « accordée », « accordés »
CONNECTORS_RE = re.compile(r"^(?:(?:et|ou|&|\+)(?:\s+|$))+|(?:\s+(?:et|ou|&|\+))+$", re.IGNORECASE)
RELANCE_RE = re.compile(r"\b(PdR|plan de relance|France Relance)\b", re.IGNORECASE)
SCHEME_RE = re.compile(r"\b(AAP|appel à projets|appel a projets)\b.*", re.IGNORECASE)


class FunderDirectory:
    """Financers' names as documents write them: normalized alias -> canonical name.
    Names are found in a text word by word, the longest alias first (a dictionary look-up
    per word and length, so thousands of aliases cost nothing). `fallback` is asked about
    « Commune de X », « Ville de X » when X is not among the aliases (a commune from
    elsewhere): it returns a canonical name or None."""

    COMMUNE_WORDS = {"commune", "ville", "mairie"}
    MAX_WORDS = 14

    def __init__(self, aliases: dict[str, str], schemes: dict[str, str] | None = None, fallback=None):
        self.aliases = {normalize_label(k): v for k, v in aliases.items() if normalize_label(k)}
        self.schemes = {normalize_label(k): v for k, v in (schemes or {}).items()}
        self.fallback = fallback
        self.longest = min(self.MAX_WORDS, max((len(k.split()) for k in self.aliases), default=0))

    def find(self, text: str) -> list[tuple[str, str]]:
        """(alias as matched in normalized text, canonical name), in reading order."""
        words = normalize_label(text).split()
        found, i = [], 0
        while i < len(words):
            match = self._match_at(words, i)
            if match:
                found.append(match[:2])
                i += match[2]
            else:
                i += 1
        return found

    def _match_at(self, words: list[str], i: int) -> tuple[str, str, int] | None:
        for size in range(min(self.longest, len(words) - i), 0, -1):
            key = " ".join(words[i : i + size])
            if key in self.aliases:
                return key, self.aliases[key], size
        if self.fallback and words[i] in self.COMMUNE_WORDS:
            for size in range(min(8, len(words) - i), 1, -1):
                key = " ".join(words[i : i + size])
                name = self.fallback(key)
                if name:
                    return key, name, size
        return None

    def resolve(self, text: str) -> str | None:
        key = normalize_label(text)
        if key in self.aliases:
            return self.aliases[key]
        if self.fallback and key.partition(" ")[0] in self.COMMUNE_WORDS:
            return self.fallback(key)
        return None

    def scheme(self, text: str) -> str | None:
        return self.schemes.get(normalize_label(text))

    def scheme_inside(self, text: str) -> str | None:
        """'Montant DSIL', ', DETR ': a known scheme among the words of a text, the
        longest first."""
        words = normalize_label(text).split()
        for size in range(min(len(words), self.MAX_WORDS), 0, -1):
            for start in range(len(words) - size + 1):
                found = self.schemes.get(" ".join(words[start : start + size]))
                if found:
                    return found
        return None


@dataclass
class FundingPart:
    funders: list[str] = field(default_factory=list)
    amount: Decimal | None = None
    share: Decimal | None = None
    is_annual: bool = False
    status: str = "prevu"
    scheme: str = ""
    credit_type: str = ""
    note: str = ""
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class _Figure:
    start: int
    end: int
    amount: Decimal | None = None
    share: Decimal | None = None
    is_annual: bool = False
    negative: bool = False
    ambiguous: bool = False
    written: str = ""
    prefix: str = ""
    suffix: str = ""


def clean_funding_text(text: str) -> tuple[str, list[str]]:
    warnings = []
    text = " ".join((text or "").split())
    if FOOTNOTE_RE.search(text):
        warnings.append(f"Appel de note supprimé dans « {text} »")
        text = FOOTNOTE_RE.sub("", text)
    text = PAREN_BEFORE_ANNUAL.sub(r"\1/an \2", text)
    return text, warnings


def _figures(text: str) -> list[_Figure]:
    figures = []
    for found in find_amounts(text):
        figures.append(
            _Figure(
                found.start,
                found.end,
                amount=found.value,
                is_annual=found.annual,
                negative=found.negative,
                ambiguous=found.ambiguous,
                written=found.text,
            )
        )
    taken = [(f.start, f.end) for f in figures]
    for match in PERCENT_RE.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        number = parse_number(match["number"])
        if number is not None:
            figures.append(
                _Figure(match.start(), match.end(), share=number / 100, negative=bool(match["sign"]))
            )
    return sorted(figures, key=lambda f: f.start)


def _attach_text(text: str, figures: list[_Figure], directory: FunderDirectory) -> None:
    """Give each figure the text that describes it: what comes before the first figure is
    its prefix; between two figures, brackets right after a figure are its own, and the
    rest goes to the next figure when it names a financer, else it stays with the first.
    A bracket closed right after a figure is closed by it (« 40 K€ (20 %) ADEME 5 K€ »)."""
    figures[0].prefix = text[: figures[0].start]
    for current, following in pairwise(figures):
        gap = text[current.end : following.start]
        brackets = BRACKETS_AFTER.match(gap).end()
        rest = gap[brackets:]
        if directory.find(rest) or (rest.strip() and directory.scheme_inside(rest)):
            current.suffix, following.prefix = gap[:brackets], gap[brackets:]
        else:
            current.suffix = gap
    figures[-1].suffix = text[figures[-1].end :]


def _merge(figures: list[_Figure]) -> list[_Figure]:
    """`127,9K€ (25%)`: the share in brackets after an amount is the same part's.
    `50K€ 25% du lot ACV`: a share of something else stays in the note."""
    merged: list[_Figure] = []
    for figure in figures:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and figure.share is not None
            and previous.amount is not None
            and previous.share is None
        ):
            bracketed = previous.suffix.strip() == "(" and figure.suffix.lstrip().startswith(")")
            relative = bool(RELATIVE_TO_OTHER.match(figure.suffix))
            if bracketed and not figure.prefix.strip():
                previous.share = figure.share
                previous.suffix = figure.suffix.lstrip()[1:]
                continue
            if relative and not figure.prefix.strip():
                percent = f"{(figure.share * 100).normalize():f}".replace(".", ",")
                previous.suffix += f" {percent} % {figure.suffix.strip()}"
                continue
        merged.append(figure)
    return merged


def _describe(part: FundingPart, text: str, directory: FunderDirectory) -> None:
    """Fill funders, status, scheme, credit type and note from the words of a part."""
    if not text.strip():  # a bare figure: nothing to read around it
        return
    found = directory.find(text)
    part.funders = list(dict.fromkeys(name for _, name in found))
    words = normalize_label(text)
    if RELANCE_RE.search(text):
        part.credit_type = "relance"
    for phrase, status in STATUS_WORDS:
        if _word_pattern(phrase).search(words):
            part.status = status
            break
    rest = RELANCE_RE.sub("", text)
    for phrase, _ in STATUS_WORDS:
        rest = _remove_normalized(rest, phrase, inflected=True)
    scheme = SCHEME_RE.search(rest)
    if scheme:  # a call for projects keeps its words, a financer's name included ('AAP DRAAF')
        part.scheme = _tidy(scheme.group(0))
        rest = rest[: scheme.start()]
    for alias, _ in found:
        if alias not in directory.schemes:  # « État (DSIL) », an alias that names a scheme in it
            part.scheme = part.scheme or directory.scheme_inside(alias) or ""
        rest = _remove_normalized(rest, alias)
    rest = CONNECTORS_RE.sub("", _tidy(rest))  # « Région et AENP (tranche 2) »
    if not part.scheme and rest and directory.scheme(rest):
        part.scheme = rest
    elif rest:
        part.note = rest


def _tidy(text: str) -> str:
    text = re.sub(r"[()]", " ", text)
    text = " ".join(text.split()).strip(" -–:/,;.")
    text = re.sub(r"^(?:de l['’]|(?:de la|du|des|de)\b)\s*", "", text, flags=re.IGNORECASE)
    return text.strip(" -–:/,;.")


@lru_cache(maxsize=64)
def _word_pattern(phrase: str) -> re.Pattern:
    """A status word in normalized text, agreed or not (« sollicitée », « acquis »)."""
    return re.compile(rf"\b{phrase}{ENDINGS}\b")


@lru_cache(maxsize=4096)
def _loose_pattern(phrase: str, inflected: bool = False) -> re.Pattern:
    """`phrase` (normalized) whatever its accents, case and punctuation (compiled once);
    `inflected`: whatever its agreement too."""
    words = r"[\W_]+".join(_loose(w) for w in phrase.split())
    return re.compile(rf"\b{words}{ENDINGS if inflected else ''}\b", re.IGNORECASE)


def _remove_normalized(text: str, phrase: str, inflected: bool = False) -> str:
    """Remove `phrase` (normalized) from `text`, whatever its accents, case and punctuation."""
    if not text.strip():
        return text
    return _loose_pattern(phrase, inflected).sub(" ", text)


def _loose(word: str) -> str:
    accents = {
        "a": "[aàâä]",
        "e": "[eéèêë]",
        "i": "[iîï]",
        "o": "[oôö]",
        "u": "[uùûü]",
        "c": "[cç]",
    }
    return "".join(accents.get(ch, re.escape(ch)) for ch in word)


def parse_funding_cell(text: str, directory: FunderDirectory) -> list[FundingPart]:
    text, warnings = clean_funding_text(text)
    if not text:
        return []
    figures = _figures(text)
    if not figures:
        part = FundingPart(warnings=list(warnings))
        _describe(part, text, directory)
        return [part]
    _attach_text(text, figures, directory)
    parts = []
    for figure in _merge(figures):
        part = FundingPart(warnings=list(warnings))
        if figure.negative:
            part.errors.append(f"Montant ou taux négatif dans « {text} »")
        else:
            part.amount, part.share, part.is_annual = figure.amount, figure.share, figure.is_annual
            if figure.ambiguous:
                part.warnings.append(
                    f"Lecture incertaine de « {figure.written} » : {figure.amount} € retenus, à vérifier"
                )
            if part.share is not None and part.share > 1:
                part.errors.append(f"Taux supérieur à 100 % dans « {text} »")
                part.share = None
        described = f"{figure.prefix} {figure.suffix}"
        if ANNUAL_RE.search(figure.suffix):  # « 1,5 M€ (Région) par an »: the flag says it
            part.is_annual = True
            described = ANNUAL_RE.sub(" ", described)
        _describe(part, described, directory)
        parts.append(part)
    return parts


@lru_cache(maxsize=256)
def column_key(column: str) -> str:
    """The start of the ids of a column's lines (a slug of its letter or title)."""
    return slugify(column) or "financement"


def funding_lines(
    text: str,
    column_funder: str | None,
    directory: FunderDirectory,
    place: Place,
    action: ActionPlan,
    report: Report,
    parts: list[FundingPart] | None = None,
) -> list[LinePlan]:
    """The lines of one financing cell. A name in the cell overrides the column; several
    financers sharing one figure get one line each, the figure on the first (not split).
    `parts`: the cell already read (a bare figure), else it is read here."""
    lines = []
    key = column_key(place.column)
    for part in parse_funding_cell(text, directory) if parts is None else parts:
        funders = part.funders or [column_funder]
        for rank, funder in enumerate(funders):
            first = rank == 0
            line = LinePlan(
                external_id=f"{key}-{len(lines) + 1}",
                funder=funder,
                funder_known=funder is not None,
                amount=part.amount if first else None,
                share=part.share if first else None,
                is_annual=part.is_annual or (part.share is not None and action.amount_basis == "annuel"),
                status=part.status,
                scheme=part.scheme,
                credit_type=part.credit_type,
                source_text=text,
                note=part.note,
                place=place,
            )
            if not first:
                line.is_joint = True
                line.note = " ".join(filter(None, [part.note, f"figure commune avec {funders[0]}"]))
            lines.append(line)
        report_part(part, text, funders, place, action.title, report)
    return lines


def report_part(
    part: "FundingPart", text: str, funders: list, place: Place, title: str, report: Report
) -> None:
    """What reading one part of a cell noticed, in the report with the cell's place."""
    for message in part.errors:
        report.error("financement", message, place, title)
    for message in part.warnings:
        if message.startswith("Lecture incertaine"):
            report.warn("lecture-incertaine", message, place, title)
        else:
            report.info("note", message, place, title)
    if len(funders) > 1:
        report.warn(
            "financement-commun",
            f"« {text} » : une même figure pour {', '.join(funders)} ; elle est portée par la "
            f"ligne de {funders[0]}, à répartir.",
            place,
            title,
        )
    if funders == [None] and not part.scheme:  # a scheme alone stands for its usual financer
        report.warn("financeur-inconnu", f"« {text} » : le financeur n'est pas nommé.", place, title)
    if part.note and (part.amount is None and part.share is None):
        report.info("non-chiffre", f"« {text} » : financement non chiffré.", place, title)


# --- a financing plan written as free text ---------------------------------------------------

OWN_SHARE = re.compile(
    r"\b(?:autofinancement|fonds propres|reste a charge|rac|part du (?:maitre d ouvrage|porteur|beneficiaire)"
    r"|maitre d ouvrage|moa|porteur|beneficiaire|commune|ville|mairie|syndicat|epci|communaute"
    r"|intercommunalite|collectivite)\b"
)
BARE_NUMBER = re.compile(
    r"(?<![\d,.])(\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d{5,}(?:,\d+)?)(?![\d,.])(?!\s*(?:%|€|k|m|euros?|eur)\b)",
    re.IGNORECASE,
)
SEPARATORS = re.compile(r"\n|;|•|\|")
SOFT_SEPARATORS = re.compile(r"\s[-–—]\s|,\s+(?=\D)|\s(?:et|\+)\s")
TOTAL = re.compile(r"^\W*(?:total|montant total|co[uû]t total)\b", re.IGNORECASE)


def funding_segments(text: str) -> list[str]:
    """A financing plan written in one run (« État (DETR) 40 % – CTG 20 % – commune 20 % »,
    « Région 30 000 €, DETR 300 000 € »): one piece per financer. Semicolons, bullets and
    new lines always separate; a dash, a comma or « et » only after a figure (« Région
    Auvergne - Rhône-Alpes 20 % » is one financer). Nothing is cut inside brackets."""
    pieces: list[str] = []
    for chunk in _outside_brackets(text, SEPARATORS):
        start = 0
        for cut_start, cut_end in _cuts(chunk, SOFT_SEPARATORS):
            if has_figure(chunk[start:cut_start]):
                pieces.append(chunk[start:cut_start])
                start = cut_end
        pieces.append(chunk[start:])
    return [p.strip(" ,.:–—-") for p in pieces if p.strip(" ,.:–—-")]


def _cuts(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    depth, spans = 0, []
    levels = []
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        levels.append(depth)
    for match in pattern.finditer(text):
        if levels[match.start()] == 0:
            spans.append((match.start(), match.end()))
    return spans


def _outside_brackets(text: str, pattern: re.Pattern) -> list[str]:
    chunks, start = [], 0
    for cut_start, cut_end in _cuts(text, pattern):
        chunks.append(text[start:cut_start])
        start = cut_end
    chunks.append(text[start:])
    return chunks


def euros_for_bare_number(text: str) -> str:
    """« Région : 30 000 » in a financing plan: a bare number is in euros (years apart)."""
    if find_amounts(text) or PERCENT_RE.search(text):
        return text
    return BARE_NUMBER.sub(r"\1 €", text)


def has_figure(text: str) -> bool:
    return bool(find_amounts(text) or PERCENT_RE.search(text) or BARE_NUMBER.search(text))


def _owner_share(note: str, owner: str) -> bool:
    """« commune », « reste à charge », « autofinancement », or the owner's own name the
    catalogue does not know: the owner's share."""
    return note == normalize_label(owner) or (len(note.split()) <= 5 and bool(OWN_SHARE.search(note)))


def _piece_lines(
    piece: str, action: ActionPlan, place: Place, directory: FunderDirectory, report: Report
) -> list[LinePlan]:
    """One financer's piece of the plan. Without a name the catalogue knows, the owner's
    share is the owner's; a capitalised name before the figure (« Parc national de X :
    90 000 € ») is a financer the catalogue does not know, kept as written and reported."""
    parts = parse_funding_cell(piece, directory)
    owner = action.owners[0] if action.owners else None
    unknown: set[str] = set()
    for part in parts:
        note = normalize_label(part.note)
        if part.funders or not note:
            continue
        if owner and _owner_share(note, owner):
            found = directory.find(owner)
            name = directory.resolve(owner) or (found[0][1] if len(found) == 1 else None)
            part.funders, part.note = [name or owner], ""
            if name is None:
                unknown.add(owner)
            report.info(
                "part-du-porteur", f"« {piece} » : part du maître d'ouvrage ({owner}).", place, action.title
            )
        elif _names_a_financer(part.note):
            part.funders, part.note = [part.note], ""
            unknown.add(part.funders[0])
    lines = funding_lines(piece, None, directory, place, action, report, parts)
    for plan_line in lines:
        plan_line.funder_known = plan_line.funder_known and plan_line.funder not in unknown
    return lines


NOT_A_NAME = re.compile(r"^(?:autres?|divers|a (?:determiner|definir|preciser)|total|solde|reste|non|en)\b")


def _names_a_financer(note: str) -> bool:
    """« Parc national de La Réunion »: a name (capitalised, a few words) where a financer's
    name is written; « autres », « à déterminer » are not names."""
    words = note.split()
    return 1 <= len(words) <= 8 and note[:1].isupper() and not NOT_A_NAME.match(normalize_label(note))


def plan_text_lines(
    text: str, action: ActionPlan, place: Place, directory: FunderDirectory, report: Report
) -> list[LinePlan]:
    """A financing plan written as free text, in a fiche or in a table's « Plan de
    financement » column (« DSIL 25 % ; Région 0,4 M€ ; commune 1,7 M€ »): one piece per
    financer, each read by the cell parser with no column's financer; TOTAL pieces are
    skipped, a bare number is in euros, the owner's share is the owner's. Line ids follow
    the place's column, numbered over the whole text."""
    lines: list[LinePlan] = []
    for piece in funding_segments(text):
        if not TOTAL.match(piece):
            lines += _piece_lines(euros_for_bare_number(piece), action, place, directory, report)
    key = column_key(place.column)
    for rank, plan_line in enumerate(lines, start=1):
        plan_line.external_id = f"{key}-{rank}"
    return lines
