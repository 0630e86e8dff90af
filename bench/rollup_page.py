"""The national roll-up page on an existing database (e.g. the one bench/load.py filled),
as a national access: time and weight of the page.

    DATABASE_URL=postgres://crte:crte@127.0.0.1:5432/crte_load .venv/bin/python bench/rollup_page.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CRTE_SECRET_KEY", "benchmark-only-key")
os.environ.setdefault("CRTE_ALLOWED_HOSTS", "testserver")

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

import config.wsgi  # noqa: E402, F401 (the application as gunicorn loads it)
from crte.core.models import PerimeterAccess, User  # noqa: E402

GOAL_P95_MS = 150  # issue 14


def main(requests: int = 40) -> None:
    setup_test_environment()
    user, _ = User.objects.get_or_create(username="bench-national")
    PerimeterAccess.objects.get_or_create(user=user, level="national", code="")
    client = Client()
    client.force_login(user)
    client.get("/perimetre/")
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get("/perimetre/")
        timings.append((time.perf_counter() - start) * 1000)
    cold = []
    for _ in range(requests // 4):  # the figures computed again (as after a write)
        cache.clear()
        start = time.perf_counter()
        client.get("/perimetre/")
        cold.append((time.perf_counter() - start) * 1000)
    cold.sort()
    print(
        f"Après une écriture (chiffres recalculés) : p50 {statistics.median(cold):.0f} ms, "
        f"max {cold[-1]:.0f} ms"
    )
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"Suivi national ({requests} requêtes) : p50 {statistics.median(timings):.0f} ms, "
        f"p95 {p95:.0f} ms (objectif < {GOAL_P95_MS} ms : {'atteint' if p95 < GOAL_P95_MS else 'NON'}), "
        f"max {timings[-1]:.0f} ms, {len(response.content) / 1024:.0f} Ko de HTML "
        f"(statut {response.status_code})"
    )


if __name__ == "__main__":
    main()
