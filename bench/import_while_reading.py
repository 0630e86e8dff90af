"""A large import on the embedded SQLite while people keep working: the check behind
« an import never blocks reading pages ».

    .venv/bin/python bench/import_while_reading.py [--rows 100000] [--workers 2]

In a scratch directory: an SQLite file database (WAL mode, as `make run`), the reference
contract and the demo accounts, gunicorn and a `crte db_worker` started as the Procfile
does. A spreadsheet of N rows is queued as an import job for the reference contract; while
the worker writes it, a headless Chromium (Debian's) signs in, reads the contract page, the
actions list and the dashboard, and signs out, again and again. Prints how long the import
took, how many pages were read meanwhile, their slowest time, and every error; exits 1 on
any error or if the import failed."""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

QUEUE = """
from crte.core import jobs
from crte.core.models import User
from crte.importers.web import jobs as import_jobs
user = User.objects.get(username="chef.projet")
pending = {{"path": "{path}", "name": "programmation.xlsx", "territory": ""}}
payload = import_jobs.payload_of(pending, "crte-cabbalr", "bench")
print(jobs.start(import_jobs.WRITE, "Import de charge", user=user, payload=payload).pk)
"""
STATE = "from crte.core.models import Job; j = Job.objects.get(pk='{pk}'); print(j.state, j.total, j.error)"


def crte(env, *args) -> str:
    result = subprocess.run([str(BIN / "crte"), *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"crte {args[0]} a échoué :\n{result.stderr[-2000:]}")
    return result.stdout.strip()


def spreadsheet(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Programmation")
    sheet.append(["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "Région", "Département", "État"])
    for n in range(rows):
        sheet.append(["Béthune", f"Opération de charge {n + 1}", 100_000 + n, 30_000, 20_000, 50_000])
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8798)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()  # to read the demo password and the project's Chromium flags
    from crte.demo.reference import DEMO_PASSWORD
    from crte.portal.tests.conftest import CHROMIUM_ARGS, chromium_path

    with tempfile.TemporaryDirectory(prefix="crte-charge-") as scratch:
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{scratch}/crte.sqlite3",
            "CRTE_MEDIA_ROOT": f"{scratch}/media",
            "CRTE_SECRET_KEY": secrets.token_urlsafe(40),
            "CRTE_PRODUCTION": "true",
            "CRTE_DEMO": "true",
            "CRTE_LOG_LEVEL": "WARNING",
            "PATH": f"{BIN}:{os.environ['PATH']}",
        }
        print("Base SQLite, contrat de référence…", file=sys.stderr)
        crte(env, "migrate", "--no-input", "-v", "0")
        crte(env, "collectstatic", "--no-input", "-v", "0")
        crte(env, "setup_demo")
        path = Path(scratch) / "programmation.xlsx"
        spreadsheet(path, args.rows)
        web = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers)],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stderr=subprocess.DEVNULL,
        )
        worker = subprocess.Popen(
            [str(BIN / "crte"), "db_worker", "--interval", "0.5"], cwd=ROOT, env=env, start_new_session=True
        )
        base = f"http://127.0.0.1:{args.port}"
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(base + "/sante/", timeout=2)  # noqa: S310 (local)
                    break
                except OSError:
                    time.sleep(0.5)
            job = crte(env, "shell", "-v", "0", "-c", QUEUE.format(path=path)).splitlines()[-1]
            start = time.monotonic()
            errors, timings, state = [], [], "attente"
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.set_default_timeout(60_000)
                while state in ("attente", "en_cours"):
                    for url in (
                        "/connexion/",
                        None,
                        "/contrats/crte-cabbalr/",
                        "/contrats/crte-cabbalr/actions/",
                        "/contrats/crte-cabbalr/tableau-de-bord/",
                        "logout",
                    ):
                        began = time.monotonic()
                        try:
                            if url is None:
                                page.get_by_label("Nom d’utilisateur").fill("lecteur")
                                page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
                                page.get_by_role("button", name="Se connecter").click()
                                page.wait_for_url(base + "/mon-espace/")
                            elif url == "logout":
                                page.get_by_role("button", name="Se déconnecter").first.click()
                                page.wait_for_url(base + "/")
                            else:
                                response = page.goto(base + url)
                                if response.status != 200:
                                    errors.append(f"{url} : {response.status}")
                        except Exception as error:  # noqa: BLE001 (every failure is a finding)
                            errors.append(
                                f"{url or 'connexion'} : {error.__class__.__name__} {str(error)[:200]}"
                            )
                        timings.append(time.monotonic() - began)
                    state = crte(env, "shell", "-v", "0", "-c", STATE.format(pk=job)).split()[0]
                browser.close()
            took = time.monotonic() - start
            final = crte(env, "shell", "-v", "0", "-c", STATE.format(pk=job))
        finally:
            for process in (web, worker):
                os.killpg(process.pid, signal.SIGTERM)
                process.wait()
    print(f"Import de {args.rows} lignes par le worker (SQLite, WAL) : {took:.0f} s, état final : {final}")
    print(
        f"Pendant ce temps : {len(timings)} pas de navigation (connexion, pages, déconnexion), "
        f"le plus lent {max(timings):.1f} s, {len(errors)} erreur(s)."
    )
    for error in errors:
        print("  -", error)
    sys.exit(1 if errors or not final.startswith("terminee") else 0)


if __name__ == "__main__":
    main()
