"""The first stage of an import: an untrusted file into neutral material (blocks of a
document, tables of cells), checked for what it would cost, then read in a bounded child
process (sandbox.py). Nothing here knows what the material means."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from crte.importers.read import guard
from crte.importers.read.blocks import DOCUMENT_SUFFIXES, Block, read_blocks
from crte.importers.read.sandbox import Limits, ReadError, Stopped, TooCostly, run
from crte.importers.read.tables import SPREADSHEET_SUFFIXES, Table, read_tables

__all__ = [
    "DOCUMENT_SUFFIXES",
    "SPREADSHEET_SUFFIXES",
    "Limits",
    "ReadError",
    "Stopped",
    "TooCostly",
    "Reader",
    "Table",
]
MAX_BLOCKS = 200_000  # paragraphs, headings and tables of one document
MAX_TEXT_CHARS = 20_000_000


@dataclass(frozen=True)
class Reader:
    """Reads untrusted files under `limits`; `checkpoint()` is called while waiting and may
    raise to stop the reading (a cancelled or overdue job)."""

    limits: Limits = Limits()
    checkpoint: Callable[[], object] | None = None

    def document(self, path: Path, name: str) -> list[Block]:
        """A contract document's blocks. Raises ReadError (TooCostly for a limit) with a
        French message."""
        guard.check_size(Path(path).stat().st_size, name)
        if Path(name).suffix.lower() in (".docx", ".odt"):
            guard.check_archive(path, name)
        return self._run(_document, path, name)

    def sheets(self, path: Path, name: str) -> list[Table]:
        """Every sheet of a spreadsheet or CSV as tables of raw cells; same errors."""
        guard.check_size(Path(path).stat().st_size, name)
        if Path(name).suffix.lower() != ".csv":
            guard.check_archive(path, name)
        return self._run(read_tables, path, name)

    def _run(self, function, path: Path, name: str):
        return run(function, Path(path), name, name=name, limits=self.limits, should_stop=self._stopping)

    def _stopping(self) -> bool:
        if self.checkpoint is not None:
            self.checkpoint()
        return False


def _document(path: Path, name: str) -> list[Block]:
    blocks = read_blocks(path.read_bytes(), name)
    if len(blocks) > MAX_BLOCKS:
        raise TooCostly(
            f"Le document compte {len(blocks)} paragraphes ou tableaux (limite {MAX_BLOCKS}) ; "
            "découpez-le ou n'en gardez que le contrat et son annexe."
        )
    size = sum(len(b.text) + sum(len(c) for row in b.rows for c in row) for b in blocks)
    if size > MAX_TEXT_CHARS:
        raise TooCostly(f"Le document compte {size} caractères (limite {MAX_TEXT_CHARS}) ; découpez-le.")
    return blocks
