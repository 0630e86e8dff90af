"""Fidelity of imports on material we did not write (issue 21): each file of
bench/fidelity/corpus/ and samples of the real DGCL tables (2023, 2024) are imported as a dry
run, and what the import would write is compared field by field with the file's truth.

    .venv/bin/python bench/fidelity.py [--only NAME] [--dgcl-sample N] [--dgcl-all] [--no-dgcl]
                                       [--json FILE] [--fresh-db]

The database is a temporary SQLite file: `migrate` runs into it once (it loads the national
reference) and is kept in var/fidelity/ for the next run (--fresh-db builds it again); every
import is a dry run, so each file meets the same fresh database.

What is compared (the truth files say which fields each action has):
- a contract: its title, its EPCI's SIREN, signature date, first and last year;
- an action: title (normalized equality), each owner (its SIREN through the catalogue, or
  the name), cost to the cent, « par an », start and end year, each commune (INSEE code);
- each financing line: financer (the catalogue's body, or the name; a scheme alone counts
  as its financer, as the writer does), scheme, amount to the cent, rate, « par an ».
Actions are paired by title, else by their place in the file; lines by financer and figure.
A field missed is « signalé » when the import's report has an entry at its row (or about its
action), at its column (a column not read), or an error about the whole file; « silencieux »
otherwise. Actions and lines the import found but the truth does not have are counted apart
(« en trop »).

DGCL: the real « projets financés par les dotations d'investissement » tables, cut into one
préfecture-style table per EPCI (the rows of its communes and its own rows, in the file's own
layout: `;`, UTF-8 with a BOM, decimal comma), each imported with --territory of that EPCI.
Truth from the columns: title = intitule, owner = beneficiaire_siren / beneficiaire_nom, cost =
cout_ht, one line of the État with the dotation (`dispositif`) as scheme and `subvention` as
amount. By default a sample of EPCI drawn at random (seeded) until N rows per year, one
overseas; --dgcl-all takes every EPCI (50 minutes on this 2-core machine, shared)."""

import argparse
import atexit
import csv
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "bench" / "fidelity" / "corpus"
NATIONAL = Path(os.environ.get("CRTE_SHARED_DATA", ROOT.parent / "shared" / "data")) / "national"
if not NATIONAL.exists():
    NATIONAL = Path("/work/shared/data/national")
DGCL = {
    year: NATIONAL / "dgcl-dotations" / f"dgcl-liste-projets-dotations-investissement-local-{year}.csv.gz"
    for year in (2023, 2024)
}
CACHE = ROOT / "var" / "fidelity"
RUN_DIR = Path(tempfile.mkdtemp(prefix="crte-fidelite-"))
atexit.register(shutil.rmtree, RUN_DIR, True)  # the run's database and DGCL slices, whatever happens
RUN_DB = RUN_DIR / "fidelite.sqlite3"

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("CRTE_DEBUG", "true")
os.environ["DATABASE_URL"] = f"sqlite:///{RUN_DB}"
os.environ.setdefault("CRTE_RUNTIME_DIR", str(RUN_DIR / "connexions"))
warnings.filterwarnings("ignore")

CENT = Decimal("0.01")
RATE = Decimal("0.0001")
REPORTED_ROW, REPORTED_COLUMN, REPORTED_NAME, REPORTED_FILE, SILENT = (
    "signalé (ligne)",
    "signalé (colonne)",
    "signalé (nom)",
    "signalé (fichier)",
    "silencieux",
)
INFO = "info"
LINE_KINDS = {"financeur", "dispositif", "montant de la ligne", "taux de la ligne", "ligne par an"}
ACTION_KINDS = {
    "titre",
    "maître d'ouvrage",
    "coût",
    "coût par an",
    "année de début",
    "année de fin",
    "commune",
}
# What an entry of the report is about, by its code: an entry at a row tells of a miss only
# when it is about that kind of field (« reste à financer » says nothing of the owner). Codes
# not listed: a warning or an error tells of any field of its row, an information of none.
ABOUT = {
    "maitre-ouvrage": {"maître d'ouvrage"},
    "organisation-nouvelle": {"maître d'ouvrage", "financeur"},
    "hors-territoire": {"maître d'ouvrage", "financeur"},
    "calendrier": {"année de début", "année de fin"},
    "annee-hors-limite": {"année de début", "année de fin"},
    "commune": {"commune"},
    "montant": {"coût", "coût par an", "montant de la ligne"},
    "montant-non-chiffre": {"coût", "coût par an", "montant de la ligne"},
    "lecture-incertaine": {"coût", "coût par an", "montant de la ligne", "taux de la ligne"},
    "nombre-hors-limite": {"coût", "montant de la ligne"},
    **{
        code: LINE_KINDS
        for code in (
            "sous-finance",
            "sur-finance",
            "sans-financement",
            "financement",
            "financeur-inconnu",
            "financement-commun",
            "non-chiffre",
            "note",
            "taux",
            "bases-differentes",
            "dispositif",
            "dispositif-nouveau",
        )
    },
    **{code: ACTION_KINDS | LINE_KINDS for code in ("intitule", "doublon", "vide", "meme-action")},
}


