"""Load test of the production recipe: the Procfile's web process (gunicorn, 2 workers by
default) on the database of DATABASE_URL (PostgreSQL for figures that mean something),
with the national dataset, under N simulated people (locust, headless, bounded in time).

    DATABASE_URL=postgres://crte:crte@127.0.0.1:5432/crte_load \\
        .venv/bin/python bench/load.py [--contracts 850] [--users 20] [--seconds 60]

The database is prepared with the project's own commands (migrate, setup_demo, generate),
once: a second run reuses it. Each simulated person signs in (a national access, so the
roll-up is open to it) and reads, at random: contract pages, dashboards, maquettes, action
lists and the national roll-up. Prints requests, failures, p50 / p95 and requests/s per
page; exits 1 on any failure.

Installed by `make bench` from requirements-bench.txt (locust is not needed to run or test
the platform)."""

import argparse
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
USERNAME, PASSWORD = "charge-national-charge", "bench-" + "x" * 20


def crte(*args: str, env: dict, quiet: bool = True) -> str:
    result = subprocess.run(
        [str(BIN / "crte"), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"crte {' '.join(args)} a échoué :\n{result.stderr[-3000:]}")
    return result.stdout


PREPARE = """
from crte.contracts.models import Contract
from crte.core.models import PerimeterAccess, User
user, _ = User.objects.get_or_create(username="{user}")
user.set_password("{password}"); user.save()
PerimeterAccess.objects.get_or_create(user=user, level="national", code="")
print(Contract.objects.count())
print(" ".join(Contract.objects.order_by("?").values_list("slug", flat=True)[:200]))
"""


def prepare(env: dict, contracts: int) -> list[str]:
    crte("migrate", "--no-input", "-v", "0", env=env)
    crte("collectstatic", "--no-input", "-v", "0", env=env)
    crte("setup_demo", env=env | {"CRTE_DEMO": "true"})
    script = PREPARE.format(user=USERNAME, password=PASSWORD)
    count, _ = crte("shell", "-v", "0", "-c", script, env=env).split("\n", 1)
    if int(count) < contracts:
        print(f"Génération de {contracts} contrats…", file=sys.stderr)
        crte("generate", "--contracts", str(contracts), "--quiet", env=env)
    out = crte("shell", "-v", "0", "-c", script, env=env)
    count, slugs = out.strip().split("\n", 1)
    print(f"{count} contrats dans la base.", file=sys.stderr)
    return slugs.split()


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/sante/", timeout=2)  # noqa: S310 (local)
            return server
        except OSError:
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    sys.exit("Le serveur ne répond pas sur /sante/.")


def run_load(base: str, slugs: list[str], users: int, seconds: int, only: str | None = None):
    import gevent
    from locust import HttpUser, between
    from locust.env import Environment

    class Agent(HttpUser):
        host = base
        wait_time = between(0.1, 0.5)

        def on_start(self):
            self.client.get("/connexion/", name="connexion (page)")
            token = self.client.cookies.get("csrftoken")
            self.client.post(
                "/connexion/",
                {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token},
                name="connexion (envoi)",
            )

        def slug(self) -> str:
            return random.choice(slugs)  # noqa: S311 (not security)

        def contract(self):
            self.client.get(f"/contrats/{self.slug()}/", name="page du contrat")

        def dashboard(self):
            self.client.get(f"/contrats/{self.slug()}/tableau-de-bord/", name="tableau de bord")

        def maquette(self):
            self.client.get(f"/contrats/{self.slug()}/maquette/", name="maquette financière")

        def actions(self):
            self.client.get(f"/contrats/{self.slug()}/actions/", name="liste des actions")

        def rollup(self):
            self.client.get("/perimetre/", name="suivi national (roll-up)")

        weights = {contract: 4, dashboard: 3, maquette: 2, actions: 3, rollup: 1}
        tasks = {fn: w for fn, w in weights.items() if only is None or fn.__name__ == only}

    environment = Environment(user_classes=[Agent])
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    return environment.stats


def compare(base: str, slugs: list[str], args) -> None:
    """Issue 14's measure: the roll-up under load serves within 2× the contract page's rate."""
    rates = {}
    for page in ("contract", "rollup"):
        stats = run_load(base, slugs, args.users, args.seconds, only=page)
        total = stats.total
        rates[page] = total.total_rps
        print(
            f"{page} seul : {total.num_requests} requêtes, {total.num_failures} échecs, "
            f"p50 {total.get_response_time_percentile(0.5):.0f} ms, "
            f"p95 {total.get_response_time_percentile(0.95):.0f} ms, {total.total_rps:.1f} req/s"
        )
    ratio = rates["contract"] / max(rates["rollup"], 1e-9)
    print(
        f"Page du contrat / suivi national : {ratio:.2f}× "
        f"(objectif ≤ 2× : {'atteint' if ratio <= 2 else 'NON'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=850)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument(
        "--compare",
        action="store_true",
        help="the contract page alone, then the roll-up alone: requests/s side by side (goal: within 2×)",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL manquant : une base PostgreSQL dédiée (elle sera remplie).")
    env = os.environ | {
        "CRTE_PRODUCTION": "true",
        "CRTE_SECRET_KEY": os.environ.get("CRTE_SECRET_KEY", secrets.token_urlsafe(40)),
        "CRTE_LOGIN_THROTTLING": "false",  # 20 people signing in at once from one address
        "CRTE_LOG_LEVEL": "WARNING",
        "PATH": f"{BIN}:{os.environ['PATH']}",
    }
    slugs = prepare(env, args.contracts)
    server = start_server(env, args.port, args.workers)
    try:
        if args.compare:
            compare(f"http://127.0.0.1:{args.port}", slugs, args)
            return
        stats = run_load(f"http://127.0.0.1:{args.port}", slugs, args.users, args.seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    print(
        f"\n{args.users} personnes, {args.seconds} s, gunicorn {args.workers} workers, "
        f"base {re.sub(r'//[^@]*@', '//', os.environ['DATABASE_URL'])}, {args.contracts} contrats générés\n"
    )
    print("| page | requêtes | échecs | p50 (ms) | p95 (ms) | req/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for entry in [*sorted(stats.entries.values(), key=lambda e: e.name), stats.total]:
        p50, p95 = entry.get_response_time_percentile(0.5), entry.get_response_time_percentile(0.95)
        name = entry.name if entry is not stats.total else "**ensemble**"
        counts = f"{entry.num_requests} | {entry.num_failures}"
        print(f"| {name} | {counts} | {p50:.0f} | {p95:.0f} | {entry.total_rps:.1f} |")
    total = stats.total
    sys.exit(1 if total.num_failures else 0)


if __name__ == "__main__":
    main()
