"""`crte backup` then `crte restore` into an emptied database gives back every row: the same
counts and the same financing totals, on SQLite and on PostgreSQL (CI runs both). Backups are
private; a restore checks the file, says what it replaces and saves the current database
before touching it; a file that is not a compatible CRTE Pilote backup changes nothing."""

import sqlite3
from contextlib import closing
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Sum

from crte.actions.models import Action
from crte.contracts.models import Contract
from crte.core.backup import run_pg
from crte.core.models import Commune, Organisation
from crte.finance.models import FundingLine

pytestmark = pytest.mark.django_db(transaction=True)
on_sqlite = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="a SQLite file edited by hand")


@pytest.fixture(autouse=True)
def safety_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "sauvegardes"
    return settings.BACKUP_DIR


def saved(path) -> None:
    call_command("backup", out=path, stdout=StringIO())


def restoring(path, **options) -> str:
    out = StringIO()
    call_command("restore", str(path), stdout=out, **options)
    return out.getvalue()


def edit_sqlite(path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as db:
        for statement in statements:
            db.execute(statement)
        db.commit()


def state() -> tuple:
    return (
        Contract.objects.count(),
        Action.objects.count(),
        FundingLine.objects.count(),
        FundingLine.objects.aggregate(total=Sum("amount"))["total"],
        Commune.objects.count(),
        Organisation.objects.count(),
    )


def test_a_backup_restored_into_an_empty_database_gives_everything_back(tmp_path, funding_line, action):
    FundingLine.objects.create(action=action, external_id="x", amount=Decimal("1234.56"))
    before = state()
    assert before[2] == 2 and before[4] > 30000  # the national reference is there too
    path = tmp_path / "crte.backup"
    call_command("backup", out=path, stdout=StringIO())
    assert path.stat().st_size > 0
    call_command("flush", interactive=False, verbosity=0)
    assert state()[:3] == (0, 0, 0)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path), stdout=StringIO())
    call_command("restore", str(path), yes=True, stdout=StringIO())
    assert state() == before


def test_restoring_something_that_is_not_a_backup_is_refused_in_french(tmp_path):
    wrong = tmp_path / "notes.txt"
    wrong.write_text("pas une sauvegarde")
    with pytest.raises(CommandError):
        call_command("restore", str(wrong), yes=True, stdout=StringIO())
    with pytest.raises(CommandError, match="introuvable"):
        call_command("restore", str(tmp_path / "absent"), yes=True, stdout=StringIO())
    assert Commune.objects.exists()  # nothing was lost


def test_a_backup_is_readable_by_its_owner_only(tmp_path, action):
    path = tmp_path / "nouveau" / "dossier" / "crte.backup"
    saved(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "nouveau").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "nouveau" / "dossier").stat().st_mode & 0o777 == 0o700
    old = tmp_path / "ancienne.backup"
    old.write_text("une ancienne sauvegarde lisible par tous")
    old.chmod(0o644)
    saved(old)
    assert old.stat().st_mode & 0o777 == 0o600


def test_a_restore_says_what_it_replaces_and_stops_without_yes(tmp_path, action, manager, safety_dir):
    path = tmp_path / "crte.backup"
    saved(path)
    action.delete()
    out = StringIO()
    with pytest.raises(CommandError, match="Rien n'a été modifié.*--yes"):
        call_command("restore", str(path), stdout=out)
    said = out.getvalue()
    assert "actions : 0 dans la base actuelle → 1 dans la sauvegarde" in said
    assert "contrats : 1 dans la base actuelle → 1 dans la sauvegarde" in said
    assert "utilisateurs : 1 dans la base actuelle → 1 dans la sauvegarde" in said
    assert Action.objects.count() == 0 and not safety_dir.exists()


def test_a_restore_saves_the_current_database_first(tmp_path, action, safety_dir):
    path = tmp_path / "crte.backup"
    saved(path)
    Action.objects.create(
        contract=action.contract, orientation=action.orientation, title="Après", external_id="x"
    )
    said = restoring(path, yes=True)
    assert list(Action.objects.values_list("title", flat=True)) == ["Parking relais"]
    [safety] = safety_dir.iterdir()
    assert f"avant restauration : {safety}" in said and safety.stat().st_mode & 0o777 == 0o600
    restoring(safety, yes=True)  # the safety backup gives back what was replaced (and is kept)
    assert set(Action.objects.values_list("title", flat=True)) == {"Parking relais", "Après"}
    assert len(list(safety_dir.iterdir())) == 2


@pytest.mark.parametrize(
    "statements",
    [
        [],  # an empty SQLite database
        ["CREATE TABLE notes (texte TEXT)", "INSERT INTO notes VALUES ('pas une sauvegarde')"],
        [
            "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)",
            "INSERT INTO django_migrations (app, name, applied) VALUES ('blog', '0001_initial', '')",
        ],
    ],
)
def test_a_foreign_sqlite_file_is_refused_and_nothing_is_touched(tmp_path, action, safety_dir, statements):
    foreign = tmp_path / "autre.sqlite3"
    edit_sqlite(foreign, *statements)
    with pytest.raises(CommandError, match="n'est pas une sauvegarde"):
        restoring(foreign, yes=True)
    assert Action.objects.filter(title="Parking relais").exists() and Commune.objects.exists()
    assert not safety_dir.exists()


@on_sqlite
def test_a_backup_from_a_newer_version_is_refused(tmp_path, action, safety_dir):
    path = tmp_path / "crte.backup"
    saved(path)
    edit_sqlite(path, "INSERT INTO django_migrations (app, name, applied) VALUES ('core', '9999_future', '')")
    with pytest.raises(CommandError, match="version plus récente.*core.9999_future"):
        restoring(path, yes=True)
    assert not safety_dir.exists()


@on_sqlite
def test_a_backup_from_an_older_version_is_restored_with_a_word_about_migrate(tmp_path, action):
    path = tmp_path / "crte.backup"
    saved(path)
    with closing(sqlite3.connect(path)) as db:
        last = db.execute("SELECT app, name FROM django_migrations ORDER BY id DESC LIMIT 1").fetchone()
    edit_sqlite(path, f"DELETE FROM django_migrations WHERE app = '{last[0]}' AND name = '{last[1]}'")
    assert "lancez « crte migrate » (1 migration(s))" in restoring(path, yes=True)
    MigrationRecorder(connection).record_applied(*last)  # its schema is there: the database is whole


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_dump_without_the_projects_tables_is_refused(tmp_path, action, safety_dir):
    partial = tmp_path / "partielle.dump"
    run_pg(
        "pg_dump",
        "--format=custom",
        "--table=django_migrations",
        "--file",
        str(partial),
        connection.settings_dict["NAME"],
    )
    with pytest.raises(CommandError, match="n'est pas une sauvegarde de CRTE Pilote"):
        restoring(partial, yes=True)
    assert Action.objects.exists() and not safety_dir.exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_dump_from_a_newer_version_is_refused(tmp_path, action, safety_dir):
    path = tmp_path / "crte.dump"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('core', '9999_future', now())"
        )
    try:
        saved(path)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE name = '9999_future'")
    with pytest.raises(CommandError, match="version plus récente.*core.9999_future"):
        restoring(path, yes=True)
    assert not safety_dir.exists()
