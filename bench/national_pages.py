"""Pages with a choice among national lists, on an existing national database (e.g. one
filled by `crte setup_demo --demo` then `crte generate --contracts 850`): server time, HTML
weight and SQL queries of each, as the reference contract's chef de projet (the roll-up and
the perimeter's board as a national access). Issue 22: every page under 300 KB.

    DATABASE_URL=postgres://crte:crte@127.0.0.1:5432/crte_pages .venv/bin/python bench/national_pages.py \
        [--requests 20] [--only gouvernance réunion suivi]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CRTE_SECRET_KEY", "benchmark-only-key")
os.environ.setdefault("CRTE_ALLOWED_HOSTS", "testserver")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

import config.wsgi  # noqa: E402, F401 (the application as gunicorn loads it)
from crte.actions.models import Action  # noqa: E402
from crte.contracts.models import Contract  # noqa: E402
from crte.core.models import PerimeterAccess, User  # noqa: E402

SLUG = "crte-cabbalr"
GOAL_KB = 300  # issue 22


def pages(action: Action) -> list[tuple[str, str, str]]:
    return [
        ("manager", "Gouvernance", f"/contrats/{SLUG}/gouvernance/"),
        ("manager", "Nouvelle réunion", f"/contrats/{SLUG}/gouvernance/reunions/nouvelle/"),
        ("manager", "Demande d'ingénierie", f"/contrats/{SLUG}/gouvernance/ingenierie/nouvelle/"),
        ("manager", "Membres", f"/contrats/{SLUG}/membres/"),
        ("manager", "Fiche action, modifier", f"/actions/{action.pk}/modifier/"),
        ("manager", "Ajouter un financement", f"/actions/{action.pk}/financements/ajouter/"),
        ("manager", "Tableau par maturité", f"/contrats/{SLUG}/actions/?vue=tableau"),
        ("manager", "Recherche « region hauts »", search("region hauts")),
        ("manager", "Recherche « saint »", search("saint")),
        ("manager", "Recherche « velo »", search("velo")),
        ("national", "Suivi national", "/perimetre/"),
        ("national", "Actions du périmètre, tableau", "/suivi/actions/?vue=tableau"),
    ]


def search(words: str) -> str:
    """A search box's answer (the meeting's bodies: the 36 900 financers of France)."""
    query = urlencode({"liste": "l", "champ": "b", "b_recherche": words})
    return f"/contrats/{SLUG}/recherche/structures-representees/?{query}"


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int, int, int]:
    client.get(url)  # warm up (caches, first connection)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    return statistics.median(timings), p95, len(response.content), len(queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", nargs="*", default=[], help="pages whose name holds one of these words")
    args = parser.parse_args()
    setup_test_environment()
    national, _ = User.objects.get_or_create(username="bench-national")
    PerimeterAccess.objects.get_or_create(user=national, level="national", code="")
    clients = {"manager": Client(), "national": Client()}
    clients["manager"].force_login(User.objects.get(username="chef.projet"))
    clients["national"].force_login(national)
    action = Contract.objects.get(slug=SLUG).actions.order_by("pk").first()
    print(
        f"Pages à choix nationaux — base {connection.vendor}, {Contract.objects.count()} contrats, "
        f"{args.requests} requêtes par page"
    )
    print(f"{'page':<32} {'p50 (ms)':>9} {'p95 (ms)':>9} {'Ko':>7} {'SQL':>5} statut")
    for who, label, url in pages(action):
        if args.only and not any(word.lower() in label.lower() for word in args.only):
            continue
        p50, p95, size, queries, status = measure(clients[who], url, args.requests)
        flag = "" if size < GOAL_KB * 1024 else f"  > {GOAL_KB} Ko"
        print(f"{label:<32} {p50:>9.0f} {p95:>9.0f} {size / 1024:>7.0f} {queries:>5} {status}{flag}")


if __name__ == "__main__":
    main()
