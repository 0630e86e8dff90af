"""Figures a contract states in its text, found by one rule: a number with its unit next
to what it measures. « 330 sites ou sols pollués », « 440 km de voie d'eau », « 70 % des
déplacements », « la fréquentation des gares (6 500 montées/jr en 2015) » are facts;
« disposer de 100 bornes d'ici 2024 », « l'ambition de 15 rénovations » are commitments;
« la réduction de 24 % des GES », « -13 %/2017 », « la multiplication par 5 des
productions d'EnR » are relative targets, tied to the national catalogue by the words of
`data/cibles.csv`. A number measures a named quantity or is nothing: money (€), years,
dates, durations, references (article, n°, BP, RD, A 75), addresses, postal codes and
phone numbers are not figures, nor what a number is followed by when it is no counted
thing (a street, a proper name, a verb), nor the shares and amounts of an action's
financing (« Plan de financement : DSIL 40 % »). Pure."""

import csv
import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils.text import slugify

from crte.core.text import normalize_label

TARGETS_FILE = Path(__file__).resolve().parents[1] / "data" / "cibles.csv"
DIRECTIONS_FILE = Path(__file__).resolve().parents[1] / "data" / "sens-souhaite.csv"


@dataclass
class DocFact:
    code: str
    name: str
    unit: str
    direction: str
    value: Decimal
    year: int | None
    text: str
    is_target: bool = False
    known: bool = False  # a unit of measure or a thing commonly counted: offered as accepted


@dataclass
class DocTarget:
    code: str
    catalogue_id: str
    name: str
    unit: str
    direction: str
    year: int
    relative_change: Decimal
    baseline_year: int | None
    text: str


@dataclass(frozen=True)
class KnownTarget:
    code: str
    catalogue_id: str
    name: str
    unit: str
    direction: str
    words: re.Pattern


def load_known_targets(path: Path = TARGETS_FILE) -> list[KnownTarget]:
    with path.open(encoding="utf-8") as handle:
        return [
            KnownTarget(
                row["code"],
                row["catalogue"],
                row["nom"],
                row["unite"],
                row["sens"],
                re.compile(rf"\b(?:{row['mots']})\b"),
            )
            for row in csv.DictReader(handle)
        ]


KNOWN_TARGETS = load_known_targets()


def load_directions(path: Path = DIRECTIONS_FILE) -> list[tuple[re.Pattern, str]]:
    with path.open(encoding="utf-8") as handle:
        return [(re.compile(rf"\b(?:{row['mots']})"), row["sens"]) for row in csv.DictReader(handle)]


DIRECTIONS = load_directions()


