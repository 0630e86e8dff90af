"""Pure parsers for what contract documents write in their cells: amounts, calendars.
No Django here; every function returns what it understood and keeps what it did not."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from crte.core.text import normalize_label

TOTAL, ANNUAL, GLOBAL = "total", "annuel", "globalise"

# A number as French documents write it: 700 / 133,89 / 1 000 000,00 / 89.794.859 / 6.5
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?"
_UNIT = r"k|K|M|Md|millions?\s+d['’]|milliers?\s+d['’]"
_CURRENCY = r"€|euros?\b|EUR\b"
AMOUNT_RE = re.compile(
    rf"(?P<sign>[-–—−]\s*)?(?P<number>{_NUMBER})\s*(?P<unit>{_UNIT})?\s*(?P<currency>{_CURRENCY})"
    r"(?:\s*HT\b)?(?P<annual>\s*/\s*an\b)?",
)
_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "md": 1_000_000_000}
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


def parse_number(text: str) -> Decimal | None:
    """'1 000 000,00' -> 1000000.00, '89.794.859' -> 89794859, '6,5' -> 6.5, '6.5' -> 6.5."""
    text = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?", text):
        text = text.replace(" ", "").replace(".", "")
    text = text.replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?", text):  # no exponent, NaN, Infinity or sign
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def unit_multiplier(unit: str | None) -> int:
    if not unit:
        return 1
    key = unit.strip().lower()
    if key.startswith("million"):
        return 1_000_000
    if key.startswith("millier"):
        return 1_000
    return _MULTIPLIERS.get(key, 1)


def find_amounts(text: str) -> list[tuple[re.Match, Decimal]]:
    found = []
    for match in AMOUNT_RE.finditer(text):
        number = parse_number(match["number"])
        if number is not None:
            found.append((match, number * unit_multiplier(match["unit"])))
    return found


def parse_amount(text: str) -> ParsedAmount:
    """The forecast amount of an action as written in a cell: `700K€`, `6,5M€/an`,
    `400K€ globalisé`, `progammation validée 57,8M€`, `à préciser`."""
    text = " ".join((text or "").split())
    if not text:
        return ParsedAmount(None)
    amounts = find_amounts(text)
    if not amounts:
        return ParsedAmount(None, note=text, warnings=(f"Montant non chiffré : « {text} »",))
    if len(amounts) > 1:
        return ParsedAmount(
            None, note=text, warnings=(f"Plusieurs montants dans « {text} » : aucun n'est retenu",)
        )
    match, value = amounts[0]
    if match["sign"]:
        return ParsedAmount(None, note=text, errors=(f"Montant négatif : « {text} »",))
    rest = (text[: match.start()] + " " + text[match.end() :]).strip(" :-–")
    basis = TOTAL
    if match["annual"] or re.search(r"\bpar an\b|/an\b", rest):
        basis = ANNUAL
    elif re.search(r"\bglobalis", normalize_label(rest)):
        basis = GLOBAL
    return ParsedAmount(value, basis=basis, note=" ".join(rest.split()))


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
