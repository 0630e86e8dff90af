"""Background work on a real queue (django-tasks, database backend: the embedded SQLite
or PostgreSQL, as many `crte db_worker` processes as wanted, on as many machines as share
the database and the media storage).

A `Job` row is what people follow: its state, its step, its progress, what it produced.
Apps register what each kind of job does (`handler`), and optionally how a finished job
is shown (`page`); one task, `run_job`, runs any of them. Small work runs inline through
the same code (`start(..., background=False)`), so a page behaves the same either way.
"""

import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks import task

from crte.core.models import Job

logger = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[[Job, "Progress"], None]] = {}
PAGES: dict[str, Callable] = {}
LIMITS: dict[str, timedelta] = {}  # a kind's time limit, when not the settings' default
HEARTBEAT_SECONDS = 10
STALE_AFTER = timedelta(minutes=3)  # no heartbeat for this long: the worker is gone
WORKER = {"running": False}  # set by `crte worker`: jobs then beat and can be cancelled


class JobError(Exception):
    """A failure to tell people as is (French, says what and where)."""


class JobStopped(JobError):
    """The job was cancelled, or went past its time limit."""


HOUSEKEEPING: list[Callable[[], object]] = []


def housekeeping(function):
    """Registers work each worker does every few minutes (stale uploads removed, dead jobs
    failed): idempotent, so that several workers may do it."""
    HOUSEKEEPING.append(function)
    return function


def handler(kind: str, *, minutes: int | None = None):
    """Registers what a kind of job does: `function(job, progress)`; it fills `job.result`
    or `job.output`, or raises JobError. `minutes`: its time limit, when not the default
    (settings.JOB_TIME_LIMIT_MINUTES)."""

    def register(function):
        HANDLERS[kind] = function
        if minutes is not None:
            LIMITS[kind] = timedelta(minutes=minutes)
        return function

    return register


def time_limit(kind: str) -> timedelta:
    return LIMITS.get(kind, timedelta(minutes=settings.JOB_TIME_LIMIT_MINUTES))


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def page(kind: str):
    """Registers how a finished job of this kind is shown: `view(request, job)`."""

    def register(view):
        PAGES[kind] = view
        return view

    return register


