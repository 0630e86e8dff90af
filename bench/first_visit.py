"""What a first visit downloads: a fresh Chromium (empty cache) opens the home page, the
sign-in page and a contract page of the production recipe (gunicorn, WhiteNoise's
compressed and hashed files); prints the bytes of static files received over the wire
(compressed as sent), file by file, and their total beside issue 14's limit (300 KB).

    DATABASE_URL=postgres://crte:crte@127.0.0.1:5432/crte_load .venv/bin/python bench/first_visit.py

Uses the database bench/load.py prepares (any database with the reference contract will do)."""

import os
import secrets
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load import BIN, crte, start_server  # noqa: E402

LIMIT_KB = 300
PAGES = ("/", "/connexion/", "/contrats/crte-cabbalr/")


def main(port: int = 8797) -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL manquant.")
    env = os.environ | {
        "CRTE_PRODUCTION": "true",
        "CRTE_SECRET_KEY": secrets.token_urlsafe(40),
        "CRTE_LOG_LEVEL": "WARNING",
        "PATH": f"{BIN}:{os.environ['PATH']}",
    }
    crte("collectstatic", "--no-input", "-v", "0", env=env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from crte.portal.tests.conftest import CHROMIUM_ARGS, chromium_path

    server = start_server(env, port, 1)
    received: dict[str, int] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            responses = []
            page.on("response", lambda response: responses.append(response))
            for path in PAGES:
                page.goto(f"http://127.0.0.1:{port}{path}", wait_until="networkidle")
            for response in responses:
                if "/static/" in response.url and response.url not in received:
                    received[response.url] = response.request.sizes()["responseBodySize"]
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    for url, size in sorted(received.items(), key=lambda item: -item[1]):
        print(f"{size / 1024:8.1f} Ko  {url.split('/static/', 1)[1]}")
    total = sum(received.values()) / 1024
    verdict = "atteint" if total < LIMIT_KB else "NON"
    print(
        f"Première visite ({', '.join(PAGES)}) : {len(received)} fichiers statiques, {total:.0f} Ko reçus "
        f"(objectif < {LIMIT_KB} Ko : {verdict})"
    )


if __name__ == "__main__":
    main()
