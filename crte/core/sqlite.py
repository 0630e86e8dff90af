"""The embedded SQLite database while an import writes.

SQLite lets one connection write at a time; a large import holds that lock while it
writes. `busy_wait` lets a page try the lock briefly and fall back instead of queuing (the
roll-up's summaries). Sessions and login throttling live outside the database on SQLite
(settings), which leaves the date of last sign-in: written at once when the database is
free, and, when an import holds it, given up after a short wait with a warning in the logs
rather than making the person wait minutes for a bookkeeping date."""

import logging
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.db import OperationalError, connection, transaction

logger = logging.getLogger(__name__)
SIGN_IN_WAIT_MS = 2000  # how long a sign-in waits for the write lock before giving up the date


@contextmanager
def busy_wait(milliseconds: int):
    """SQLite's busy timeout of this connection set to `milliseconds` for a while (other
    databases lock rows, not the database: nothing to do)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        restore = int(settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 5) * 1000)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {restore}")


def update_last_login_unless_busy(sender, user, **kwargs) -> None:
    """Django's `update_last_login`, which gives up when the database stays locked."""
    try:
        with busy_wait(SIGN_IN_WAIT_MS), transaction.atomic():  # a savepoint if one is open
            update_last_login(sender, user, **kwargs)
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        logger.warning("last sign-in date of user %s not written: the database is locked by a write", user.pk)


def connect() -> None:
    """On SQLite, the receiver above replaces Django's (same dispatch uid)."""
    if connection.vendor != "sqlite":
        return
    user_logged_in.disconnect(dispatch_uid="update_last_login")
    user_logged_in.connect(update_last_login_unless_busy, dispatch_uid="update_last_login")