class Progress:
    """Where the work is: a step (« Lecture du fichier ») and a count within it. Written
    to the job's row at most every `every` seconds (never from inside a transaction the work
    opened, where nobody else could read it), and drawn as a bar on `stream` (the CLI)."""

    def __init__(
        self, job: Job | None = None, stream=None, every: float = 0.5, limit: timedelta | None = None
    ):
        self.job, self.stream, self.every = job, stream, every
        self.text, self.done, self.total = "", 0, 0
        self.last = 0.0
        # Transactions opened by the work itself hide what is written from everyone else.
        self.depth = len(connection.atomic_blocks)
        self.limit = limit
        self.deadline = time.monotonic() + limit.total_seconds() if limit else None
        self.cancelled = threading.Event()  # set by the heartbeat when someone cancels

    def step(self, text: str, total: int = 0) -> None:
        self.checkpoint()
        self.text, self.done, self.total = text, 0, max(0, int(total))
        self.flush(force=True)

    def advance(self, count: int = 1) -> None:
        self.done = min(self.done + count, self.total) if self.total else self.done + count
        self.checkpoint()
        self.flush()

    def checkpoint(self) -> None:
        """Raises JobStopped when the job was cancelled or is past its time limit: called
        at each step and each item, and while a file is being read."""
        if self.cancelled.is_set():
            raise JobStopped("Travail annulé à votre demande ; rien n'a été enregistré.")
        if self.deadline is not None and time.monotonic() > self.deadline:
            minutes = int(self.limit.total_seconds() // 60)
            raise JobStopped(
                f"Travail arrêté : il dépassait sa durée limite de {minutes} minutes ; rien n'a été "
                "enregistré. Découpez le fichier ou réessayez à un moment plus calme."
            )

    def flush(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        if self.stream is not None:
            self.draw()
        if self.job is not None and len(connection.atomic_blocks) <= self.depth:
            Job.objects.filter(pk=self.job.pk).update(step=self.text[:300], done=self.done, total=self.total)

    def draw(self) -> None:
        width = 30
        if self.total:
            filled = width * self.done // self.total
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {self.done * 100 // self.total:3d} % {self.text[:60]:<60}")
        else:
            self.stream.write(f"\r{self.text[:60]:<60} {self.done or ''}")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()


def start(kind: str, label: str, *, user=None, payload: dict | None = None, background: bool = True) -> Job:
    """Records the job and runs it: queued for a worker, or now in this process."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind: {kind}")
    owner = user if user is not None and user.is_authenticated else None
    job = Job.objects.create(kind=kind, label=label[:300], user=owner, payload=payload or {})
    if background:
        result = run_job.enqueue(str(job.pk))
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
        job.task_id = str(result.id)
    else:
        execute(job)
    return job


@task()
def run_job(job_id: str) -> str:
    """The one task the workers run: whatever the job's kind says."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return "absent"
    execute(job)
    return job.state


def execute(job: Job) -> Job:
    """Runs the job's handler, recording the start, the end and any failure. A JobError's
    message is shown as is; anything else is logged and shown as an internal error with the
    job's reference, never as a traceback. A job cancelled before it started is not run;
    in a worker, a heartbeat says the job is alive and hears a cancellation."""
    started = Job.objects.filter(pk=job.pk, state=Job.State.WAITING).update(
        state=Job.State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), worker=this_worker()
    )
    job.refresh_from_db()
    if not started:  # cancelled while waiting, or already taken
        return job
    progress = Progress(job, limit=time_limit(job.kind))
    heartbeat = Heartbeat(job, progress.cancelled) if WORKER["running"] else None
    try:
        HANDLERS[job.kind](job, progress)
    except JobStopped as error:
        job.state, job.error = (
            Job.State.CANCELLED if progress.cancelled.is_set() else Job.State.FAILED,
            str(error),
        )
    except JobError as error:
        job.state, job.error = Job.State.FAILED, str(error)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.state = Job.State.FAILED
        job.error = (
            f"Erreur inattendue (référence {job.pk}) : elle est enregistrée dans le journal de la "
            "plateforme ; signalez cette référence à son équipe technique."
        )
    else:
        job.state = Job.State.DONE
    finally:
        progress.close()
        if heartbeat is not None:
            heartbeat.stop()
    job.step, job.done, job.total = progress.text[:300], progress.done, progress.total
    job.finished_at = timezone.now()
    job.save()
    return job


class Heartbeat:
    """A thread that writes the job's heartbeat every HEARTBEAT_SECONDS and reads whether
    someone asked to cancel it (with its own database connection: the work's transaction
    hides nothing from it)."""

    def __init__(self, job: Job, cancelled: threading.Event):
        self.job_id, self.cancelled = job.pk, cancelled
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name=f"heartbeat-{job.pk}", daemon=True)
        self.thread.start()

    def run(self) -> None:
        try:
            while not self.stopping.wait(HEARTBEAT_SECONDS):
                beat(self.job_id, self.cancelled)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(HEARTBEAT_SECONDS)


def beat(job_id, cancelled: threading.Event) -> None:
    """One heartbeat: the job is alive; a cancellation asked for is heard."""
    try:
        Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(heartbeat_at=timezone.now())
        if Job.objects.filter(pk=job_id, cancel_requested=True).exists():
            cancelled.set()
    except DatabaseError:  # SQLite busy with the job's own write: next beat
        logger.info("heartbeat of job %s skipped (database busy)", job_id)


def cancel(job: Job) -> bool:
    """Asks to cancel a job: a waiting job is cancelled at once, a running one at its next
    checkpoint. False when it has already ended."""
    if job.finished:
        return False
    with transaction.atomic():
        waiting = Job.objects.filter(pk=job.pk, state=Job.State.WAITING).update(
            state=Job.State.CANCELLED,
            finished_at=timezone.now(),
            error="Travail annulé à votre demande avant son début.",
        )
        if not waiting:
            Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(cancel_requested=True)
    job.refresh_from_db()
    return True


DEAD_WORKER = (
    "Le processus qui exécutait ce travail s'est arrêté (redémarrage ou incident du serveur) ; "
    "rien n'a été enregistré. Relancez-le."
)


def fail_dead_jobs(*, on_this_host: bool = False) -> int:
    """Running jobs whose worker is gone are failed: those whose heartbeat stopped, and, when
    a worker starts (`on_this_host`), those of this host whose process no longer exists."""
    now = timezone.now()
    dead = Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    ids = set(dead.values_list("pk", flat=True))
    if on_this_host:
        host = socket.gethostname()
        for pk, worker in Job.objects.filter(
            state=Job.State.RUNNING, worker__startswith=f"{host}:"
        ).values_list("pk", "worker"):
            if not process_alive(int(worker.rsplit(":", 1)[1] or 0)):
                ids.add(pk)
    return Job.objects.filter(pk__in=ids, state=Job.State.RUNNING).update(
        state=Job.State.FAILED, error=DEAD_WORKER, finished_at=now
    )


def process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cli_progress() -> Progress:
    """A bar on the standard error for the management commands."""
    return Progress(stream=sys.stderr, every=0.2)


MAIL = "courriel"


@handler(MAIL)
def mail_job(job: Job, progress: Progress) -> None:
    """A notification: sent by the worker, retried by running the job again if the mail
    server refused it (the failure is on the job's page)."""
    progress.step("Envoi du courriel")
    data = job.payload
    try:
        send_mail(data["subject"], data["body"], None, data["to"])
    except OSError as error:
        raise JobError(f"Le serveur de courriel a refusé l'envoi ({error.__class__.__name__}).") from error
    job.result = {"message": "Courriel envoyé à " + ", ".join(data["to"]) + "."}


@housekeeping
def fail_stale_jobs() -> int:
    return fail_dead_jobs()
