"""Backups of the whole database: SQLite through its online backup API (readers and writers
keep working), PostgreSQL through pg_dump / pg_restore (custom format). Backups are private
to the account that runs them (files 0600, folders made for them 0700).

A restore replaces everything the database holds, so it reads the file first: it must be a
CRTE Pilote backup (its django_migrations table records the project's first migration)
whose schema this code can run (no migration this code does not know: a backup from a newer
version or from another application is refused; an older one is fine, `crte migrate` brings
it up to date). Nothing is touched until that is known."""

import os
import re
import shutil
import sqlite3
import subprocess
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

PROJECT_MIGRATION = ("core", "0001_initial")  # every CRTE Pilote database has it
COUNTED = {"contrats": "contracts.Contract", "actions": "actions.Action", "utilisateurs": "core.User"}


class BackupError(Exception):
    """A backup or a restore that cannot be done (French message)."""


@dataclass
class Contents:
    """What a backup holds, read without restoring it."""

    migrations: set[tuple[str, str]]
    counts: dict[str, int]  # rows per COUNTED label


def backup(path: Path) -> Path:
    path = private_file(Path(path))
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as target:
            connection.connection.backup(target)
        return path
    if connection.vendor == "postgresql":
        run_pg("pg_dump", "--format=custom", "--no-owner", "--file", str(path), database_name())
        return path
    raise BackupError(f"Sauvegarde non prise en charge pour la base « {connection.vendor} ».")


def private_file(path: Path) -> Path:
    """An empty file only its owner can read, in folders created 0700 when missing."""
    missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)  # mkdir's mode goes through the umask
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    path.chmod(0o600)  # an older file of that name kept its mode
    return path


def inspect(path: Path) -> Contents:
    """The backup's migrations and counts, once it is known to be a compatible CRTE Pilote
    backup (BackupError otherwise)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Sauvegarde introuvable : {path}")
    if connection.vendor == "sqlite":
        contents = read_sqlite(path)
    elif connection.vendor == "postgresql":
        contents = read_pg_dump(path)
    else:
        raise BackupError(f"Restauration non prise en charge pour la base « {connection.vendor} ».")
    check_compatible(path, contents.migrations)
    return contents


def check_compatible(path: Path, migrations: set[tuple[str, str]]) -> None:
    if PROJECT_MIGRATION not in migrations:
        raise BackupError(f"« {path.name} » n'est pas une sauvegarde de CRTE Pilote : rien n'a été modifié.")
    unknown = sorted(migrations - known_migrations())
    if unknown:
        listed = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"« {path.name} » vient d'une version plus récente de CRTE Pilote ou d'une autre "
            f"application : {len(unknown)} migration(s) inconnue(s) de cette version ({listed}). "
            "Rien n'a été modifié ; restaurez-la avec la version qui l'a faite."
        )


def known_migrations() -> set[tuple[str, str]]:
    """Every migration this code has, and those its squashed migrations replace."""
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    replaced = {key for migration in on_disk.values() for key in migration.replaces}
    return set(on_disk) | replaced


def pending_migrations(contents: Contents) -> int:
    """How many of this code's migrations the backup has not applied yet."""
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return len(set(on_disk) - contents.migrations)


def current_counts() -> dict[str, int]:
    return {label: apps.get_model(model)._default_manager.count() for label, model in COUNTED.items()}


def counted_tables() -> dict[str, str]:
    return {label: apps.get_model(model)._meta.db_table for label, model in COUNTED.items()}


def read_sqlite(path: Path) -> Contents:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
            if source.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError(f"« {path.name} » est une base SQLite endommagée : rien n'a été modifié.")
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "django_migrations" not in tables:
                raise BackupError(
                    f"« {path.name} » n'est pas une sauvegarde de CRTE Pilote : rien n'a été modifié."
                )
            migrations = set(source.execute("SELECT app, name FROM django_migrations"))
            # Table names come from the models' metadata and are checked against the file's.
            counts = {
                label: source.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # nosec B608
                if table in tables
                else 0
                for label, table in counted_tables().items()
            }
    except sqlite3.DatabaseError as error:
        raise BackupError(f"« {path.name} » n'est pas une sauvegarde SQLite lisible ({error}).") from None
    return Contents(migrations=migrations, counts=counts)


def read_pg_dump(path: Path) -> Contents:
    """The dump's table of contents (`pg_restore --list`) must name the expected tables;
    the rows of django_migrations and of the counted tables are then read from it."""
    try:
        listing = run_pg("pg_restore", "--list", str(path), server=False)
    except BackupError as error:
        raise BackupError(f"« {path.name} » n'est pas une sauvegarde PostgreSQL lisible ({error}).") from None
    tables = set(re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+)(?: |$)", listing, re.MULTILINE))
    counted = counted_tables()
    if not {"django_migrations", *counted.values()} <= tables:
        raise BackupError(f"« {path.name} » n'est pas une sauvegarde de CRTE Pilote : rien n'a été modifié.")
    migrations: set[tuple[str, str]] = set()
    rows: Counter[str] = Counter()
    for table, columns, values in pg_dump_rows(path, ["django_migrations", *counted.values()]):
        rows[table] += 1
        if table == "django_migrations":
            migrations.add((values[columns.index("app")], values[columns.index("name")]))
    return Contents(migrations=migrations, counts={label: rows[table] for label, table in counted.items()})


def pg_dump_rows(path: Path, tables: list[str]):
    """(table, columns, values) for each row of these tables in a custom-format dump, read
    from the COPY blocks pg_restore writes (one row a line, tab-separated)."""
    selected = [argument for table in tables for argument in ("--table", table)]
    command = ["pg_restore", "--data-only", *selected, "--file", "-", str(path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        table, columns = None, []
        for line in process.stdout:
            if table is None:
                copy = re.match(r"COPY (?:\S+\.)?(\S+) \((.*)\) FROM stdin;", line)
                if copy:
                    table, columns = copy[1].strip('"'), [c.strip().strip('"') for c in copy[2].split(",")]
            elif line.rstrip("\n") == "\\.":
                table = None
            else:
                yield table, columns, line.rstrip("\n").split("\t")
    if process.returncode != 0:
        raise BackupError(f"« {path.name} » : pg_restore n'a pas pu en lire les données.")


def restore(path: Path) -> None:
    path = Path(path)
    inspect(path)  # nothing is touched before the file is known to be ours and compatible
    if connection.vendor == "sqlite":
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
                connection.ensure_connection()
                source.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"« {path.name} » n'est pas une sauvegarde SQLite lisible ({error}).") from None
        return
    connection.close()  # nothing of ours may hold a lock on the tables replaced
    run_pg(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--dbname",
        database_name(),
        str(path),
    )


def database_name() -> str:
    return str(connection.settings_dict["NAME"])


def run_pg(program: str, *args: str, server: bool = True) -> str:
    """A PostgreSQL client program, against the project's database server unless it only
    reads a file; its standard output."""
    if shutil.which(program) is None:
        raise BackupError(f"« {program} » est introuvable : installez le client PostgreSQL.")
    settings = connection.settings_dict
    env = os.environ | {"PGPASSWORD": str(settings.get("PASSWORD") or "")}
    target = []
    if server:
        target = [
            "--host",
            str(settings.get("HOST") or "localhost"),
            "--port",
            str(settings.get("PORT") or 5432),
        ]
        target += ["--username", str(settings.get("USER") or "")]
    result = subprocess.run([program, *target, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{program} a échoué : {result.stderr.strip()[:500]}")
    return result.stdout
