"""Search that ignores accents and case and matches the start of words, the same in Python,
SQLite and PostgreSQL: « velo » finds « Vélo-route » and « vélos », not « développement ».

`fold(text)` maps each letter to plain lower case (é -> e, Œ -> oe) and every run of other
characters to one space, with a space in front: « Système vélo » -> " systeme velo". A word
of a query matches where " word" is found in a folded text. `Folded(expression)` is the same
folding in SQL, written from the same table: PostgreSQL's translate, replace and
regexp_replace; on SQLite, `fold` itself registered as a function of each connection.
Nothing is stored: imports that write rows by COPY need no step to keep a column up to date
(docs/adr/0009-search.md)."""

import re
import unicodedata

from django.db.models import Func, TextField, Value
from django.db.models.functions import Coalesce

# Letters of Latin-1 and Latin Extended-A that are a plain letter with accents, one to one.
SINGLE = {
    chr(code): plain.lower()
    for code in range(0xC0, 0x180)
    if len(
        plain := "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
    )
    == 1
    and plain.isascii()
    and plain.isalpha()
}
SINGLE |= {c: c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
SINGLE |= {"ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i"}
# Letters written as two (French ligatures first).
DOUBLE = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ĳ": "ij", "Ĳ": "ij"}
TABLE = str.maketrans(SINGLE | DOUBLE)
OTHER = "[^a-z0-9]+"  # anything else separates words
MAX_WORDS = 8


def fold(text: str | None) -> str:
    """ " " followed by the text in plain lower-case words separated by single spaces (a
    trailing space stays when the text ends with a separator)."""
    return " " + re.sub(OTHER, " ", (text or "").translate(TABLE))


def query_words(query: str) -> list[str]:
    """The words of a search box, folded: « Vélo, centre-ville » -> ["velo", "centre", "ville"]."""
    return fold(query).split()[:MAX_WORDS]


def starts_a_word(word: str) -> str:
    """What a folded text contains when one of its words starts with `word` (folded)."""
    return " " + word


class Folded(Func):
    """`fold` in SQL: use with `__contains=starts_a_word(word)`."""

    output_field = TextField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="crte_fold", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        text = TextField()
        folded = Func(
            Coalesce(self.source_expressions[0], Value(""), output_field=text),
            Value("".join(SINGLE)),
            Value("".join(SINGLE.values())),
            function="translate",
            output_field=text,
        )
        for letter, plain in DOUBLE.items():
            folded = Func(folded, Value(letter), Value(plain), function="replace", output_field=text)
        folded = Func(
            folded, Value(OTHER), Value(" "), Value("g"), function="regexp_replace", output_field=text
        )
        sql, params = compiler.compile(folded)
        return f"(' ' || {sql})", params


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """Receiver of `connection_created`: SQLite gets `crte_fold` (deterministic, so that
    SQLite may use it in any expression)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("crte_fold", 1, fold, deterministic=True)
