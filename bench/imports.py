"""Benchmark of imports, each beside its limit measured in the same run:

    .venv/bin/python bench/imports.py [--rows 10000]

On a throw-away test database (SQLite in memory, or PostgreSQL with DATABASE_URL):
- a programming spreadsheet of N rows (one column per financer): calamine reading the file
  alone, then the import's dry run and its write, in rows per second;
- the reference contract as text, Word and PDF: seconds from the file to the written contract
  (the PDF needs Pango for WeasyPrint, which writes it)."""

import argparse
import os
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CRTE_SECRET_KEY", "benchmark-only-key-on-a-throw-away-database")
warnings.filterwarnings("ignore", "No directory at")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

HEADER = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "Région", "Département", "État", "Année"]


def spreadsheet(path: Path, rows: int) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Programmation")
    sheet.append(HEADER)
    for n in range(rows):
        # Figures differ from row to row, as in a real programme (nothing to learn by heart).
        region, departement, etat = 30_000 + n % 997, 20_000 + n % 991, 50_000 + 7 * n
        sheet.append(
            ["Béthune", f"Opération {n + 1}", 100_000 + 10 * n, region, departement, etat, 2022 + n % 5]
        )
    workbook.save(path)
    return path


def bulk_insert(rows: int) -> None:
    """The database's part of an import of `rows` rows: as many actions, three lines each,
    inserted with Django's bulk_create (what an import cannot beat)."""
    from crte.actions.models import Action
    from crte.contracts.models import Contract
    from crte.finance.models import FundingLine

    contract = Contract.objects.get(slug="bench")
    orientation = contract.orientations.first()
    actions = Action.objects.bulk_create(
        [
            Action(
                contract=contract, orientation=orientation, external_id=f"limite-{n}", title=f"Opération {n}"
            )
            for n in range(rows)
        ],
        batch_size=2000,
    )
    FundingLine.objects.bulk_create(
        [FundingLine(action=a, external_id=str(k), amount=1000 * k) for a in actions for k in range(3)],
        batch_size=2000,
    )


def seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    table = []
    try:
        from python_calamine import CalamineWorkbook

        from crte.demo.reference import REFERENCE_DOCUMENT
        from crte.importers.pipeline import import_source
        from crte.importers.tests.documents import write_docx, write_pdf
        from crte.reports.pdf import pdf_available

        with tempfile.TemporaryDirectory() as folder:
            path = spreadsheet(Path(folder) / "programmation.xlsx", args.rows)
            read = seconds(lambda: CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())
            dry = seconds(lambda: import_source(path=path, slug="bench", territory="200072460", dry_run=True))
            write = seconds(lambda: import_source(path=path, slug="bench", territory="200072460"))
            inserted = seconds(lambda: bulk_insert(args.rows))
            speed = args.rows / write
            table += [
                (
                    f"Tableur de {args.rows} lignes : lecture seule (calamine)",
                    f"{args.rows / read:,.0f} lignes/s",
                ),
                ("  import à blanc (--dry-run)", f"{args.rows / dry:,.0f} lignes/s ({dry:.1f} s)"),
                (
                    "  import écrit",
                    f"{speed:,.0f} lignes/s ({write:.1f} s) "
                    f"(objectif > 5 000 : {'atteint' if speed > 5000 else 'NON'})",
                ),
                (
                    "  limite : bulk_create des mêmes actions et lignes (ni lecture ni historique)",
                    f"{args.rows / inserted:,.0f} lignes/s ({inserted:.1f} s)",
                ),
            ]
            text = REFERENCE_DOCUMENT.read_text(encoding="utf-8")
            formats = [("texte", REFERENCE_DOCUMENT), ("Word", write_docx(text, Path(folder) / "c.docx"))]
            if pdf_available():
                formats.append(("PDF", write_pdf(text, Path(folder) / "c.pdf")))
            for index, (label, source) in enumerate(formats):
                took = seconds(
                    lambda source=source, index=index: import_source(path=source, slug=f"ref-{index}")
                )
                table.append((f"Contrat de référence ({label}) : fichier → contrat écrit", f"{took:.2f} s"))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"Base : {connection.vendor} · machine : {platform.machine()}, {os.cpu_count()} cœurs")
    width = max(len(label) for label, _ in table)
    for label, value in table:
        print(f"{label:<{width}}  {value}".replace(",", "\u202f"))


if __name__ == "__main__":
    main()
