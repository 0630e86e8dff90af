"""`crte worker`: runs background jobs (django-tasks' `db_worker`, whose options it takes)
after failing the jobs that a dead worker of this host left « en cours », with a heartbeat
per job (cancellation, dead-worker detection) and housekeeping every few minutes."""

import logging
import threading

from django.db import DatabaseError, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from crte.core import jobs

logger = logging.getLogger(__name__)
HOUSEKEEPING_SECONDS = 300


class Command(DbWorker):
    help = "Exécute les travaux en arrière-plan (imports, exports, documents, courriels)."

    def handle(self, *args, **options):
        jobs.WORKER["running"] = True
        failed = jobs.fail_dead_jobs(on_this_host=True)
        if failed:
            logger.warning("%s job(s) left running by a dead worker marked failed", failed)
        if not options.get("batch"):  # a long-lived worker; a batch run ends with its queue
            threading.Thread(target=housekeeping_loop, name="housekeeping", daemon=True).start()
        return super().handle(*args, **options)


def housekeeping_loop(stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    while True:
        run_housekeeping()
        if stop.wait(HOUSEKEEPING_SECONDS):
            return


def run_housekeeping() -> None:
    for function in jobs.HOUSEKEEPING:
        try:
            function()
        except (DatabaseError, OSError):
            logger.exception("housekeeping %s failed", function.__name__)
    connection.close()
