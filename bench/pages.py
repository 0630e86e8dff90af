"""Benchmark: server time of the pages people work in, for a contract of up to 1 600
actions (three financing lines each), as its chef de projet.

    .venv/bin/python bench/pages.py [--sizes 400 1600] [--requests 20]

Throw-away test database (SQLite in memory, or PostgreSQL with DATABASE_URL); prints
p50/p95 in milliseconds and the SQL queries of each page. Goal (issue 12): under 150 ms
with pagination."""

import argparse

from dashboard import grow, measure, reference_database  # same directory
from django.db import connection
from django.test import Client

PAGES = [
    ("Liste des actions (page 1)", "/contrats/{slug}/actions/"),
    ("Liste filtrée et triée", "/contrats/{slug}/actions/?maturite=validee&tri=-montant&q=act"),
    ("Liste, page 20", "/contrats/{slug}/actions/?page=20"),
    ("Tableau par maturité", "/contrats/{slug}/actions/?vue=tableau"),
    ("Page du contrat", "/contrats/{slug}/"),
    ("Fiche action", "/actions/{action}/"),
    ("Mon espace", "/mon-espace/"),
    ("Tableau de bord", "/contrats/{slug}/tableau-de-bord/"),
    ("Maquette financière", "/contrats/{slug}/maquette/"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[400, 1600])
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    with reference_database() as contract:
        from crte.core.models import User

        client = Client()
        client.force_login(User.objects.get(username="chef.projet"))
        action = contract.actions.order_by("pk").first()
        print(f"Pages de travail — base {connection.vendor}, {args.requests} requêtes par page")
        print(f"{'actions':>8}  {'page':<32} {'p50 (ms)':>9} {'p95 (ms)':>9} {'SQL':>5}")
        for size in args.sizes:
            grow(contract, size - contract.actions.count())
            for label, path in PAGES:
                url = path.format(slug=contract.slug, action=action.pk)
                client.get(url)  # warm up
                p50, p95, queries = measure(client, url, args.requests)
                print(f"{contract.actions.count():>8}  {label:<32} {p50:>9.1f} {p95:>9.1f} {queries:>5}")


if __name__ == "__main__":
    main()
