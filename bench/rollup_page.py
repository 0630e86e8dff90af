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

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from crte.core.models import PerimeterAccess, User  # noqa: E402


def main(requests: int = 10) -> None:
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
    timings.sort()
    print(
        f"Suivi national : p50 {statistics.median(timings):.0f} ms, max {timings[-1]:.0f} ms, "
        f"{len(response.content) / 1024:.0f} Ko de HTML (statut {response.status_code})"
    )


if __name__ == "__main__":
    main()
