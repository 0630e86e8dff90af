"""Benchmark at national scale: every contract of France on one instance.

    .venv/bin/python bench/national.py [--contracts 850] [--seed 1] [--requests 20]

On a throw-away test database (SQLite in memory, or PostgreSQL with DATABASE_URL): imports
the reference contract, generates the national dataset, then times the contract dashboard,
the national roll-up (and its core aggregate against the same aggregate written by hand in
SQL), and the full national export. Prints one table."""

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CRTE_SECRET_KEY", "benchmark-only-key-on-a-throw-away-database")
warnings.filterwarnings("ignore", "No directory at")  # WhiteNoise: static files not collected

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

HAND_WRITTEN = """
SELECT o.name, COALESCE(l.start_year, a.start_year) AS year,
       SUM(COALESCE(l.amount, l.share * a.amount)) AS total
FROM finance_fundingline l
JOIN actions_action a ON a.id = l.action_id
LEFT JOIN core_organisation o ON o.id = l.funder_id
WHERE a.maturity <> 'abandonnee'
GROUP BY o.name, COALESCE(l.start_year, a.start_year)
"""


def timed(function, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def p50(timings):
    return statistics.median(timings)


def p95(timings):
    return timings[max(0, int(round(0.95 * len(timings))) - 1)]


def reference_lookups() -> list[tuple[str, str]]:
    """A commune or a financer found by its name: an index hit (query plan), and its time."""
    from crte.core.models import Commune, OrganisationAlias

    rows = []
    for label, queryset in (
        ("Commune par son nom", Commune.objects.filter(key="saint martin")),
        ("Organisme par un de ses noms", OrganisationAlias.objects.filter(key="region bretagne")),
    ):
        plan = queryset.explain().upper()  # SQLite: SEARCH … USING INDEX; PostgreSQL: Index or Bitmap
        uses_index = "INDEX" in plan and "SEQ SCAN" not in plan and not re.search(r"\bSCAN CORE_", plan)
        t = timed(lambda q=queryset: list(q.all()), 200)
        rows.append((f"{label} : index utilisé", f"{'oui' if uses_index else 'NON'}, p50 {p50(t):.2f} ms"))
    return rows


def verdict(met: bool, limit: str) -> str:
    return f"(objectif {limit} : {'atteint' if met else 'NON'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=850)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    start = time.perf_counter()
    old_name = connection.creation.create_test_db(verbosity=0)
    rows = [
        ("migrate sur une base vide (référentiel national compris)", f"{time.perf_counter() - start:.1f} s")
    ]
    try:
        rows += reference_lookups()
        from crte.contracts.models import Contract
        from crte.core.models import PerimeterAccess, User
        from crte.demo.generate import generate
        from crte.demo.reference import load_reference_contract, load_reference_data
        from crte.portal.exports import write_all
        from crte.reports.rollup import funding_by_funder_and_year

        start = time.perf_counter()
        load_reference_data()
        load_reference_contract()
        took = time.perf_counter() - start
        rows.append(
            (
                "Import du contrat de référence (données de référence comprises)",
                f"{took:.2f} s {verdict(took < 1, '< 1 s')}",
            )
        )

        counts = generate(args.contracts, args.seed)
        rows.append(
            (
                f"Génération de {counts.contracts} contrats ({counts.rows:,} lignes)".replace(",", " "),
                f"{counts.seconds:.1f} s, {counts.rows / counts.seconds:,.0f} lignes/s".replace(",", " "),
            )
        )

        admin = User.objects.create(username="bench-national")
        PerimeterAccess.objects.create(user=admin, level=PerimeterAccess.Level.NATIONAL)
        client = Client()
        client.force_login(admin)
        contract = Contract.objects.filter(slug__startswith="crte-gen-").order_by("pk")[args.contracts // 2]
        dashboard = f"/contrats/{contract.slug}/tableau-de-bord/"
        client.get(dashboard)
        t = timed(lambda: client.get(dashboard), args.requests)
        rows.append(
            (
                f"Tableau de bord d'un contrat ({contract.actions.count()} actions) p50 / p95",
                f"{p50(t):.0f} / {p95(t):.0f} ms {verdict(p95(t) < 100, 'p95 < 100 ms')}",
            )
        )

        client.get("/perimetre/")
        t = timed(lambda: client.get("/perimetre/"), max(5, args.requests // 4))
        rows.append(
            (
                "Vue nationale (page complète) p50 / p95",
                f"{p50(t):.0f} / {p95(t):.0f} ms {verdict(p95(t) < 150, 'p95 < 150 ms')}",
            )
        )

        platform_times = timed(lambda: list(funding_by_funder_and_year(None)), args.requests)

        def raw():
            with connection.cursor() as cursor:
                cursor.execute(HAND_WRITTEN)
                cursor.fetchall()

        raw_times = timed(raw, args.requests)
        ratio = p50(platform_times) / p50(raw_times)
        rows.append(
            (
                "Agrégat national financeur × année : plateforme / SQL écrit à la main (p50)",
                f"{p50(platform_times):.0f} / {p50(raw_times):.0f} ms, ratio {ratio:.2f}",
            )
        )

        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            exported = write_all(Path(out))
            took = time.perf_counter() - start
            size = sum(f.stat().st_size for f in Path(out).iterdir()) / 1e6
            rows.append(
                (
                    f"Export national ({exported} contrats, {size:.0f} Mo de CSV, en arrière-plan)",
                    f"{took:.1f} s " + verdict(took < 10, "< 10 s"),
                )
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    machine = f"{platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}"
    print(f"Base : {connection.vendor} · machine : {machine}")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