def reference_key() -> str:
    """What the migrated database depends on: migrations and the reference data shipped."""
    digest = hashlib.sha256()
    paths = sorted(ROOT.glob("crte/*/migrations/*.py")) + sorted((ROOT / "crte" / "core" / "data").rglob("*"))
    paths.append(ROOT / "crte" / "core" / "national.py")
    for path in paths:
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(ROOT)}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:16]


def prepare_database(fresh: bool) -> tuple[Path, bool]:
    cached = CACHE / f"reference-{reference_key()}.sqlite3"
    if cached.exists() and not fresh:
        shutil.copyfile(cached, RUN_DB)
        return cached, False
    return cached, True


# --- truth and plan, compared ------------------------------------------------------------------


@dataclass
class Miss:
    action: str
    field: str
    expected: str
    found: str
    mark: str = SILENT


@dataclass
class Score:
    name: str
    kind: str = ""
    expected: int = 0
    right: int = 0
    misses: list[Miss] = field(default_factory=list)
    by_field: Counter = field(default_factory=Counter)  # field kind -> expected
    right_by_field: Counter = field(default_factory=Counter)
    extra_actions: list[str] = field(default_factory=list)
    extra_lines: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    retried: bool = False  # a document refused for its territory, imported again with --territory
    files: int = 0
    refused_files: int = 0  # files whose report has an error: nothing would be written
    right_in_refused: int = 0

    def add(self, other: "Score") -> None:
        self.expected += other.expected
        self.right += other.right
        self.misses += other.misses
        self.by_field.update(other.by_field)
        self.right_by_field.update(other.right_by_field)
        self.extra_actions += other.extra_actions
        self.extra_lines += other.extra_lines
        self.errors += other.errors
        self.seconds += other.seconds
        self.retried = self.retried or other.retried
        self.files += other.files
        self.refused_files += other.refused_files
        self.right_in_refused += other.right_in_refused

    @property
    def refused(self) -> bool:
        return self.refused_files > 0

    @property
    def silent(self) -> int:
        return sum(1 for m in self.misses if m.mark == SILENT)

    def percent(self) -> float:
        return 100 * self.right / self.expected if self.expected else 100.0


def shown(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}".replace(",", " ").replace(".", ",")
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    return str(value)


def as_money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(CENT)
    except InvalidOperation:
        return None