def wanted_direction(measured: str, is_target: bool) -> str:
    """The way a figure should go: by the words of what it measures (`data/sens-souhaite.csv`:
    unemployment, emissions, vacancy go down); a commitment otherwise goes up; a stated
    figure otherwise is to keep (« maintien ») until someone says more."""
    key = normalize_label(measured)
    found = next((direction for words, direction in DIRECTIONS if words.search(key)), None)
    return found or ("hausse" if is_target else "maintien")


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NUMBER = r"(?<![\w.,/°-])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?(?![\d/]|,\d|\.\d)"
NUMBER = re.compile(_NUMBER)
MEASURE_UNITS = {  # as written (normalized) -> unit shown
    "%": "%",
    "pour cent": "%",
    "km2": "km²",
    "km²": "km²",
    "km": "km",
    "ha": "ha",
    "hectares": "ha",
    "hectare": "ha",
    "m2": "m²",
    "m²": "m²",
    "m3": "m³",
    "m³": "m³",
    "gwh": "GWh",
    "mwh": "MWh",
    "kwh": "kWh",
    "twh": "TWh",
    "mw": "MW",
    "kw": "kW",
    "teqco2": "teq CO2",
    "teq co2": "teq CO2",
    "tco2": "t CO2",
    "t co2": "t CO2",
    "tonnes": "t",
    "t": "t",
}
UNIT_RE = re.compile(
    r"\s*(%|pour cent\b|km2|km²|km\b|ha\b|hectares?\b|m2\b|m²|m3\b|m³|gwh\b|mwh\b|kwh\b|twh\b|mw\b|kw\b"
    r"|teq\s?co2\b|t\s?co2\b|tonnes\b|t\b)",
    re.IGNORECASE,
)
MONEY_AFTER = re.compile(
    r"\s*(?:k|m|md|mds|millions?|milliards?|milliers?)?\.?\s*(?:d['’]\s*|de\s+)?(?:€|euros?\b|eur\b)", re.I
)
NOUN_AFTER = re.compile(r"\s*([^\W\d_]{2}[\w'’/-]+)")
COMPLEMENT = re.compile(r"\s*(?:de la|de l['’]|des|du|de|d['’])\s*", re.IGNORECASE)
NOT_COUNTED = word_set(
    "ans an annees annee mois jours jour semaines heures fois exactement environ premier "
    "premiere premiers premieres derniers dernieres et ou a au aux en le la les de des du sur "
    "par pour dont soit avec mai juin juillet janvier fevrier mars avril aout septembre octobre "
    "novembre decembre fevrier er eme e ieme bis ter alinea article articles axe axes "
    "orientation orientations millions million milliards milliard milliers millier centaines "
    "dizaines contre entre sur dans"
)
NOT_A_FIGURE_BEFORE = re.compile(
    r"(?:article|art\.?|n°|no|numéro|axe|phase|orientation|enjeu|action|fiche|titre|chapitre|annexe|page|"
    r"loi|décret|tranche|lot|priorité|objectif|mesure|volet|programme|étape|"
    r"contre|à|dont|soit|que|passant de)\s*$",
    re.IGNORECASE,
)
STOP_WORDS = word_set(
    "qui que se sont est sera seront ont a ete etait etaient doit doivent peut peuvent permet "
    "font pour afin et avec contre dont soit mais car tandis alors lorsque si en d'ici dici au "
    "aux par sur dans selon grace vers entre sans sous depuis ne pas ni y relie dessert accueille "
    "regroupe rassemble constitue comprend couvre traverse offre propose beneficie dispose "
    "represente concerne compte reste demeure devient vit travaille habite situe situee situes "
    "repartis reparties"
)
VERBS = re.compile(
    r"\b(?:atteint|atteindra|atteignent|reste|restent|est|sont|représente|représentent|s['’]élève|"
    r"s['’]élèvent|compte|comptent|totalise|concerne|concernent|demeure|dépasse|était|étaient|avec|"
    r"couvre|couvrent|occupe|occupent|recense|recensent|perd|perdent|estimée?s?|évaluée?s?|"
    r"soit|de|à|environ|près|plus|moins|seulement|marginale?s?|faibles?|élevée?s?|hauts?|hautes?|bas|basses?|"
    r"forte?s?|supérieure?s?|inférieure?s?|jugée?s?|qui|que)\s*$",
    re.IGNORECASE,
)
DETERMINER = re.compile(
    r"(?:^|\s|['’])(?:la|le|les|l['’]|une?|leur|leurs|sa|son|ses|ce|cette|ces)\s+|(?:^|\s)l['’]", re.I
)
COMMITMENT = re.compile(
    r"objectif|ambition|d['’]ici|à l['’]horizon|vis(?:e|er|ant)|cible|disposer de|s['’]engage|prévoit",
    re.IGNORECASE,
)
YEAR_AFTER = re.compile(
    r"^[^.;]{0,40}?\b(?:en|d['’]ici|à l['’]horizon|horizon|pour|fin)\s+((?:19|20)\d{2})\b", re.I
)
HORIZON = re.compile(r"(?:d['’]ici|à l['’]horizon|horizon|en)\s+(20\d{2})", re.IGNORECASE)
CHANGE = re.compile(
    r"\b(?P<verb>réduction|réduire|diminution|diminuer|baisse|baisser|hausse|augmentation|augmenter|"
    r"progression)\b",
    re.IGNORECASE,
)
FALLING = {"reduction", "reduire", "diminution", "diminuer", "baisse", "baisser"}
SIGN_BEFORE = re.compile(r"([-–−+])\s*$")
MULTIPLIED = re.compile(
    r"multipli\w*\s+par\s+(\d+(?:,\d+)?)\s*(?:(?:de la|de l['’]|des|du|de|d['’])\s*)?"
    r"([^,.;()]{3,80}?)(?=\s+et\s|\s*[,.;()]|\s*$)",  # « … par 2 des EnR et par 3 du … »: two
    re.I,
)
MAX_WORDS = 8
NOT_FIGURES = re.compile(  # numbers that are no quantity, wherever they stand
    # a phone number: « 05 94 32 12 00 », « 0262 40 12 34 », « +33 5 49 11 22 33 »
    r"(?<![\w,.])(?:\+\d{2,3}[ .\u00a0]?(?:\(0\)[ .\u00a0]?)?\d|0\d)(?:[ .\u00a0]?\d){8}(?![\d,])"
    # a postal code before its town: « 97310 Kourou », « 97480 Saint-Joseph Cedex »
    r"|(?<!\d[ \u00a0\u202f])(?<![\w,.])\d{5}(?=[ \u00a0]+(?:[A-ZÀ-Ý]|(?i:cedex)\b))"
    # an address: « 12 rue … », « 1 Rue … », « 15 bis route de … »
    r"|(?<![\w,.])\d{1,4}(?:[ \u00a0]?(?i:bis|ter))?,?[ \u00a0]+(?i:rue|avenue|av\.|boulevard|bd|chemin|route"
    r"|all[ée]e|impasse|place|quai|square|passage|sentier|lieu-dit|lotissement|r[ée]sidence|parvis|esplanade"
    r"|faubourg|rond-point|promenade|ruelle|hameau|cit[ée])\b"
    # a capital reference: « RN2 », « RD 51 », « BP 35 », « A 75 », « (DETR) 40 » (not CO2, PM10)
    r"|\b(?!(?:CO|NO|SO|CH|PM|N|O|H)\d)[A-Z]{1,6}\)?[ \u00a0]*\d+(?:[./-]\d+)*"
    # a reference by its word: « n° 5 », « article 4-2 », « tél. 05… », « départementale 17 »
    r"|(?i:\bn[°o]\.?|\bnum[ée]ro|\bart\.|\barticles?|\bal[ié]n[ée]as?|\bcedex|\bt[ée]l\.?|\bt[ée]l[ée]phone"
    r"|\bfax|\bd[ée]partementale|\bnationale|\bcommunale|\bautoroute|\b[ée]changeur|\bsortie|\bparcelles?"
    r"|\bd[ée]lib[ée]ration|\barr[êe]t[ée]|\bd[ée]cret)[ \u00a0]*(?:n[°o][ \u00a0]*)?\d+(?:[./-]\d+)*"
)
ACTION_FIELD = re.compile(  # a line of a fiche action or a financing plan: the action's, not the territory's
    r"^\W*(?:(?:co[uû]ts?|montants?|budgets?|plan de financement|montage financier|financements?|financeurs?"
    r"|co-?financements?|subventions?|d[ée]penses?|assiette|taux|reste [àa] charge|autofinancement|porteurs?"
    r"|ma[îi]tres? d['’]ouvrage|ma[îi]trise d['’]ouvrage|calendrier|localisation|adresse|contacts?"
    r"|t[ée]l[ée]phone|partenaires financiers|enveloppe|dotation)\b[^:\n]{0,30}"
    r"|description(?: de l['’]action| du projet| de l['’]op[ée]ration)?\s*):",
    re.IGNORECASE,
)
FINANCING = re.compile(  # a sentence about money: its percentages are shares of a financing
    r"financ|subvention|\bco[uû]ts?\b|\bmontants?\b|\bbudgets?\b|\bd[ée]penses?\b|[àa] charge\b"
    r"|\bdotations?\b|€|\beuros?\b|\b(?:HT|TTC)\b",
    re.IGNORECASE,
)
AFTER_END = re.compile(rf"{_NUMBER}|\b(?:et|mais|contre|alors)\b|[.;!?](?:\s|$)", re.I)
AMOUNTS_TO = re.compile(  # « s'élèvent à 450 000 teqCO2 » measures; « de 12 à 18 » is a range
    r"(?:s['’]él[èe]vent?|estim[ée]e?s?|[ée]valu[ée]e?s?|s['’][ée]tablit|s['’][ée]tablissent)\s+à\s*$", re.I
)
LINKED_BEFORE = re.compile(r"\(\s*(?:de\s+)?$")  # « le taux de chômage (18,4 %) »
FUNCTION_WORDS = word_set(
    "le la les l un une des du de d et ou ni a au aux en sur par pour dans avec sans sous ses son sa leur "
    "leurs ce cet cette ces mon ma mes notre nos votre vos ne pas qui que dont y"
)
KNOWN_COUNTS = word_set(  # things commonly counted in a territory (normalized)
    "habitants logements emplois communes menages actifs entreprises etablissements etudiants eleves "
    "salaries demandeurs chomeurs agriculteurs exploitations commerces bornes nuitees lits places "
    "visiteurs touristes arbres vehicules voyageurs usagers quartiers equipements batiments ecoles "
    "creches medecins associations hectares"
)


