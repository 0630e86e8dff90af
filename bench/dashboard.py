"""Benchmark: latency of the contract dashboard page as the number of actions grows.

    .venv/bin/python bench/dashboard.py [--sizes 100 400 1600] [--requests 20]

Runs on a throw-away test database (SQLite in memory, or PostgreSQL with DATABASE_URL),
loads the reference contract, adds generated actions with financing lines, and prints
p50/p95 latency and the number of SQL queries per page."""

import argparse
import gc
import os
import statistics
import sys
import time
import warnings
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CRTE_SECRET_KEY", "benchmark-only-key-on-a-throw-away-database")
warnings.filterwarnings("ignore", "No directory at")  # WhiteNoise: static files not collected

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def grow(contract, count: int) -> None:
    from crte.actions.models import Action
    from crte.finance.models import FundingLine

    orientations = list(contract.orientations.all())
    existing = contract.actions.count()
    actions = Action.objects.bulk_create(
        Action(
            contract=contract,
            external_id=f"bench-{existing + n}",
            title=f"Action générée {existing + n}",
            orientation=orientations[n % len(orientations)],
            amount=Decimal(10000 + n * 137),
            start_year=2021 + n % 6,
            end_year=2021 + n % 6 + n % 3,
            maturity=["idee", "en_maturation", "prete", "validee", "engagee", "en_cours"][n % 6],
        )
        for n in range(count)
    )
    FundingLine.objects.bulk_create(
        FundingLine(action=a, external_id=f"l{k}", amount=a.amount / 3, status="prevu")
        for a in actions
        for k in range(3)
    )


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int]:
    """p50, p95 (ms) and queries of `url`, after one request that warms the caches; what
    lives then is kept out of the full garbage collections, as config/wsgi.py does in a
    served process."""
    client.get(url)
    gc.collect()
    gc.freeze()
    timings = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    return statistics.median(timings), p95, len(queries)


@contextmanager
def reference_database():
    """A throw-away test database with the reference contract and the demo accounts;
    yields the contract."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from crte.demo.reference import load_reference_contract, load_reference_data, setup_demo

        load_reference_data()
        contract, _ = load_reference_contract()
        setup_demo(contract)
        yield contract
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400, 1600])
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    with reference_database() as contract:
        client = Client()
        url = f"/contrats/{contract.slug}/tableau-de-bord/"
        print(f"Tableau de bord du contrat — base {connection.vendor}, {args.requests} requêtes par taille")
        print(f"{'actions':>8} {'p50 (ms)':>10} {'p95 (ms)':>10} {'requêtes SQL':>13}")
        for size in args.sizes:
            grow(contract, size - contract.actions.count())
            client.get(url)  # warm up
            p50, p95, queries = measure(client, url, args.requests)
            print(f"{contract.actions.count():>8} {p50:>10.1f} {p95:>10.1f} {queries:>13}")


if __name__ == "__main__":
    main()
