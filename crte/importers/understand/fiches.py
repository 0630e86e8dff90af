"""Reads a programme written as « fiches actions »: one block per action with labelled
fields, in any order, as paragraphs (« Porteur : Commune de X »), as lines of a text file,
or as a two-column table (label cell, value cell, which arrives as « label\\tvalue »).

A fiche opens at a heading (« Fiche action n° 3 : … », « FICHE ACTION 2 – … », « Fiche
n°1 », « Action 1.3 : … ») or, without headings, at a title field (« Intitulé : … ») when
the fiche being read already has one. Labels are understood by the one header mapper
(`headers.MAPPER`, synonyms of `data/colonnes.csv`), so a fiche and a table column say
« Coût prévisionnel » the same way. A field may go on over the following lines (a
description in several paragraphs, one financer per line). The fiche ends at the next
one or at an article, a title, an annex or the signature.

`read_fiches` is pure text to data; `fiche_actions` makes them the plan's actions, with
what it could not understand in the report at its line."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.text import slugify

from crte.core.text import normalize_label
from crte.importers.plan import ActionPlan, LinePlan, Place
from crte.importers.plan.report import Report
from crte.importers.understand.contract_document import clean_cell, heading_name
from crte.importers.understand.from_table import commune_names, maturity_of, money, siren_of
from crte.importers.understand.funding import FunderDirectory, has_figure, plan_text_lines
from crte.importers.understand.headers import MAPPER, SYNONYMS, header_key
from crte.importers.understand.matching import likeness
from crte.importers.understand.parsing import parse_calendar

# --- reading the text -------------------------------------------------------------------------

FINANCING = {"autres_financeurs", "financement", "financeur"}
READ = {
    "intitule",
    "maitre_ouvrage",
    "siren_maitre_ouvrage",
    "montant",
    "calendrier",
    "annee_debut",
    "annee_fin",
    "communes",
    "contenu",
    "orientation",
    "enjeu",
    "maturite",
    "identifiant",
} | FINANCING
CORE = {"maitre_ouvrage", "montant", "calendrier", "annee_debut", "annee_fin"} | FINANCING
MULTILINE = {"contenu", "communes"} | FINANCING  # fields that may go on over several lines
# A label that ends a list of financers even when its line has a figure (« Coût total : … »);
# « Commune : 135 000 € » in a financing plan is the commune's share, not the communes.
STRONG = READ - FINANCING - {"communes", "identifiant"}

# The first word of every synonym of a field: a label starts with its head noun
# (« Coût total », « Plan de financement »), a sentence with a colon does not
# (« Le projet comprend : … » is not a title).
HEAD_WORDS: dict[str, set[str]] = {}
for _key, _field in SYNONYMS.items():
    HEAD_WORDS.setdefault(_field, set()).add(_key.split()[0])

FICHE_HEADING = re.compile(
    r"^(?P<kind>fiches?(?:[\s-]*(?:actions?|projets?|op[ée]rations?))?|actions?|projets?|op[ée]rations?)"
    r"(?:\s*(?:n\s*[°º]|n[o°º]?\.|num[ée]ro)\s*|\s+|(?=\d))"
    r"(?P<number>(?!(?:19|20)\d\d\b)\d+(?:[.-]\d+)*[a-z]?\b|[A-Z](?:[.-]?\d+)*\b)?"
    r"\s*(?:(?:[:.–—-]+|\s)\s*(?P<title>\S.*?))?\s*$",
    re.IGNORECASE,
)
END = re.compile(
    r"^\W*(?:art(?:icle)?\.?\s*(?:\d+|[IVX]+)\b|titre\s+(?:\d+|[IVX]+)\b|chapitre\b|annexes?\b"
    r"|fait\s+[àa]\b|signatures?\b|pour\s+l['’][ée]tat\b)",
    re.IGNORECASE,
)
BULLET = re.compile(r"^\s*(?:[-–—•*·▪►✓⇒]+|\d+[.)])\s+")
LABEL = re.compile(
    r"^(?P<label>[^:\t.…]{1,60}?)\s*(?::|\s[.…]{3,}:?)\s*(?P<value>.*)$"
)  # « Label : », « LABEL ..... »
MAX_LABEL_WORDS = 6


@dataclass
class FicheField:
    field: str  # the header mapper's field
    label: str  # as written
    value: str
    line: int  # 1-based line of the label
    parts: list[tuple[int, str]] = field(default_factory=list)  # (line, text): one per line written


@dataclass
class Fiche:
    line: int  # where it starts (1-based)
    heading: str = ""  # « Fiche action n° 3 — … » as written
    number: str = ""
    title: str = ""
    title_line: int = 0
    titled_by_field: bool = False
    fields: list[FicheField] = field(default_factory=list)
    unread: list[FicheField] = field(default_factory=list)  # labels the mapper does not know

    def first(self, name: str) -> FicheField | None:
        return next((f for f in self.fields if f.field == name), None)

    def all(self, names: set[str]) -> list[FicheField]:
        return [f for f in self.fields if f.field in names]

    @property
    def known(self) -> set[str]:
        return {f.field for f in self.fields}

    def is_action(self) -> bool:
        """An action: a title and what a fiche gives of an operation. Under a heading one
        field of cost, owner, calendar or financing suffices; without headings (fiches
        that open at « Intitulé : »), two; a table of contents has none."""
        core = len(self.known & CORE)
        return bool(self.title or self.heading) and (core >= 1 if self.heading else core >= 2)


def plain(text: str) -> str:
    """A line without Markdown emphasis or heading marks, its spaces collapsed."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return clean_cell(text)


