"""Which field a column title means: one mapper for spreadsheets and the tables of
documents. Titles compare by normalized tokens (accents, case, punctuation and snake_case
removed) against the synonyms of `data/colonnes.csv`: the exact title first, then a title
that holds every word of a synonym (the most specific synonym wins: « Montant sollicité »
is the grant, not the cost), then a close spelling (rapidfuzz). Pure."""

import csv
from pathlib import Path

from rapidfuzz import fuzz, process

from crte.core.text import normalize_label

SYNONYMS_FILE = Path(__file__).resolve().parents[1] / "data" / "colonnes.csv"

SIMILAR = 90  # rapidfuzz score (0-100) for a close spelling


def header_key(header: str) -> str:
    """Column titles compare without accents, case or punctuation; '%' stays '%'."""
    return normalize_label(header) or header.strip()


class HeaderMapper:
    def __init__(self, synonyms: dict[str, str]):
        self.synonyms = synonyms  # header key -> field
        self.tokens = {key: set(key.split()) for key in synonyms}

    def field(self, header: str) -> str:
        key = header_key(header)
        if not key:
            return ""
        if key in self.synonyms:
            return self.synonyms[key]
        words = key.split()
        contained = [k for k, tokens in self.tokens.items() if tokens <= set(words) and len(k) > 1]
        if contained:  # French titles start with their head noun: « Coût du projet » is a cost
            best = max(contained, key=lambda k: (k.split()[0] == words[0], len(self.tokens[k]), len(k)))
            return self.synonyms[best]
        found = process.extractOne(
            key, list(self.synonyms), scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR
        )
        return self.synonyms[found[0]] if found else ""


def load_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {
            header_key(label): row["champ"]
            for row in csv.DictReader(handle)
            for label in row["libelles"].split("|")
            if header_key(label)
        }


SYNONYMS = load_synonyms()
MAPPER = HeaderMapper(SYNONYMS)
