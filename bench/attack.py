"""Replays the hostile corpus (crte/importers/tests/hostile.py) against a running platform, as
an attacker with a manager's account would: each crafted file is uploaded through the import
page, and followed on its job page until it is refused. Meanwhile another thread reads a
public page without signing in, five times a second. Prints, for each file, its size, the
time to refusal and the worst public-page latency during it; then the public pages' p95.

    python bench/attack.py --base http://127.0.0.1:8000 [--check]

`--check` exits 1 when a file is not refused within the limits or the public p95 reaches
1 s (the goal of issue 22). Needs the demo accounts (`crte setup_demo` in demo mode)."""

import argparse
import html
import re
import statistics
import sys
import threading
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode, urljoin
from urllib.request import HTTPCookieProcessor, Request, build_opener

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crte.importers.tests.hostile import CORPUS  # noqa: E402

REPORT_ERROR = r"fr-badge--error[^>]*>erreur</span>\s*</td>(?:\s*<td>.*?</td>){2}\s*<td>(.*?)</td>"
STATE = re.compile(r'data-testid="job-status"\s+data-state="([a-z_]+)"')


class Session:
    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(urljoin(self.base, path), timeout=60) as response:
            return response.geturl(), response.read().decode()

    def csrf(self, page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def login(self, username: str, password: str) -> None:
        _, page = self.get("/connexion/")
        data = urlencode({"csrfmiddlewaretoken": self.csrf(page), "username": username, "password": password})
        request = Request(urljoin(self.base, "/connexion/"), data.encode(), headers={"Referer": self.base})
        with self.opener.open(request, timeout=60) as response:
            if "/connexion/" in response.geturl():
                raise SystemExit("connexion refusée : les comptes de démonstration sont-ils chargés ?")

    def upload(self, path: str, name: str, content: bytes) -> str:
        _, page = self.get(path)
        boundary = "----crte-attack"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
                f"{self.csrf(page)}\r\n--{boundary}\r\n"
                f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base}
        request = Request(urljoin(self.base, path), body, headers=headers)
        with self.opener.open(request, timeout=120) as response:
            return response.geturl()


class Watcher(threading.Thread):
    """Reads a public page five times a second and keeps every latency with its moment."""

    def __init__(self, base: str, path: str):
        super().__init__(daemon=True)
        self.session, self.path = Session(base), path
        self.samples: list[tuple[float, float]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                self.session.get(self.path)
                latency = time.monotonic() - started
            except (OSError, HTTPError):
                latency = float("inf")
            self.samples.append((started, latency))
            self.stopping.wait(0.2)

    def worst_between(self, start: float, end: float) -> float:
        window = [latency for moment, latency in self.samples if start <= moment <= end]
        return max(window, default=0.0)


def follow(session: Session, url: str, patience: float) -> tuple[str, str]:
    """Polls a job's page until it ends: (state, what the page says)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        _, page = session.get(url)
        state = STATE.search(page)
        if state is None:  # a finished preview is shown by its own page
            refused = "Fichier refusé" in page
            return ("refusé" if refused else "accepté"), text_of(page)
        if state[1] in ("echec", "annule"):
            return "refusé", text_of(page)
        time.sleep(0.5)
    return "en cours", ""


def text_of(page: str) -> str:
    """The first error of the report (or the job's failure)."""
    found = re.search(REPORT_ERROR, page, re.S)
    found = found or re.search(r'<div class="fr-alert fr-alert--error[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found[1] if found else "")).split())[:110]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--contract", default="crte-cabbalr")
    parser.add_argument("--user", default="chef.projet")
    parser.add_argument("--password", default="crte-demo-2022")
    parser.add_argument("--limit", type=float, default=240, help="secondes pour refuser un fichier")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    session = Session(args.base)
    session.login(args.user, args.password)
    watcher = Watcher(args.base, f"/contrats/{args.contract}/")
    watcher.start()
    time.sleep(1)
    failures = 0
    print(f"{'fichier':30} {'taille':>10} {'refus (s)':>10} {'pire page publique (s)':>23}  issue")
    for name, build in CORPUS.items():
        content = build()
        started = time.monotonic()
        job_url = session.upload(f"/contrats/{args.contract}/import/", name, content)
        outcome, message = follow(session, job_url, args.limit)
        elapsed = time.monotonic() - started
        worst = watcher.worst_between(started, time.monotonic())
        failures += outcome != "refusé" or elapsed > args.limit
        print(f"{name:30} {len(content):>10} {elapsed:>10.1f} {worst:>23.3f}  {outcome} : {message}")
    watcher.stopping.set()
    watcher.join()
    latencies = sorted(latency for _, latency in watcher.samples)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("inf")
    print(
        f"page publique pendant l'attaque : {len(latencies)} lectures, médiane "
        f"{statistics.median(latencies):.3f} s, p95 {p95:.3f} s, pire {latencies[-1]:.3f} s"
    )
    if args.check and (failures or p95 >= 1):
        print(f"ÉCHEC : {failures} fichier(s) non refusé(s) à temps, p95 {p95:.3f} s (objectif < 1 s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