def label_field(label: str) -> str:
    """The field a label names, or "": a short label whose first word starts one of the
    field's synonyms (« Coût estimatif », « Plan de financement prévisionnel »)."""
    key = header_key(label)
    words = key.split()
    if not words or len(words) > MAX_LABEL_WORDS:
        return ""
    name = MAPPER.field(label)
    if not name or (key not in SYNONYMS and words[0] not in HEAD_WORDS.get(name, set())):
        return ""
    return name


def looks_like_label(label: str) -> bool:
    """« Contexte », « Indicateurs de suivi »: what a fiche's rubric looks like, though the
    mapper does not know it (reported, not read as the field above)."""
    words = label.split()
    return 1 <= len(words) <= 4 and label[:1].isupper() and not re.search(r"\d", label)


def split_label(text: str, cells: list[str]) -> tuple[str, str] | None:
    """(label, value) of « Label : value », « Label\\tvalue » or « Label :\\tvalue »."""
    if len(cells) == 2:
        return cells[0].rstrip(" :"), cells[1]
    found = LABEL.match(text)
    if found and not re.match(r"^\s*//", found["value"]):  # « https://… »
        return found["label"].strip(), found["value"].strip()
    return None


def line_cells(raw: str) -> list[str]:
    """The filled cells of a line (one for a paragraph); a merged cell repeated over the
    row counts once."""
    cells = [plain(c) for c in raw.split("\t")]
    cells = [c for c in cells if c]
    if len(cells) > 1 and len(set(cells)) == 1:
        return cells[:1]
    return cells


def heading_of(text: str) -> re.Match | None:
    """« Fiche action n° 3 : … », « Fiche n°1 », « Action 1.3 – … »: an action, a project or
    an operation needs its number; « Fiche … » does not."""
    found = FICHE_HEADING.match(BULLET.sub("", text))
    if not found:
        return None
    if not found["kind"].lower().startswith("fiche") and not found["number"]:
        return None
    title = found["title"] or ""
    if title and len(title) > 300:
        return None
    if title and split_label(title, [title]) and label_field(split_label(title, [title])[0]):
        return None  # « Action : Intitulé : … » is a label, not a heading
    return found


def read_fiches(lines: list[str]) -> list[Fiche]:
    """The fiches actions of a document's lines (tab-separated lines are table rows), in
    order; blocks that hold no action's field (a table of contents) are left out."""
    reader = _FicheReader()
    for index, raw in enumerate(lines):
        reader.read(raw, index + 1)
    return [f for f in reader.fiches if f.is_action()]


