"""The real `db_worker` for tests, run in batch mode on the test database."""

from unittest import mock

from django.core.management import call_command
from django_tasks_db.management.commands import db_worker


def run_worker() -> None:
    """Runs every queued task, then returns. The worker closes « old » connections between
    tasks, as a long-lived process must; inside a test's transaction that would close the
    test's own connection (PostgreSQL), so that one call is left out here."""
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0.1, verbosity=0)
