"""Pure text helpers shared by the importers and the reference data (no Django here)."""

import re
import unicodedata
from functools import lru_cache


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)  # the same few names come back row after row in an import
def normalize_label(text: str) -> str:
    """A key for matching names as people write them: 'Région Hauts-de-France',
    'REGION HAUTS DE FRANCE' and 'région  hauts-de-france' give the same key."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    text = strip_accents(text).lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def clipped(text: str, limit: int) -> str:
    """Text made from other texts (« Valider « <title> » ») cut to a field's limit, with an
    ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