class _FicheReader:
    """Reads line after line: the fiche being read, and the field later lines may go on."""

    def __init__(self):
        self.fiches: list[Fiche] = []
        self.current: Fiche | None = None
        self.open: FicheField | None = None

    def read(self, raw: str, number: int) -> None:
        cells = line_cells(raw)
        if not cells:
            if self.open is not None and self.open.value:
                self.open = None  # a blank line closes a paragraph
            return
        flat = " ".join(cells)
        if len(cells) == 1 and END.match(flat):
            self.current = self.open = None
            return
        heading = heading_of(flat) if len(cells) == 1 else None
        if heading is not None:
            self._open_fiche(number, flat, heading)
            return
        pair = split_label(BULLET.sub("", flat if len(cells) == 1 else "\t".join(cells)), cells)
        name = label_field(pair[0]) if pair else ""
        if self._goes_on_financing(raw, flat, name, pair):
            _continue(self.open, number, flat)
        elif len(cells) > 2:  # a row of another table
            self.open = None
        elif name in READ or (self.current is not None and self._label_alone(flat)):
            pair, name = (pair, name) if name in READ else ((flat.rstrip(" :"), ""), self._label_alone(flat))
            self._field(name, pair, number)
        elif self.current is not None and pair and (name or looks_like_label(pair[0])):
            self.current.unread.append(FicheField(name, pair[0], pair[1], number))
            self.open = None
        elif self.current is not None and self.open is not None:
            self._go_on(number, flat)

    def _open_fiche(self, number: int, flat: str, heading: re.Match) -> None:
        self.current = Fiche(line=number, heading=flat, number=heading["number"] or "")
        if heading["title"]:
            self.current.title, self.current.title_line = heading["title"].strip(" :–—-"), number
        self.fiches.append(self.current)
        self.open = None

    def _goes_on_financing(self, raw: str, flat: str, name: str, pair) -> bool:
        """One financer per line under « Plan de financement »: a line with a figure or a
        bullet goes on, unless it opens another field (« Coût total : … »); « Commune :
        135 000 € » is the commune's share there, not the communes."""
        if self.current is None or self.open is None or self.open.field not in FINANCING:
            return False
        if name in STRONG or (name in READ and not has_figure(pair[1])):
            return False
        return has_figure(flat) or bool(BULLET.match(raw))

    @staticmethod
    def _label_alone(flat: str) -> str:
        """« Description » or « Plan de financement : » alone on its line, its text below."""
        exact = SYNONYMS.get(header_key(flat.rstrip(" :")), "")
        return exact if exact in READ and len(flat.split()) <= MAX_LABEL_WORDS else ""

    def _field(self, name: str, pair: tuple[str, str], number: int) -> None:
        label, value = pair
        if name == "intitule" and (self.current is None or self.current.titled_by_field):
            self.current = Fiche(line=number)  # fiches without headings open at their title
            self.fiches.append(self.current)
        if self.current is None:
            return
        if name == "intitule":
            self.current.title, self.current.title_line = value, number
            self.current.titled_by_field = True
            self.open = None
            return
        self.open = FicheField(name, label, value, number)
        if value:
            self.open.parts.append((number, value))
        self.current.fields.append(self.open)

    def _go_on(self, number: int, flat: str) -> None:
        """A description in several paragraphs, a list of communes or of financers; a field
        of one value (an amount, a year) is closed by a line that is not a field."""
        field_name, value = self.open.field, self.open.value
        short = len(flat.split()) <= 8
        if not value or field_name == "contenu" or (field_name in MULTILINE and short):
            _continue(self.open, number, flat)
        else:
            self.open = None


def _continue(fiche_field: FicheField, line: int, text: str) -> None:
    text = BULLET.sub("", text).strip()
    fiche_field.parts.append((line, text))
    joiner = "\n" if fiche_field.field == "contenu" else " ; "
    fiche_field.value = joiner.join(filter(None, [fiche_field.value, text]))


AXIS_LINE = re.compile(
    r"^\W*(?:axe|orientation(?:\s+strat[ée]gique)?|priorit[ée]|volet|th[ée]matique)\s*(?:n\s*[°º]\s*)?"
    r"(?P<code>\d+|[IVX]+|[A-Z])\s*[:.–—-]\s*(?P<name>\S.{1,150})$",
    re.IGNORECASE,
)
AXIS_CODE = re.compile(
    r"^(?:(?:axe|orientation(?:\s+strat[ée]gique)?|priorit[ée]|volet|th[ée]matique)\s*(?:n\s*[°º]\s*)?)?"
    r"(?P<code>\d+|[IVX]+|[A-Z])\.?$",
    re.IGNORECASE,
)


def axis_names(lines: list[str]) -> dict[str, str]:
    """« Axe A. Un territoire sobre », « Orientation 2 : Habiter » anywhere in the document:
    code -> name, so that a fiche's « Axe : A » names its orientation."""
    names: dict[str, str] = {}
    for raw in lines:
        found = AXIS_LINE.match(plain(raw))
        if found and "\t" not in raw:
            names.setdefault(found["code"].upper(), found["name"].strip(" .;"))
    return names