def value_of(whole: str, decimals: str | None) -> Decimal:
    return Decimal(re.sub(r"\D", "", whole) + (f".{decimals}" if decimals else ""))


def sentences(text: str) -> list[str]:
    """The running text in sentences; short lines (headings), table rows and the fields of
    an action (« Coût : … », « Plan de financement : … ») are left."""
    paragraphs = [
        line
        for line in text.splitlines()
        if not is_table_row(line) and len(line.split()) > 4 and not ACTION_FIELD.match(line)
    ]
    flat = "\n".join(" ".join(p.split()) for p in paragraphs)
    return [s.strip() for s in re.split(r"(?<=[.;!?])\s+|\n", flat) if s.strip()]


def is_table_row(line: str) -> bool:
    return "\t" in line or line.count("|") >= 2


def table_cells(text: str) -> list[str]:
    """The cells of table rows that are sentences (a description, not a figure alone)."""
    return [
        " ".join(cell.split())
        for line in text.splitlines()
        if is_table_row(line)
        for cell in re.split(r"\t|\|", line)
        if len(cell.split()) > 4
    ]


LEADING_DETERMINER = re.compile(  # whole words: « Les », « salariés » is no « sa »
    r"^(?:(?:la|le|les|sa|son|ses|leur|leurs|une?|ce|cette|ces)\s+|l['’]\s*)(?=\w)", re.IGNORECASE
)


