"""Backups of the whole database: SQLite through its online backup API (readers and writers
keep working), PostgreSQL through pg_dump / pg_restore (custom format). The restore
replaces everything the database holds."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


class BackupError(Exception):
    """A backup or a restore that cannot be done (French message)."""


def backup(path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
        return path
    if connection.vendor == "postgresql":
        run_pg("pg_dump", "--format=custom", "--no-owner", "--file", str(path), database_name())
        return path
    raise BackupError(f"Sauvegarde non prise en charge pour la base « {connection.vendor} ».")


def restore(path: Path) -> None:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Sauvegarde introuvable : {path}")
    if connection.vendor == "sqlite":
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source:
                source.execute("PRAGMA quick_check").fetchone()
                connection.ensure_connection()
                source.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"« {path.name} » n'est pas une sauvegarde SQLite lisible ({error}).") from None
        return
    if connection.vendor == "postgresql":
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
        return
    raise BackupError(f"Restauration non prise en charge pour la base « {connection.vendor} ».")


def database_name() -> str:
    return str(connection.settings_dict["NAME"])


def run_pg(program: str, *args: str) -> None:
    """A PostgreSQL client program against the project's database server."""
    if shutil.which(program) is None:
        raise BackupError(f"« {program} » est introuvable : installez le client PostgreSQL.")
    settings = connection.settings_dict
    env = os.environ | {"PGPASSWORD": str(settings.get("PASSWORD") or "")}
    target = ["--host", str(settings.get("HOST") or "localhost"), "--port", str(settings.get("PORT") or 5432)]
    target += ["--username", str(settings.get("USER") or "")]
    result = subprocess.run([program, *target, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{program} a échoué : {result.stderr.strip()[:500]}")