# --- making actions ---------------------------------------------------------------------------

EVERYWHERE = re.compile(
    r"^(?:l['’ ]?)?(?:ensemble|tout(?:e|es)?|totalit[ée])\b.*\b(?:territoire|communes?|intercommunalit[ée])\b"
    r"|^(?:territoire|p[ée]rim[eè]tre)\s+(?:intercommunal|communautaire|du contrat)|^intercommunal",
    re.IGNORECASE,
)
SAME_ACTION = 0.9  # likeness of an annex row's title and a fiche's: the same action


@dataclass
class FicheContext:
    """What turning fiches into actions needs from the document and the catalogue."""

    directory: FunderDirectory
    source: str
    report: Report
    new_id: Callable[[str, int], str]  # (title, line) -> an id unique in the plan
    orientations: dict[str, str] = field(default_factory=dict)  # normalized heading -> name
    axes: dict[str, str] = field(default_factory=dict)  # « A » -> « Un territoire sobre »


def fiche_actions(fiches: list[Fiche], existing: list[ActionPlan], context: FicheContext) -> list[ActionPlan]:
    """The fiches as actions, those already read from the annex table apart (reported)."""
    actions: list[ActionPlan] = []
    for fiche in fiches:
        title = fiche.title or fiche.heading
        same = next((a for a in existing if likeness(title, a.title) >= SAME_ACTION), None)
        if same is not None:
            context.report.info(
                "fiche-action",
                f"La fiche « {title} » est l'action « {same.title} » du tableau de programmation.",
                Place(context.source, fiche.line),
                same.title,
            )
            continue
        actions.append(fiche_action(fiche, context))
    return actions


def fiche_action(fiche: Fiche, context: FicheContext) -> ActionPlan:
    source, report = context.source, context.report
    title = fiche.title
    if not title:
        title = fiche.heading
        report.warn(
            "intitule",
            f"Fiche sans intitulé : l'action est nommée « {title} ».",
            Place(source, fiche.line),
            title,
        )
    description = "\n".join(f.value for f in fiche.all({"contenu"}) if f.value)
    action = ActionPlan(
        external_id=context.new_id(title, fiche.line),
        title=title[:400],
        orientation="",
        place=Place(source, fiche.title_line or fiche.line),
        description=description,
        priority_hint=_value(fiche, "enjeu"),
        has_financing_columns=bool(fiche.all(FINANCING)),
    )
    _owners(action, fiche, context)
    _orientation(action, fiche, context)
    _amount(action, fiche, context)
    _years(action, fiche, context)
    _communes(action, fiche)
    action.maturity = _maturity(action, fiche, context)
    for rubric in fiche.unread:
        report.info(
            "rubrique-non-lue",
            f"Rubrique « {rubric.label} » de la fiche non lue : son contenu n'est pas importé.",
            Place(source, rubric.line, rubric.label),
            title,
        )
    for name in sorted({f.field for f in fiche.fields if f.field not in FINANCING | {"contenu"}}):
        for extra in fiche.all({name})[1:]:
            report.warn(
                "rubrique-en-double",
                f"Rubrique « {extra.label} » : la fiche en a déjà une (« {fiche.first(name).label} »), "
                "seule la première est lue.",
                Place(source, extra.line, extra.label),
                title,
            )
    action.lines = financing_lines(action, fiche, context)
    return action


def _value(fiche: Fiche, name: str) -> str:
    found = fiche.first(name)
    return found.value.strip() if found else ""


def _place(context: FicheContext, fiche_field: FicheField) -> Place:
    return Place(context.source, fiche_field.line, fiche_field.label)


def _owners(action: ActionPlan, fiche: Fiche, context: FicheContext) -> None:
    owner = _value(fiche, "maitre_ouvrage")
    action.owners = [o.strip() for o in re.split(r"[;/\n]", owner) if o.strip()]
    siren_field = fiche.first("siren_maitre_ouvrage")
    if siren_field is not None:
        action.owner_siren = siren_of(siren_field.value)
        if siren_field.value and not action.owner_siren:
            context.report.warn(
                "siren",
                f"SIREN ou SIRET « {siren_field.value} » non compris (9 ou 14 chiffres attendus).",
                _place(context, siren_field),
                action.title,
            )