def phrase_after(text: str) -> str:
    """What follows a figure, up to punctuation, a connector, a verb or a negation
    (« habitants ne disposent », « habitants n'ont ») or MAX_WORDS words."""
    words = []
    text = LEADING_DETERMINER.sub("", text.strip())
    for word in re.split(r"\s+", re.split(r"[,.;:()«»\"✓]", text, maxsplit=1)[0].strip()):
        key = normalize_label(word)
        participle = len(key) > 6 and key.endswith("ant")
        participle |= len(key) > 4 and key.endswith("ent") and not key.endswith("ment")  # « travaillent »
        if (
            not word
            or key.replace(" ", "") in STOP_WORDS
            or participle
            or re.fullmatch(r"(?:19|20)\d{2}", word)
            or re.match(r"(?:n|s|qu)['’]", word, re.IGNORECASE)
        ):
            break
        words.append(word)
        if len(words) == MAX_WORDS:
            break
    return " ".join(words).strip(" -'’")


def phrase_before(text: str) -> str:
    """What a figure qualifies when it follows it (« la motorisation des ménages qui
    atteint 83 % »): the noun phrase before, from after its last verb, its trailing verbs
    and connectors cut, from its last determiner that is not a complement's (« de la »)."""
    text = re.split(r"[,.;:«»\"✓]", text.rstrip(" ("))[-1]
    text = text.split("(")[0] if "(" in text and ")" not in text.split("(")[-1] else text
    previous = None
    while previous != text:
        previous, text = text, VERBS.sub("", text).rstrip()
    cuts = list(re.finditer(CUT_VERBS, text))
    if cuts:
        after_verb = text[cuts[-1].end() :].strip()
        # « le taux de mortalité reste supérieur à … »: after the verb, no noun phrase: its subject
        noun_phrase = any(
            not re.search(r"\bde\s*$", after_verb[: m.start() + 1]) for m in DETERMINER.finditer(after_verb)
        )
        text = after_verb if noun_phrase or not text[: cuts[-1].start()].strip() else text[: cuts[-1].start()]
    starts = [m.end() for m in DETERMINER.finditer(text) if not re.search(r"\bde\s*$", text[: m.start() + 1])]
    if starts and text[starts[-1] :].strip():
        text = text[starts[-1] :]
    words = text.split()
    return " ".join(words[-MAX_WORDS - 2 :]).strip(" -'’")


