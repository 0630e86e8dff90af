"""The production issue's cheap and serious defects: login throttling, passwords, sessions,
the secret key, deployment checks, security headers, revisions moved by every writer,
plausible dates, stale uploads."""

import datetime as dt
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from crte.core.forms import OptimisticLockForm
from crte.core.tests.factories import UserFactory
from crte.finance.agreements import AgreementError, sign_agreement
from crte.finance.models import FundingAgreement
from crte.importers.tests.sheets import write_csv
from crte.importers.web.views import remove_stale_uploads

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def test_repeated_wrong_passwords_lock_the_account_with_a_french_page(client):
    UserFactory(username="camille", password="un-mot-de-passe-solide")
    url = reverse("core:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "camille", "password": "mauvais"})
    locked = client.post(url, {"username": "camille", "password": "un-mot-de-passe-solide"})
    assert locked.status_code in (403, 429)
    assert "Trop de tentatives de connexion" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_before_the_limit_still_logs_in(client):
    UserFactory(username="lou", password="un-mot-de-passe-solide")
    url = reverse("core:login")
    client.post(url, {"username": "lou", "password": "mauvais"})
    client.post(url, {"username": "lou", "password": "un-mot-de-passe-solide"})
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("password", ["123456789012", "court", "motdepasse"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_sessions_end_after_an_idle_time():
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 4 * 3600


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    """Python in a fresh process with only these variables."""
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


SERVE = "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; import config.wsgi"
CHECK = (
    "import sys; from django.core.management import execute_from_command_line as run; run(sys.argv[:1] + {})"
)


def test_the_platform_refuses_to_start_without_a_secret_key_outside_demo():
    refused = run_python(SERVE)
    assert refused.returncode != 0 and "CRTE_SECRET_KEY n'est pas défini" in refused.stderr
    checked = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
        + CHECK.format("['check', '--deploy']")
    )
    assert checked.returncode != 0 and "crte.E001" in checked.stderr + checked.stdout
    assert run_python(SERVE, CRTE_DEMO="true").returncode == 0
    assert run_python(SERVE, CRTE_SECRET_KEY="x" * 60).returncode == 0
    migrations = "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';" + CHECK.format(
        "['makemigrations', '--check', '--dry-run']"
    )
    assert run_python(migrations).returncode == 0  # tooling that signs nothing still runs


def test_check_deploy_is_clean_with_secure_cookies():
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "CRTE_SECRET_KEY": "k" * 20 + "Q7x!vR2#pL9@wZ4$mN6%bT8^cY1&dH3*",
        "CRTE_SECURE_COOKIES": "true",
        "CRTE_ALLOWED_HOSTS": "crte.example.fr",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_carry_a_strict_csp_and_a_permissions_policy(client):
    response = client.get(reverse("portal:home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    page = response.content.decode()
    assert 'style="' not in page


def test_every_writer_moves_the_revision_so_an_older_form_cannot_overwrite(action):
    class Form(OptimisticLockForm):
        class Meta:
            model = type(action)
            fields = ["title"]

    opened = Form(instance=action).fields["revision"].initial
    action.title = "Changé par un import ou l'administration"
    action.save()  # what the import writer and the admin do
    stale = Form(
        {"title": "Ancien formulaire", "revision": opened}, instance=type(action).objects.get(pk=action.pk)
    )
    assert not stale.is_valid() and "modifié par quelqu'un d'autre" in stale.errors["__all__"][0]
    fresh = Form({"title": "Formulaire à jour", "revision": action.revision}, instance=action)
    assert fresh.is_valid() and fresh.try_save()
    action.refresh_from_db()
    assert action.title == "Formulaire à jour"


def test_a_reimport_moves_the_revision(tmp_path):
    from crte.actions.models import Action
    from crte.importers.pipeline import import_source

    header = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT"]
    first = write_csv(tmp_path / "a.csv", [header, ["Auchel", "École", "1000 €"]])
    import_source(path=first, slug="crte-rev", territory="200072460")
    before = Action.objects.get(title="École").revision
    second = write_csv(tmp_path / "b.csv", [header, ["Auchel", "École", "2000 €"]])
    import_source(path=second, slug="crte-rev", territory="200072460")
    after = Action.objects.get(title="École")
    assert (after.amount, after.revision > before) == (Decimal("2000"), True)


def test_a_convention_cannot_be_signed_in_the_year_9999(client, manager, contract):
    agreement = FundingAgreement.objects.create(
        contract=contract, year=2024, financers_committee_on=dt.date(2024, 3, 1)
    )
    client.force_login(manager)
    url = reverse("finance:agreement_step", args=[contract.slug, 2024, "signature"])
    page = client.post(url, {"date": "9999-12-31"}, follow=True).content.decode()
    assert "entre 2000 et 2100" in page
    agreement.refresh_from_db()
    assert agreement.signed_on is None and agreement.status == FundingAgreement.Status.PROJET
    with pytest.raises(AgreementError):
        sign_agreement(agreement, on=dt.date(9999, 12, 31))


def test_stale_uploads_are_removed(tmp_path, settings):
    settings.IMPORT_UPLOAD_DIR = tmp_path
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    old.write_bytes(b"x")
    new.write_bytes(b"x")
    past = time.time() - settings.IMPORT_UPLOAD_MAX_AGE.total_seconds() - 60
    os.utime(old, (past, past))
    assert remove_stale_uploads() == 1
    assert not old.exists() and new.exists()


def test_the_embedded_database_lets_pages_read_while_an_import_writes(tmp_path):
    """SQLite in write-ahead-logging mode: a reader is not blocked by an open write."""
    database = tmp_path / "crte.sqlite3"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "CRTE_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode');"
        "print(c.fetchone()[0]); c.execute('CREATE TABLE t (x int)'); c.execute('INSERT INTO t VALUES (1)')"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "wal", done.stderr
    import sqlite3

    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (2)")  # an import's transaction, not committed
    reader = sqlite3.connect(database, timeout=0.1)
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (1,)  # read at once, not locked
    writer.execute("COMMIT")


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_on_sqlite_signing_in_reading_and_signing_out_write_only_the_last_sign_in_date(
    client, manager, contract
):
    """An import holds SQLite's one write lock while it writes: people signing in, reading
    and signing out meanwhile must not need it. Sessions and throttling live in files; the
    only write left is the last sign-in date, which gives up instead of waiting (below)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps sessions in the database: its writers do not queue")
    client.post(reverse("core:login"), {"username": "nobody", "password": "mauvais"})  # a failure
    with CaptureQueriesContext(connection) as queries:
        signed_in = client.post(
            reverse("core:login"), {"username": manager.username, "password": "motdepasse-test"}
        )
        assert signed_in.status_code == 302 and "_auth_user_id" in client.session
        for url in (
            contract.get_absolute_url(),
            reverse("workspace:contract_actions", args=[contract.slug]),
            reverse("reports:dashboard", args=[contract.slug]),
        ):
            assert client.get(url).status_code == 200
        client.post(reverse("core:logout"))
    assert "_auth_user_id" not in client.session
    written = writes(queries.captured_queries)
    assert len(written) == 1 and "last_login" in written[0], written


def test_a_locked_database_does_not_stop_a_sign_in(client, manager, monkeypatch, caplog):
    from django.db import OperationalError, connection

    from crte.core import sqlite

    if connection.vendor != "sqlite":
        pytest.skip("only SQLite locks the whole database")

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(sqlite, "update_last_login", locked)
    signed_in = client.post(
        reverse("core:login"), {"username": manager.username, "password": "motdepasse-test"}
    )
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session
    assert "last sign-in date" in caplog.text
    manager.refresh_from_db()
    assert manager.last_login is None


def test_a_free_database_records_the_last_sign_in(client, manager):
    client.post(reverse("core:login"), {"username": manager.username, "password": "motdepasse-test"})
    manager.refresh_from_db()
    assert manager.last_login is not None


@pytest.mark.parametrize("debug", [False, True])
def test_missing_and_refused_pages_are_french_dsfr_pages(client, settings, debug, reader, action):
    settings.DEBUG = debug
    missing = client.get("/une-adresse-inconnue/")
    assert missing.status_code == 404 and "Page introuvable" in missing.content.decode()
    client.force_login(reader)
    refused = client.get(reverse("actions:action_edit", args=[action.pk]))
    assert refused.status_code == 403 and "Accès refusé" in refused.content.decode()
    hidden = client.get(reverse("actions:action_detail", args=[999999]))
    assert hidden.status_code == 404 and "Page introuvable" in hidden.content.decode()


def test_a_failure_in_the_demonstration_shows_the_french_500_page(client, settings, monkeypatch):
    settings.DEBUG = settings.DEMO_MODE = True
    from crte.portal import views

    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "render", lambda *a, **k: broken(None))
    client.raise_request_exception = False
    response = client.get(reverse("portal:home"))
    assert response.status_code == 500 and "Erreur inattendue" in response.content.decode()


def test_the_health_endpoint_answers_without_a_session(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(reverse("core:health"))
    assert response.status_code == 200 and response.json()["statut"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_the_health_endpoint_says_503_when_the_database_is_down(client, monkeypatch):
    from django.db import DatabaseError, connection

    def broken(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get(reverse("core:health"))
    assert response.status_code == 503 and response.json()["base"] == "injoignable"


def test_logs_are_one_json_object_per_line():
    import json
    import logging

    from django.test import RequestFactory

    from crte.core.logs import JsonFormatter

    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Échec « %s »", ("x",), None)
    record.request = RequestFactory().post("/contrats/a/")
    record.status_code = 500
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line.split('"exception"')[0]
    entry = json.loads(line)
    assert (entry["level"], entry["message"], entry["method"], entry["path"], entry["status_code"]) == (
        "ERROR",
        "Échec « x »",
        "POST",
        "/contrats/a/",
        500,
    )
    assert "ValueError: boom" in entry["exception"]


def _count_failures(location: str, times: int) -> None:
    from crte.core.cache import LockedFileCache

    cache = LockedFileCache(location, {})
    for _ in range(times):
        if not cache.add("echecs", 1, timeout=600):
            cache.incr("echecs")


def test_login_failures_counted_in_files_are_all_counted_when_processes_race(tmp_path):
    """Four processes counting 50 failures each at once: 200, none lost to a race."""
    import multiprocessing

    from crte.core.cache import LockedFileCache

    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_count_failures, args=(str(tmp_path), 50)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert LockedFileCache(str(tmp_path), {}).get("echecs") == 200
