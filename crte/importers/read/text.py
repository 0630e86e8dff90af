"""Bytes of a text file (CSV, .txt, .md) into text, whatever encoding it was saved in.

French files come in UTF-8 (with or without its mark), in Windows-1252 from older Excel,
sometimes in UTF-16 from Excel's « Texte Unicode »; files from elsewhere may be in any
encoding. A byte-order mark or valid UTF-8 decides at once; then Windows-1252 when it reads
as text (the usual French legacy); otherwise charset-normalizer's detection. Text that no
encoding reads without garbage is refused: binary content is never imported as letters."""

import codecs
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

from crte.importers.read.sandbox import ReadError

MAX_MESS = 0.2  # charset-normalizer's share of odd characters above which text is garbage
MAX_UNPRINTABLE = 0.01
FRENCH = set("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ€«»’‘“”–—…°²³·\u00a0")
FRENCH_SHARE = 0.8
BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
NAMES = {
    "utf_8": "UTF-8",
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (avec marque d'ordre)",
    "utf-16": "UTF-16",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "utf-32": "UTF-32",
    "utf_32": "UTF-32",
    "cp1252": "Windows-1252",
    "cp932": "Shift-JIS (japonais)",
    "shift_jis": "Shift-JIS (japonais)",
}


def readable(text: str, encoding: str) -> bool:
    """Few control, private or unassigned characters; and UTF-16 or UTF-32 without their mark
    only when the text is mostly ASCII, as a table's separators and figures are (any even
    number of bytes decodes as UTF-16 into ideograms)."""
    sample = text[:100_000] or " "
    odd = sum(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") and c not in "\t\r\n" for c in sample)
    if odd > MAX_UNPRINTABLE * len(sample):
        return False
    return not encoding.startswith(("utf_16", "utf_32")) or sum(c.isascii() for c in sample) > len(sample) / 2


class EncodingProblem(ReadError):
    code = "encodage"


@dataclass
class Decoded:
    text: str
    encoding: str  # Python's name of the codec

    @property
    def label(self) -> str:
        """The encoding as people know it."""
        return NAMES.get(self.encoding, self.encoding.replace("_", "-").upper())


def decode(data: bytes, name: str) -> Decoded:
    decoded = _decode(data, name)
    if decoded is None or not readable(decoded.text, decoded.encoding):
        raise EncodingProblem(
            "Le contenu n'est pas du texte lisible (fichier binaire, ou encodage non "
            "reconnu). Enregistrez-le en « CSV UTF-8 » (ou en texte UTF-8) et déposez-le à nouveau."
        )
    return decoded


def _decode(data: bytes, name: str) -> Decoded | None:
    for mark, encoding in BOMS:
        if data.startswith(mark):
            return Decoded(_strict(data, encoding, name), encoding)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    western = western_text(data)
    if western is not None:
        return Decoded(western, "cp1252")
    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.chaos > MAX_MESS:
        return None
    return Decoded(_strict(data, best.encoding, name), best.encoding)


def western_text(data: bytes) -> str | None:
    """The text as Windows-1252, when it reads as French:
    its letters beyond ASCII are mostly accented letters and French punctuation (the bytes
    of a Japanese text also decode as Windows-1252, into « Ž©“]ŽÔ »)."""
    if b"\x00" in data:
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    beyond = [c for c in text[:100_000] if not c.isascii()]
    if beyond and sum(c in FRENCH for c in beyond) < FRENCH_SHARE * len(beyond):
        return None
    return text if mess_ratio(text[:100_000], MAX_MESS) < MAX_MESS else None


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise EncodingProblem(
            f"Octet {error.start + 1} illisible en {NAMES.get(encoding, encoding)}. Enregistrez "
            "le fichier en « CSV UTF-8 » (ou en texte UTF-8) et déposez-le à nouveau."
        ) from None
