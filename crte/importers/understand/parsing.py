"""Pure parsers for what contract documents write in their cells: amounts, calendars.
No Django here; every function returns what it understood and keeps what it did not."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from crte.core.text import normalize_label

TOTAL, ANNUAL, GLOBAL = "total", "annuel", "globalise"

# A number as documents write it: 700 / 133,89 / 1 000 000,00 / 89.794.859 / 12 345.67 /
# 1,234,567.89 / 1'234'567 (spaces may be no-break or narrow no-break spaces).
_SEP = r"[ \u00a0\u202f.,'’]"
_NUMBER = rf"(?<![\d.,])(?:\d{{1,3}}(?:{_SEP}\d{{3}})+(?:[,.]\d+)?|\d+(?:[,.]\d+)?)(?![\d])"
_UNIT = r"(?:milliards?|millions?|milliers?|mds?|md|k|m)"  # longest first
_CURRENCY = r"(?:€|euros?\b|eur\b|e\b)"
AMOUNT_RE = re.compile(
    rf"(?P<sign>[-–—−]\s*)?(?P<number>{_NUMBER})\s*"
    rf"(?:(?P<unit>{_UNIT})\.?\s*(?:d['’]\s*|de\s+)?)?(?P<currency>{_CURRENCY})"
    r"(?:\s*(?:HT|H\.T\.?|TTC|T\.T\.C\.?)(?![\w]))?(?P<annual>\s*(?:/\s*an|par\s+an)\b)?",
    re.IGNORECASE,
)
_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "md": 1_000_000_000, "mds": 1_000_000_000}
_YEAR = r"(?:19|20)\d{2}"


@dataclass(frozen=True)
class ParsedAmount:
    value: Decimal | None
    basis: str = TOTAL
    note: str = ""  # text around the figure, kept as written
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedCalendar:
    start_year: int | None
    end_year: int | None
    note: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)


def read_number(text: str, *, scaled: bool = False) -> tuple[Decimal | None, bool]:
    """A number and whether its reading is ambiguous. Thousands are grouped by spaces,
    no-break spaces, apostrophes, dots or commas; the decimal mark is a comma or a point,
    told apart by the groups: '12 345.67' and '1,234,567.89' and '1.234.567,89' are exact.
    One mark followed by exactly three digits ('1.500', '1,500') could be either: for
    euros, a thousands mark (three decimals of a euro are implausible), for a scaled figure
    ('1,500 M€'), a decimal mark; ambiguous when that reading goes against the usual French
    one (a comma as thousands mark, a point as decimal mark before three digits)."""
    text = re.sub(r"[\u00a0\u202f ]", " ", text.strip())
    if not re.fullmatch(r"\d[\d .,'’]*", text) or re.search(r"[ .,'’]{2}", text) or not text[-1].isdigit():
        return None, False
    marks = [(i, ch) for i, ch in enumerate(text) if not ch.isdigit()]
    if not marks:
        return Decimal(text), False
    last_index, last = marks[-1]
    tail = text[last_index + 1 :]
    groups_ok = all(len(g) == 3 for g in re.split(r"[ .,'’]", text)[1:-1])
    if last in " '’":  # only grouping marks
        return _grouped(text), False
    before = text[:last_index]
    before_marks = {ch for ch in before if not ch.isdigit()}
    if last in before_marks:  # '89.794.859', '1,234,567': the same mark repeated groups thousands
        return (_grouped(text), False) if groups_ok and len(tail) == 3 else (None, False)
    if before_marks:  # '1.234.567,89', '12 345.67', '1,234.5': the last mark is the decimal one
        if not groups_ok or not all(len(g) == 3 for g in re.split(r"[ .,'’]", before)[1:]):
            return None, False
        return Decimal(re.sub(r"[ .,'’]", "", before) + "." + tail), False
    if len(tail) != 3 or before == "0":  # '6,5', '133,89', '6.5', '0,353'
        return Decimal(before + "." + tail), False
    if scaled:  # '1,500 M€' is 1.5 M€
        return Decimal(before + "." + tail), last == "."
    return Decimal(before + tail), last == ","  # '147.485 €' is 147 485 €


def _grouped(text: str) -> Decimal | None:
    digits = re.sub(r"[ .,'’]", "", text)
    return Decimal(digits) if digits else None


def parse_number(text: str, *, scaled: bool = False) -> Decimal | None:
    """'1 000 000,00' -> 1000000.00, '89.794.859' -> 89794859, '6,5' -> 6.5, '6.5' -> 6.5;
    None when it is not a plain number (no sign, exponent, NaN or Infinity)."""
    value, _ = read_number(text, scaled=scaled)
    return value


def unit_multiplier(unit: str | None) -> int:
    if not unit:
        return 1
    key = unit.strip().lower()
    if key.startswith("milliard"):
        return 1_000_000_000
    if key.startswith("million"):
        return 1_000_000
    if key.startswith("millier"):
        return 1_000
    return _MULTIPLIERS.get(key, 1)


@dataclass(frozen=True)
class FoundAmount:
    start: int
    end: int
    value: Decimal
    annual: bool
    negative: bool
    ambiguous: bool
    text: str


def find_amounts(text: str) -> list[FoundAmount]:
    """Every figure with a currency in a text, exactly as written."""
    found = []
    for match in AMOUNT_RE.finditer(text):
        multiplier = unit_multiplier(match["unit"])
        number, ambiguous = read_number(match["number"], scaled=multiplier > 1)
        if number is None:
            continue
        found.append(
            FoundAmount(
                match.start(),
                match.end(),
                number * multiplier,
                bool(match["annual"]),
                bool(match["sign"]),
                ambiguous,
                match.group(0).strip(),
            )
        )
    return found


def parse_amount(text: str, *, bare_number: bool = False) -> ParsedAmount:
    """The forecast amount of an action as written in a cell: `700K€`, `6,5M€/an`,
    `400K€ globalisé`, `progammation validée 57,8M€`, `à préciser`."""
    text = " ".join((text or "").split())
    if not text:
        return ParsedAmount(None)
    amounts = find_amounts(text)
    if not amounts:
        bare, ambiguous = read_number(re.sub(r"\s*(?:HT|H\.T\.?|TTC)\s*$", "", text, flags=re.I))
        if bare is not None and bare_number:  # a figure alone in an amount column
            warnings = (f"Lecture incertaine de « {text} » : {bare} retenu, à vérifier",) if ambiguous else ()
            return ParsedAmount(bare, warnings=warnings)
        return ParsedAmount(None, note=text, warnings=(f"Montant non chiffré : « {text} »",))
    if len(amounts) > 1:
        return ParsedAmount(
            None, note=text, warnings=(f"Plusieurs montants dans « {text} » : aucun n'est retenu",)
        )
    match = amounts[0]
    if match.negative:
        return ParsedAmount(None, note=text, errors=(f"Montant négatif : « {text} »",))
    value = match.value
    warnings = ()
    if match.ambiguous:
        warnings = (f"Lecture incertaine de « {match.text} » : {value} € retenus, à vérifier",)
    rest = (text[: match.start] + " " + text[match.end :]).strip(" :-–")
    basis = TOTAL
    if match.annual or re.search(r"\bpar an\b|/an\b", rest):
        basis = ANNUAL
    elif re.search(r"\bglobalis", normalize_label(rest)):
        basis = GLOBAL
    return ParsedAmount(value, basis=basis, note=" ".join(rest.split()), warnings=warnings)


def parse_calendar(text: str) -> ParsedCalendar:
    """`Fin 2021`, `2022-2027`, `à compter de 2021`, `en cours`, `2021 (en cours3)`."""
    text = " ".join((text or "").split())
    if not text:
        return ParsedCalendar(None, None)
    span = re.search(rf"\b({_YEAR})\s*[-–/à]+\s*({_YEAR})\b", text)
    if span:
        start, end = int(span[1]), int(span[2])
        if end < start:
            return ParsedCalendar(None, None, note=text, warnings=(f"Années dans le désordre : « {text} »",))
        return ParsedCalendar(start, end, note=text)
    # A year may have a footnote digit glued after it only when followed by a space or ')'.
    years = [int(y) for y in re.findall(rf"\b({_YEAR})(?!\d)", text)]
    if not years:
        return ParsedCalendar(None, None, note=text, warnings=(f"Calendrier sans année : « {text} »",))
    if len(years) > 1:
        return ParsedCalendar(min(years), max(years), note=text)
    year = years[0]
    if re.search(r"compter|partir|depuis", normalize_label(text)):
        return ParsedCalendar(year, None, note=text)
    return ParsedCalendar(year, year, note=text)