CUT_VERBS = (
    r"\b(?:qui|que|qu['’]\w+|reste|restent|est|sont|atteint|représente|demeure|passant|passe|"
    r"s['’]accompagne|compte|comptent|concerne|concernent)\b"
)


def read_figures(text: str) -> tuple[list[DocFact], list[DocTarget]]:
    facts: dict[tuple[str, bool], DocFact] = {}  # a figure and a commitment of one thing: both
    targets: dict[str, DocTarget] = {}
    for sentence in sentences(text):
        changes = _relative_targets(sentence)
        for target in changes:
            targets.setdefault(target.code, target)
        for fact in _figures(sentence, [t.text for t in changes]):
            facts.setdefault((fact.code, fact.is_target), fact)
    for cell in table_cells(text):  # in a table's text, only what is committed to
        for fact in _figures(cell, []):
            if fact.is_target:
                facts.setdefault((fact.code, fact.is_target), fact)
    return list(facts.values()), list(targets.values())


@dataclass
class Measured:
    """What a number measures: the words of the quantity, its name, its unit, whether the
    unit is known, and the text after it (« par an » taken into the unit)."""

    words: str
    name: str
    unit: str
    known: bool
    after: str


def _figures(sentence: str, taken: list[str]) -> list[DocFact]:
    found = []
    references = [m.span() for m in NOT_FIGURES.finditer(sentence)]
    about_money = bool(FINANCING.search(sentence))
    for match in NUMBER.finditer(sentence):
        before, after = sentence[: match.start()], sentence[match.end() :]
        if any(start <= match.start() < end for start, end in references):
            continue  # a phone number, a postal code, an address, a reference (« RD 51 », « art. 4 »)
        if any(match.group(0) in text for text in taken):
            continue  # a figure of a relative target (« réduction de 24 % des GES »)
        if MONEY_AFTER.match(after) or (
            NOT_A_FIGURE_BEFORE.search(before.rstrip(" :")) and not AMOUNTS_TO.search(before)
        ):
            continue
        if re.match(r"\s*(?:[-–/]\s*\d|\s*%\s*/)", after) or re.search(r"[-–+−]\s*$", before):
            continue  # a range, a date, a signed change (a target, read elsewhere)
        value = value_of(match[1], match[2])
        unit_match = UNIT_RE.match(after)
        measured = (
            _in_unit(before, after, unit_match, about_money)
            if unit_match
            else _counted(before, after, match, value)
        )
        if measured is None or len(measured.words) < 3 or not measured.words[0].islower():
            continue  # nothing, too short, or a proper name (« DDTM », « Lunel »): no measured quantity
        after = measured.after
        window = before[-120:] + AFTER_END.split(after[:40], maxsplit=1)[0]  # not the next figure's
        is_target = bool(COMMITMENT.search(window))
        year = YEAR_AFTER.match(after)
        found.append(
            DocFact(
                code=slugify(measured.words)[:50].strip("-"),
                name=measured.name[:1].upper() + measured.name[1:200],
                unit=measured.unit[:30],
                direction=wanted_direction(measured.words, is_target),
                value=value,
                year=int(year[1]) if year else None,
                text=_excerpt(sentence, match.start(), match.end()),
                is_target=is_target,
                known=measured.known,
            )
        )
    return found