def as_rate(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(RATE)


class Judge:
    """Compares one file's plan with its truth, resolving names as the writer would."""

    def __init__(self, name, truth, result, catalogue, spans, columns_letters):
        from crte.core.text import normalize_label

        self.norm = normalize_label
        self.name, self.truth, self.result = name, truth, result
        self.catalogue, self.spans, self.letters = catalogue, spans, columns_letters
        self.score = Score(name, truth.get("format", ""))
        self.retried = ""
        self.report = result.report
        self.plan = result.plan
        self._truth_orgs: dict = {}
        rows = set()
        for span in spans.values():
            rows |= span
        self.file_errors = [
            e
            for e in self.report.errors
            if e.place is None or e.place.line is None or e.place.line not in rows
        ]
        self.score.errors = [f"{e.code} : {e.message[:160]}" for e in self.report.errors]

    # -- resolution -------------------------------------------------------------------------

    def organisation(self, label: str):
        """The body a name written in the file designates, as the writer resolves it."""
        import re

        label = re.sub(r"^(La|Le|Les|L['’])\s*", "", (label or "").strip())
        if not label:
            return None
        return self.catalogue.resolve(label)

    def funder_of(self, line):
        """A plan line's financer: its named body, else its scheme's financer (the writer)."""
        from crte.importers.write.load import scheme_funder

        if line.funder:
            found = self.catalogue.organisations.get(line.funder) or self.organisation(line.funder)
            return found, line.funder
        scheme = self.scheme_of(line.scheme)
        if scheme is not None:
            found = scheme_funder(scheme, self.catalogue)
            return found, found.name if found else ""
        return None, ""

    def scheme_of(self, label: str):
        if not label:
            return None
        return self.catalogue.schemes.get(self.norm(label))

    def identified_owner(self, action):
        """The owner as the writer identifies it (`Writer.identified_owner`): by SIREN, else
        by the commune's INSEE code; a SIREN unknown to the reference is a body created
        with it."""
        from types import SimpleNamespace

        from crte.core.models import Organisation

        if action.owner_siren:
            found = Organisation.objects.filter(siren=action.owner_siren).first()
            if found is None and action.owners:
                known = self.organisation(action.owners[0])
                found = known if known is not None and not known.siren else None
            name = action.owners[0] if action.owners else f"SIREN {action.owner_siren}"
            return found or SimpleNamespace(pk=None, siren=action.owner_siren, name=name)
        if action.owner_insee:
            return Organisation.objects.filter(kind="commune", commune__insee_code=action.owner_insee).first()
        return None

    def truth_organisation(self, who: dict):
        from crte.core.models import Organisation

        key = (who.get("siren"), who["name"])
        if key not in self._truth_orgs:
            found = None
            if who.get("siren"):
                found = Organisation.objects.filter(siren=who["siren"]).first()
            found = (
                found
                or self.organisation(who["name"])
                or Organisation.objects.filter(name=who["name"]).first()
            )
            self._truth_orgs[key] = found
        return self._truth_orgs[key]

    def same_body(self, found, label: str, who: dict) -> bool:
        if found is not None and who.get("siren") and found.siren == who["siren"]:
            return True
        expected = self.truth_organisation(who)
        if found is not None and expected is not None and found.pk == expected.pk:
            return True
        names = {self.norm(label)} | ({self.norm(found.name)} if found is not None else set())
        return self.norm(who["name"]) in names

    def same_scheme(self, label: str, expected: str) -> bool:
        if not expected:
            return True
        if not label:
            return False
        a, b = self.scheme_of(label), self.scheme_of(expected)
        if a is not None and b is not None:
            return a.pk == b.pk
        return self.norm(label) == self.norm(expected)

    def communes_of(self, action) -> set[str]:
        from crte.core.models import Commune

        codes = set(action.communes)
        for name in action.commune_names:
            candidates = list(Commune.objects.filter(key=self.norm(name), is_current=True))
            inside = [c for c in candidates if c.pk in self.catalogue.place.communes]
            chosen = inside or (candidates if len(candidates) == 1 else [])
            if len(chosen) == 1:
                codes.add(chosen[0].insee_code)
        return codes

    # -- scoring ----------------------------------------------------------------------------

    def field(
        self, kind: str, ok: bool, action_title: str, label: str, expected, found, where: tuple, names=()
    ) -> None:
        self.score.expected += 1
        self.score.by_field[kind] += 1
        if ok:
            self.score.right += 1
            self.score.right_by_field[kind] += 1
            return
        mark = self.mark(kind, *where[:3], names=names, row=where[3] if len(where) > 3 else None)
        self.score.misses.append(Miss(action_title, label, shown(expected), shown(found), mark))

    def mark(
        self, kind: str, truth_index: int | None, plan_action, column: str | None, names=(), row=None
    ) -> str:
        """Where the report tells of a miss: an entry about this kind of field (ABOUT) at its
        row or about its action, in no other column of the row; a column not read; an entry
        quoting the name read instead (« « CACL » n'est pas dans le référentiel… »); an error
        about the whole file."""
        doubts = [
            e
            for e in self.report.entries
            if (kind in ABOUT[e.code] if e.code in ABOUT else e.severity != INFO)
        ]
        letters = self.letters.get(self.norm(column), set()) if column else set()

        def same_column(entry) -> bool:
            """An entry placed in another column of the row is about another value."""
            written = (entry.place.column if entry.place else "") or ""
            if not written or not column:
                return True
            return written.split(" ")[0] in letters or self.norm(column) in self.norm(written)

        if truth_index is not None:
            span = row if row is not None else self.spans.get(truth_index, set())
            sheet = self.truth["actions"][truth_index].get("sheet")
            for entry in doubts:
                place = entry.place
                if place is None or place.line is None or place.line not in span:
                    continue
                if sheet and sheet not in place.file and "(" in place.file:
                    continue
                if same_column(entry):
                    return REPORTED_ROW
        if (
            plan_action is not None
            and row is None
            and any(e.action == plan_action.title and same_column(e) for e in doubts)
        ):
            return REPORTED_ROW
        quoted = [f"« {name} »" for name in names if name]
        if quoted and any(q in e.message for e in self.report.entries for q in quoted):
            return REPORTED_NAME
        if column:
            letters = self.letters.get(self.norm(column), set())
            for entry in self.report.entries:
                if entry.code in ("colonne-ignoree", "colonnes") and entry.place is not None:
                    written = (entry.place.column or "").split(" ")[0]
                    if written in letters:
                        return REPORTED_COLUMN
        stopping = [e for e in self.file_errors if truth_index is not None or e.code != "vide"]
        if stopping:  # « no action found » says nothing of the contract's details
            return REPORTED_FILE
        return SILENT

    def run(self) -> Score:
        truth = self.truth
        if truth.get("contract"):
            self.contract(truth["contract"])
        actions = self.plan.actions if self.plan is not None else []
        pairs = self.pair_actions(truth["actions"], actions)
        for index, expected in enumerate(truth["actions"]):
            self.action(index, expected, pairs.get(index))
        paired = {id(a) for a in pairs.values()}
        self.score.extra_actions = [a.title for a in actions if id(a) not in paired]
        return self.score

    def contract(self, expected: dict) -> None:
        plan = self.plan
        where = (None, None, None)
        title = plan.contract_name.split(" — ")[0] if plan else ""
        self.field(
            "contrat.titre",
            self.norm(title) == self.norm(expected["title"]),
            "contrat",
            "titre",
            expected["title"],
            title,
            where,
        )
        sirens = plan.territory_sirens if plan else []
        if self.retried:  # given by hand after the refusal: not read
            self.score.expected += 1
            self.score.by_field["contrat.siren"] += 1
            self.score.misses.append(
                Miss("contrat", "SIREN de l'EPCI", expected["epci_siren"], "non reconnu", REPORTED_FILE)
            )
        else:
            self.field(
                "contrat.siren",
                sirens == [expected["epci_siren"]],
                "contrat",
                "SIREN de l'EPCI",
                expected["epci_siren"],
                sirens,
                where,
            )
        signed = plan.signed_on if plan else None
        wanted = date.fromisoformat(expected["signed_on"]) if expected.get("signed_on") else None
        if wanted:
            self.field(
                "contrat.signature", signed == wanted, "contrat", "date de signature", wanted, signed, where
            )
        for key, label in (("start_year", "première année"), ("end_year", "dernière année")):
            if expected.get(key):
                found = getattr(plan, key) if plan else None
                self.field(
                    f"contrat.{key}", found == expected[key], "contrat", label, expected[key], found, where
                )

    def pair_actions(self, expected: list[dict], actions: list) -> dict:
        """Truth index -> plan action: by title (normalized, then close), else by place."""
        from rapidfuzz import fuzz

        scored = []
        for i, truth in enumerate(expected):
            key = self.norm(truth["title"])
            for j, action in enumerate(actions):
                other = self.norm(action.title)
                score = (
                    101 if other == key else max(fuzz.ratio(key, other), fuzz.token_set_ratio(key, other) - 5)
                )
                if score >= 80:
                    scored.append((score, -i, -j, i, j))
        pairs, used = {}, set()
        for _, _, _, i, j in sorted(scored, reverse=True):
            if i not in pairs and j not in used:
                pairs[i], used = actions[j], used | {j}
        for i, _ in enumerate(expected):
            if i in pairs:
                continue
            span = self.spans.get(i, set())
            for j, action in enumerate(actions):
                if j not in used and action.place is not None and action.place.line in span:
                    pairs[i] = action
                    used.add(j)
                    break
        return pairs

    def action(self, index: int, expected: dict, found) -> None:
        title = expected["title"]
        columns = self.truth.get("columns", {})

        def where(column_key: str | None = None, column: str | None = None):
            return (index, found, column or (columns.get(column_key) if column_key else None))

        self.field(
            "titre",
            found is not None and self.norm(found.title) == self.norm(title),
            title,
            "intitulé",
            title,
            found.title if found else None,
            where("title"),
        )
        owners = found.owners if found else []
        resolved = [(self.organisation(o), o) for o in owners]
        identified = self.identified_owner(found) if found else None
        if identified is not None:  # the writer takes the first owner by its SIREN or INSEE code
            resolved = [(identified, identified.name), *resolved[1:]]
        for who in expected["owners"]:
            ok = any(self.same_body(org, label, who) for org, label in resolved)
            self.field(
                "maître d'ouvrage",
                ok,
                title,
                "maître d'ouvrage",
                f"{who['name']} ({who.get('siren') or 'sans SIREN'})",
                owners,
                where("owners"),
                names=owners,
            )
        if expected.get("amount") is not None:
            amount = as_money(found.amount) if found else None
            self.field(
                "coût",
                amount == as_money(expected["amount"]),
                title,
                "coût",
                as_money(expected["amount"]),
                amount,
                where("amount"),
            )
        if expected.get("amount_annual"):
            basis = found.amount_basis if found else None
            self.field(
                "coût par an", basis == "annuel", title, "coût « par an »", "annuel", basis, where("amount")
            )
        for key, label in (("start_year", "année de début"), ("end_year", "année de fin")):
            if expected.get(key):
                year = getattr(found, key) if found else None
                self.field(label, year == expected[key], title, label, expected[key], year, where(key))
        if expected.get("communes"):
            codes = self.communes_of(found) if found else set()
            for code in expected["communes"]:
                self.field("commune", code in codes, title, "commune", code, sorted(codes), where("communes"))
        self.lines(index, expected, found, title)

    def lines(self, index: int, expected: dict, found, title: str) -> None:
        plan_lines = list(found.lines) if found else []
        resolved = [self.funder_of(line) for line in plan_lines]
        scored = []
        for i, truth in enumerate(expected["lines"]):
            for j, line in enumerate(plan_lines):
                org, label = resolved[j]
                score = 0
                if self.same_body(org, label, truth["funder"]):
                    score += 4
                if truth["amount"] is not None and as_money(line.amount) == as_money(truth["amount"]):
                    score += 2
                if truth["rate"] is not None and as_rate(line.share) == as_rate(truth["rate"]):
                    score += 2
                if truth["scheme"] and self.same_scheme(line.scheme, truth["scheme"]):
                    score += 1
                if score >= 2:
                    scored.append((score, -i, -j, i, j))
        pairs, used = {}, set()
        for _, _, _, i, j in sorted(scored, reverse=True):
            if i not in pairs and j not in used:
                pairs[i] = j
                used.add(j)
        for i, truth in enumerate(expected["lines"]):
            j = pairs.get(i)
            line = plan_lines[j] if j is not None else None
            org, label = resolved[j] if j is not None else (None, "")
            who = truth["funder"]["name"]
            name = f"financement {who}" + (f" / {truth['scheme']}" if truth["scheme"] else "")
            where = (index, found, truth.get("column") or None, {truth["row"]} if truth.get("row") else None)
            self.field(
                "financeur",
                line is not None and self.same_body(org, label, truth["funder"]),
                title,
                f"{name} : financeur",
                who,
                label if line else None,
                where,
                names=[label] if line else [],
            )
            if truth["scheme"]:
                self.field(
                    "dispositif",
                    line is not None and self.same_scheme(line.scheme, truth["scheme"]),
                    title,
                    f"{name} : dispositif",
                    truth["scheme"],
                    line.scheme if line else None,
                    where,
                )
            if truth["amount"] is not None:
                amount = as_money(line.amount) if line else None
                self.field(
                    "montant de la ligne",
                    amount == as_money(truth["amount"]),
                    title,
                    f"{name} : montant",
                    as_money(truth["amount"]),
                    amount,
                    where,
                )
            if truth["rate"] is not None:
                share = as_rate(line.share) if line else None
                self.field(
                    "taux de la ligne",
                    share == as_rate(truth["rate"]),
                    title,
                    f"{name} : taux",
                    as_rate(truth["rate"]),
                    share,
                    where,
                )
            if truth["annual"]:
                self.field(
                    "ligne par an",
                    bool(line and line.is_annual),
                    title,
                    f"{name} : « par an »",
                    "oui",
                    "oui" if line and line.is_annual else "non",
                    where,
                )
        self.score.extra_lines += len(plan_lines) - len(used)


# --- running the imports ---------------------------------------------------------------------------


def catalogue_for(plan):
    """The catalogue the import resolved names in (`pipeline.territory_catalogue`)."""
    from types import SimpleNamespace

    from crte.core.resolve import NOWHERE, groupings_by_siren, place_for_groupings
    from crte.importers.pipeline import territory_catalogue

    sirens = plan.territory_sirens if plan is not None else []
    groupings = groupings_by_siren(",".join(sirens)) if sirens else []
    place = place_for_groupings(groupings) if groupings else NOWHERE
    doc = SimpleNamespace(epci_short=plan.epci_short, epci_name=plan.epci_name) if plan is not None else None
    return territory_catalogue(place, doc, groupings)


def column_letters(report) -> dict[str, set[str]]:
    from crte.core.text import normalize_label

    letters: dict[str, set[str]] = defaultdict(set)
    for view in report.columns:
        letters[normalize_label(view.header)].add(view.letter)
    return letters


def document_spans(path: Path, name: str, truth: dict) -> dict[int, set[int]]:
    """Where each action of a document is, in the lines the import reads: from the line
    that names it to the next action's (at most 12 lines)."""
    from crte.core.text import normalize_label
    from crte.importers.pipeline import document_lines, reader_for
    from crte.importers.plan.report import Report

    lines = document_lines(path, name, Report(), reader_for())
    if lines is None:
        return {}
    keys = [normalize_label(line) for line in lines.lines]
    starts: dict[int, int] = {}
    position = 0
    for index, action in enumerate(truth["actions"]):
        title = normalize_label(action["title"])
        for number in range(position, len(keys)):
            if title and title in keys[number]:
                starts[index] = number
                position = number + 1
                break
    ordered = sorted(starts.values())
    spans = {}
    for index, start in starts.items():
        following = [s for s in ordered if s > start]
        end = min(following[0] if following else len(keys), start + 12)
        spans[index] = set(range(start + 1, end + 1))  # places count lines from 1
    return spans


def table_spans(truth: dict) -> dict[int, set[int]]:
    return {i: set(a.get("rows") or [a["row"]]) for i, a in enumerate(truth["actions"]) if a.get("row")}


def judge_file(path: Path, truth: dict, slug: str) -> Score:
    """A table is imported with its territory (--territory); a document without, as its
    grouping must be found in it. A document refused because its grouping was not
    recognized is imported again with the SIREN, as the error tells the user to do: the
    rest of the document is then measured, the SIREN counting as missed (reported)."""
    from crte.importers.pipeline import import_source

    start = time.perf_counter()
    result = import_source(path=path, slug=slug, dry_run=True, territory=truth.get("territory") or "")
    retried = ""
    hint = truth.get("territory_hint") or (truth.get("contract") or {}).get("epci_siren")
    if not truth.get("territory") and hint and any(e.code == "territoire" for e in result.report.errors):
        retried = next(e.message for e in result.report.errors if e.code == "territoire")
        result = import_source(path=path, slug=slug, dry_run=True, territory=hint)
    seconds = time.perf_counter() - start
    catalogue = catalogue_for(result.plan)
    spans = table_spans(truth) if truth.get("territory") else document_spans(path, path.name, truth)
    judge = Judge(
        truth.get("file", path.name), truth, result, catalogue, spans, column_letters(result.report)
    )
    judge.retried = retried
    score = judge.run()
    score.seconds = seconds
    score.retried = bool(retried)
    score.files = 1
    if result.report.errors:
        score.refused_files, score.right_in_refused = 1, score.right
    return score


# --- DGCL ------------------------------------------------------------------------------------------


def national_json(name: str):
    with gzip.open(NATIONAL / "decoupage-administratif-2026" / name) as handle:
        return json.loads(handle.read())


def dgcl_groups(year: int) -> tuple[list[str], dict[str, list[dict]], set[str]]:
    """The DGCL rows of `year` by EPCI: the rows of its communes, its own, and (for a
    département, a syndicate or another body without a commune) the EPCI of the
    département's chef-lieu."""
    epcis = national_json("epci.json.gz")
    commune_epci = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    epci_sirens = {e["code"] for e in epcis}
    chef_lieu = {d["code"]: d["chefLieu"] for d in national_json("departements.json.gz")}
    overseas = {e["code"] for e in epcis if any(m["code"].startswith("97") for m in e["membres"])}
    with gzip.open(DGCL[year]) as handle:
        text = handle.read().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    header = reader.fieldnames
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in reader:
        insee = (row.get("beneficiaire_code_insee") or "").strip()
        siren = (row.get("beneficiaire_siren") or "").strip()
        dep = (row.get("beneficiaire_dep") or "").strip()
        dep = dep[1:] if len(dep) == 3 and dep.startswith("0") else dep
        epci = commune_epci.get(insee) or (
            siren if siren in epci_sirens else commune_epci.get(chef_lieu.get(dep, ""))
        )
        if epci:
            groups[epci].append(row)
    return header, groups, overseas


def dgcl_number(text: str) -> Decimal | None:
    text = (text or "").strip().replace(" ", "").replace(",", ".")
    try:
        return Decimal(text).quantize(CENT) if text else None
    except InvalidOperation:
        return None


def dgcl_truth(rows: list[dict], lines: list[int], siren: str, name: str) -> dict:
    actions = []
    for row, line in zip(rows, lines, strict=True):
        cost, grant = dgcl_number(row["cout_ht"]), dgcl_number(row["subvention"])
        actions.append(
            {
                "title": " ".join((row["intitule"] or "").split()),
                "owners": [
                    {
                        "name": row["beneficiaire_nom"].strip(),
                        "siren": row["beneficiaire_siren"].strip() or None,
                    }
                ],
                "amount": str(cost) if cost is not None else None,
                "amount_annual": False,
                "lines": [
                    {
                        "funder": {"name": "État", "siren": None},
                        "scheme": row["dispositif"].strip(),
                        "amount": str(grant) if grant is not None else None,
                        "rate": None,
                        "annual": False,
                        "column": "subvention",
                    }
                ],
                "start_year": None,
                "end_year": None,
                "communes": [],
                "row": line,
            }
        )
    return {
        "file": name,
        "format": "csv",
        "territory": siren,
        "contract": None,
        "columns": {"title": "intitule", "owners": "beneficiaire_nom", "amount": "cout_ht"},
        "actions": actions,
    }


def write_dgcl_slice(path: Path, header: list[str], rows: list[dict]) -> list[int]:
    """The rows in the DGCL's own layout; returns each row's first line in the file."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    lines, line = [], 2
    for row in rows:
        start = buffer.tell()
        writer.writerow([row.get(h, "") for h in header])
        lines.append(line)
        line += buffer.getvalue()[start:].count("\n")
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return lines


def run_dgcl(year: int, sample: int | None, seed: int, progress) -> tuple[Score, int, int]:
    header, groups, overseas = dgcl_groups(year)
    chosen = sorted(groups)
    if sample is not None:
        rng = random.Random(f"{seed}-{year}")
        rng.shuffle(chosen)
        first = next((s for s in chosen if s in overseas), None)
        if first:
            chosen.remove(first)
            chosen.insert(0, first)
        taken, count = [], 0
        for siren in chosen:
            if count >= sample:
                break
            taken.append(siren)
            count += len(groups[siren])
        chosen = taken
    total = Score(f"DGCL {year}", "csv")
    rows = 0
    folder = RUN_DIR / f"dgcl-{year}"
    folder.mkdir(exist_ok=True)
    for number, siren in enumerate(chosen, start=1):
        path = folder / f"dgcl-{year}-{siren}.csv"
        lines = write_dgcl_slice(path, header, groups[siren])
        truth = dgcl_truth(groups[siren], lines, siren, path.name)
        score = judge_file(path, truth, f"dgcl-{year}-{siren}")
        total.add(score)
        rows += len(groups[siren])
        progress(f"DGCL {year} : {number}/{len(chosen)} EPCI, {rows} lignes")
        path.unlink()
    return total, len(chosen), rows


# --- output --------------------------------------------------------------------------------------------


def line_of(score: Score) -> str:
    flags = []
    if score.retried:
        flags.append("EPCI non reconnu : relancé avec --territory")
    if score.refused and score.files == 1:
        flags.append(f"REFUSÉ ({len(score.errors)} erreur{'s' if len(score.errors) > 1 else ''})")
    elif score.refused:
        flags.append(f"{score.refused_files} table(s) sur {score.files} REFUSÉE(S)")
    if score.extra_actions or score.extra_lines:
        flags.append(
            f"en trop : {len(score.extra_actions)} action(s), {score.extra_lines} ligne(s) de financement"
        )
    return (
        f"{score.name:<48} {score.right:>5} / {score.expected:<5} {score.percent():5.1f} %   "
        f"silencieux {score.silent:>4}   {score.seconds:5.1f} s"
        + ("   " + " · ".join(flags) if flags else "")
    )


def print_misses(score: Score, limit: int | None = None) -> None:
    if score.misses and score.right == 0 and all(m.mark == REPORTED_FILE for m in score.misses):
        print(f"      [{REPORTED_FILE}] les {len(score.misses)} champs : rien n'est lu")
        for error in score.errors[:3]:
            print(f"      erreur du rapport : {error}")
        return
    for miss in score.misses[:limit]:
        where = f"« {miss.action[:70]} » · {miss.field}"
        print(f"      [{miss.mark}] {where} : attendu {miss.expected}, lu {miss.found}")
    if limit is not None and len(score.misses) > limit:
        print(f"      … et {len(score.misses) - limit} autres")
    for error in score.errors[:3]:
        print(f"      erreur du rapport : {error}")


def by_field_table(score: Score) -> list[tuple[str, int, int, int]]:
    silent = Counter()
    for miss in score.misses:
        if miss.mark == SILENT:
            silent[miss.field.split(" : ")[-1] if " : " in miss.field else miss.field] += 1
    rows = []
    for kind, expected in sorted(score.by_field.items(), key=lambda kv: -kv[1]):
        rows.append((kind, score.right_by_field[kind], expected))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", help="only the corpus files whose name contains this (no DGCL unless 'dgcl')"
    )
    parser.add_argument("--dgcl-sample", type=int, default=1500, help="DGCL rows per year (default 1500)")
    parser.add_argument("--dgcl-all", action="store_true", help="every DGCL row of both years")
    parser.add_argument("--no-dgcl", action="store_true")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--json", help="write every score and miss to this file")
    parser.add_argument("--fresh-db", action="store_true", help="build the reference database again")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=CORPUS,
        help="folder of files and their .truth.json (default: the corpus)",
    )
    args = parser.parse_args()
    corpus_dir = args.corpus.resolve()

    cached, build = prepare_database(args.fresh_db)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    if build:
        print("Base de référence : migrate (charge le référentiel national, une fois)…", flush=True)
        call_command("migrate", verbosity=0)
        connection.close()
        CACHE.mkdir(parents=True, exist_ok=True)
        for old in CACHE.glob("reference-*.sqlite3"):
            old.unlink()
        shutil.copyfile(RUN_DB, cached)
        print(f"  {time.perf_counter() - started:.0f} s, gardée dans {cached.relative_to(ROOT)}")

    truths = sorted(corpus_dir.glob("*.truth.json"))
    only = (args.only or "").lower()
    if only:
        truths = [t for t in truths if only in t.name.lower()]
    run_dgcl_too = not args.no_dgcl and (not only or "dgcl" in only)

    scores: list[Score] = []
    print(f"\nCorpus ({len(truths)} fichiers) : champs justes / attendus, puis chaque champ manqué\n")
    for truth_path in truths:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        path = corpus_dir / truth["file"]
        score = judge_file(path, truth, "fidelite-" + Path(truth["file"]).stem[:40])
        scores.append(score)
        print(line_of(score), flush=True)
        print_misses(score)
    corpus = Score("corpus")
    for score in scores:
        corpus.add(score)

    dgcl_scores = []
    if run_dgcl_too:
        print()
        for year in (2023, 2024):

            def progress(text):
                if sys.stdout.isatty():
                    print(f"\r  {text}", end="", flush=True)

            score, groups, rows = run_dgcl(
                year, None if args.dgcl_all else args.dgcl_sample, args.seed, progress
            )
            if sys.stdout.isatty():
                print("\r" + " " * 70 + "\r", end="")
            score.name = f"DGCL {year} ({rows} lignes, {groups} EPCI)"
            dgcl_scores.append(score)
            print(line_of(score))
            kinds = Counter((m.field.split(" : ")[-1], m.mark) for m in score.misses)
            for (kind, mark), count in kinds.most_common(8):
                print(f"      {count:>5} × {kind} [{mark}]")
            print_misses(score, limit=6)

    everything = Score("tout")
    everything.add(corpus)
    for score in dgcl_scores:
        everything.add(score)
    refused = sum(s.refused_files for s in scores + dgcl_scores)
    print("\nTotaux")
    for label, score in (
        [("corpus", corpus)] + [(s.name, s) for s in dgcl_scores] + [("ensemble", everything)]
    ):
        print(
            f"  {label:<40} {score.right:>6} / {score.expected:<6} {score.percent():5.1f} %   manqués "
            f"{len(score.misses):>5}, dont silencieux {score.silent:>5}   "
            f"en trop : {len(score.extra_actions)} "
            f"actions, {score.extra_lines} lignes"
        )
    if refused:
        written = everything.right - everything.right_in_refused
        share = 100 * written / max(everything.expected, 1)
        print(
            f"  fichiers refusés (une erreur : rien d'écrit) : {refused} sur {everything.files} ; "
            f"champs justes et écrits : {written} / {everything.expected} ({share:.1f} %)"
        )
    print("\nPar nature de champ (corpus) : justes / attendus")
    for kind, right, expected in by_field_table(corpus):
        print(f"  {kind:<28} {right:>5} / {expected:<5} {100 * right / expected:5.1f} %")
    if dgcl_scores:
        dgcl = Score("dgcl")
        for score in dgcl_scores:
            dgcl.add(score)
        print("Par nature de champ (DGCL)")
        for kind, right, expected in by_field_table(dgcl):
            print(f"  {kind:<28} {right:>5} / {expected:<5} {100 * right / expected:5.1f} %")
    print(f"\n{time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [
                    {
                        "name": s.name,
                        "right": s.right,
                        "expected": s.expected,
                        "silent": s.silent,
                        "errors": s.errors,
                        "extra_actions": s.extra_actions,
                        "extra_lines": s.extra_lines,
                        "by_field": dict(s.by_field),
                        "right_by_field": dict(s.right_by_field),
                        "misses": [m.__dict__ for m in s.misses],
                    }
                    for s in scores + dgcl_scores
                ],
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