def _orientation(action: ActionPlan, fiche: Fiche, context: FicheContext) -> None:
    """« Axe 2 : Mieux se déplacer » -> « Mieux se déplacer »; « Axe : A » -> the name the
    document gives axis A; a name of Art. 3 -> as Art. 3 writes it."""
    text = plain(_value(fiche, "orientation"))
    if not text:
        return
    key = normalize_label(text)
    if key in context.orientations:
        action.orientation = context.orientations[key]
        return
    code = AXIS_CODE.match(text)
    if code:
        named = context.axes.get(code["code"].upper())
        action.orientation = named or f"Axe {code['code'].upper()}"
        if named is None:
            found = fiche.first("orientation")
            context.report.warn(
                "orientation",
                f"Axe « {text} » : son nom n'est pas trouvé dans le document.",
                _place(context, found),
                action.title,
            )
        return
    name = heading_name(text)
    action.orientation = context.orientations.get(normalize_label(name), name)


def _amount(action: ActionPlan, fiche: Fiche, context: FicheContext) -> None:
    found = fiche.first("montant")
    if found is None or not found.value:
        return
    action.amount_text = found.value
    before = len(context.report.entries)
    amount, basis = money(found.value, _place(context, found), context.report)
    for entry in context.report.entries[before:]:  # what `money` said is about this action
        entry.action = entry.action or action.title
    action.amount, action.amount_basis = amount, basis or "total"


def _years(action: ActionPlan, fiche: Fiche, context: FicheContext) -> None:
    """« Calendrier : 2024-2026 », or « Démarrage » and « Achèvement »; a text with no year
    is reported at its line."""
    texts = []
    for name in ("calendrier", "annee_debut", "annee_fin"):
        found = fiche.first(name)
        if found is None or not found.value:
            continue
        texts.append(found.value)
        calendar = parse_calendar(found.value)
        if calendar.start_year is None:
            context.report.warn(
                "calendrier",
                f"Année non comprise : « {found.value} ».",
                _place(context, found),
                action.title,
            )
        elif name == "calendrier":
            action.start_year, action.end_year = calendar.start_year, calendar.end_year
        elif name == "annee_debut":
            action.start_year = calendar.start_year
        else:
            action.end_year = calendar.end_year or calendar.start_year
    action.calendar_text = " – ".join(texts)


def _communes(action: ActionPlan, fiche: Fiche) -> None:
    """Codes INSEE and names; « Ensemble du territoire » names none; a place inside a
    commune in brackets (« Saint-Pierre (Ravine Blanche) ») is not a commune."""
    for found in fiche.all({"communes"}):
        text = plain(found.value)
        if not text or EVERYWHERE.search(text):
            continue
        action.communes += [c for c in re.findall(r"\b\d[\dAB]\d{3}\b", text) if c not in action.communes]
        named = commune_names(re.sub(r"\([^)]*\)", " ", text))
        action.commune_names += [n for n in named if n not in action.commune_names]


def _maturity(action: ActionPlan, fiche: Fiche, context: FicheContext) -> str:
    """The fiche's own word when it says one; otherwise the rule of the annex: a signed
    contract's fiche is validated, under way when its calendar says so, maturing when its
    cost is still to be defined. A word not understood is reported and the rule applies."""
    found = fiche.first("maturite")
    if found is not None and found.value:
        maturity = maturity_of(found.value)
        if maturity:
            action.maturity_text = found.value
            return maturity
        context.report.warn(
            "maturite",
            f"Maturité « {found.value} » non comprise : la maturité n'est pas reprise de la fiche.",
            _place(context, found),
            action.title,
        )
    if "en cours" in normalize_label(action.calendar_text):
        return "en_cours"
    if action.amount is None and re.search(
        r"en cours|a determiner|a preciser|a definir", normalize_label(action.amount_text)
    ):
        return "en_maturation"
    return "validee"


def financing_lines(action: ActionPlan, fiche: Fiche, context: FicheContext) -> list[LinePlan]:
    """Every financer of the fiche's plan, read as a free-text financing plan is
    (`funding.plan_text_lines`): a name in the text says who pays; the owner's share
    (« commune 20 % », « autofinancement », « reste à charge ») is the owner's."""
    lines: list[LinePlan] = []
    for found in fiche.all(FINANCING):
        for line, written in found.parts:
            place = Place(context.source, line, found.label)
            lines += plan_text_lines(written, action, place, context.directory, context.report)
    key = slugify(fiche.all(FINANCING)[0].label) if lines else ""
    for rank, plan_line in enumerate(lines, start=1):
        plan_line.external_id = f"{key or 'financement'}-{rank}"
    return lines