def _in_unit(before: str, after: str, unit_match: re.Match, about_money: bool) -> Measured | None:
    """A number in a unit of measure measures what follows it (« 12 km de pistes »), else
    what precedes it when a verb or a bracket ties them (« DSIL 40 % » is a share, no measure)."""
    unit = MEASURE_UNITS.get(normalize_label(unit_match[1]) or "%", unit_match[1])
    if unit == "%" and (about_money or re.search(r"\b(?:et|ou)\s*$", before)):
        return None  # a share of a financing; « 59,7 % en Région et 53 % en France »: a comparison
    rest = after[unit_match.end() :]
    complement = COMPLEMENT.match(rest)
    words = phrase_after(rest[complement.end() :]) if complement else ""
    if not words and not re.search(r"\b(?:sur|dans|en|pour|par|avec|vers)\s*$", before):
        words = phrase_before(before) if linked(before) else ""
    words = complete(words)
    return Measured(words, f"Part : {words}" if unit == "%" and words else words, unit, True, after)


def _counted(before: str, after: str, match: re.Match, value: Decimal) -> Measured | None:
    """A number before a counted noun (« 450 logements par an », « (3 200 habitants) »)."""
    if re.fullmatch(r"(?:19|20)\d{2}", match[1]) and not match[2]:
        return None  # a year
    noun = NOUN_AFTER.match(after)
    if not noun or not counted(noun[1], value):
        return None
    unit = noun[1]
    known = normalize_label(unit.split("/")[0]) in KNOWN_COUNTS
    yearly = re.match(r"\s*(?:par an|/\s*an)\b", after[noun.end() :])
    if yearly:
        unit, after = f"{unit}/an", after[: noun.end()] + after[noun.end() + yearly.end() :]
    inside_brackets = before.rstrip().endswith("(")
    words = complete(phrase_before(before) if inside_brackets else phrase_after(after))
    return Measured(words, words, unit, known, after)


def counted(word: str, value: Decimal) -> bool:
    """A word that counts things after a number: a common noun (no capital: « 34400 Lunel »,
    « 1 Rue Pierre Germain »), no word of time or reference (`NOT_COUNTED`), in the plural
    when there are several (« 17 relie », « 3 avenue » count nothing)."""
    key = normalize_label(word)
    first = key.split()[0] if key else ""
    return word[:1].islower() and key not in NOT_COUNTED and (value < 2 or first.endswith(("s", "x", "z")))


def linked(before: str) -> bool:
    """What precedes a figure is what it measures only when a verb or a bracket ties them:
    « le taux atteint 21 % », « la part modale du vélo (12 %) », « est de 12 km »."""
    return bool(LINKED_BEFORE.search(before) or VERBS.search(before))


def complete(phrase: str) -> str:
    """A noun phrase does not end on an article, a preposition, a conjunction or a negation
    (« zone d'activités et ses » is « zone d'activités »)."""
    words = phrase.split()
    while words and normalize_label(words[-1]).rpartition(" ")[2] in FUNCTION_WORDS | {""}:
        words.pop()
    return " ".join(words).strip(" -'’")


