"""Reference data shipped in `crte/core/data/` (see SOURCES.md there). The national
reference is loaded by `crte.core.national` after every migrate; this module keeps the
small helpers other apps share."""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