def _excerpt(sentence: str, start: int, end: int) -> str:
    return sentence[max(0, start - 120) : end + 120].strip()


def _relative_targets(sentence: str) -> list[DocTarget]:
    """Relative changes by a horizon year (« à l'horizon 2030, la réduction de 24 % des
    GES »), tied to the catalogue by the words of what changes."""
    horizon = HORIZON.search(sentence)
    if not horizon or not (CHANGE.search(sentence) or MULTIPLIED.search(sentence)):
        return []
    year = int(horizon[1])
    found = []
    for match in MULTIPLIED.finditer(sentence):
        factor = value_of(*match[1].partition(",")[::2]) if "," in match[1] else Decimal(match[1])
        _add_target(found, match[2], factor - 1, None, year, match.group(0))
    direction = None
    for match in re.finditer(r"(\d+(?:,\d+)?)\s*%", sentence):
        before, after = sentence[: match.start()], sentence[match.end() :]
        verbs = list(CHANGE.finditer(before))
        direction = normalize_label(verbs[-1]["verb"]) if verbs else direction
        if direction is None:
            continue
        sign = SIGN_BEFORE.search(before)  # « (-13 %/2017) », « + 40 % »: the sign says it
        percent = Decimal(match[1].replace(",", "."))
        falling = sign[1] != "+" if sign else direction in FALLING
        change = -percent / 100 if falling else percent / 100
        base = None
        base_match = re.match(r"\s*/\s*((?:19|20)\d{2})", after)
        if base_match:
            base = int(base_match[1])
        complement = COMPLEMENT.match(after[base_match.end() if base_match else 0 :])
        if complement and not base_match:
            measured = re.split(r"[,;.:()]| et ", after[complement.end() :])[0]
        else:  # « diminution de consommation énergétique finale (-13%/2017) », « des polluants de 34 % »
            measured = before.rstrip(" (-–−+").removesuffix(" de")
            if verbs and verbs[-1].end() < len(measured):  # what follows its verb is what changes
                measured = measured[verbs[-1].end() :]
            measured = re.split(r"[,;:]| et |\d+\s*%", measured)[-1]
        _add_target(found, measured, change, base, year, _excerpt(sentence, match.start(), match.end()))
    return found


def _add_target(found: list[DocTarget], measured: str, change: Decimal, base, year, text) -> None:
    key = normalize_label(measured)
    known = next((k for k in KNOWN_TARGETS if k.words.search(key)), None)
    if known is None:
        name = phrase_after(
            re.sub(r"^\W*(?:de la|de l['’]|des|du|de|d['’]|la|le|les|l['’])\s*", "", measured)
        )
        if not name:
            return
        code, catalogue_id, unit = f"cible-{slugify(name)[:40]}", "", ""
        direction = "baisse" if change < 0 else "hausse"
        name = name[:1].upper() + name[1:]
    else:
        code, catalogue_id, name, unit, direction = (
            known.code,
            known.catalogue_id,
            known.name,
            known.unit,
            known.direction,
        )
    if any(t.code == code for t in found):
        return
    found.append(DocTarget(code, catalogue_id, name, unit, direction, year, change, base, text))


def fact_key(fact: DocFact) -> str:
    """How the preview names a stated figure a person accepts or drops."""
    return f"{'objectif' if fact.is_target else 'valeur'}:{fact.code}"


def target_key(code: str) -> str:
    return f"cible:{code}"


def known_target(code: str) -> bool:
    """A relative target the catalogue's words recognized (`data/cibles.csv`)."""
    return any(known.code == code for known in KNOWN_TARGETS)


def keep_chosen(plan, chosen: Collection[str]) -> None:
    """Only the figures and targets a person accepted (by their keys) stay in the plan."""
    plan.facts = [fact for fact in plan.facts if fact_key(fact) in chosen]
    plan.targets = [target for target in plan.targets if target_key(target.indicator_code) in chosen]
