"""Background work on a real queue (django-tasks, database backend: the embedded SQLite
or PostgreSQL, as many `crte db_worker` processes as wanted, on as many machines as share
the database and the media storage).

A `Job` row is what people follow: its state, its step, its progress, what it produced.
Apps register what each kind of job does (`handler`), and optionally how a finished job
is shown (`page`); one task, `run_job`, runs any of them. Small work runs inline through
the same code (`start(..., background=False)`), so a page behaves the same either way.
"""

import logging
import sys
import time
from collections.abc import Callable

from django.core.mail import send_mail
from django.db import connection
from django.utils import timezone
from django_tasks import task

from crte.core.models import Job

logger = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[[Job, "Progress"], None]] = {}
PAGES: dict[str, Callable] = {}


class JobError(Exception):
    """A failure to tell people as is (French, says what and where)."""


def handler(kind: str):
    """Registers what a kind of job does: `function(job, progress)`; it fills `job.result`
    or `job.output`, or raises JobError."""

    def register(function):
        HANDLERS[kind] = function
        return function

    return register


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

    def __init__(self, job: Job | None = None, stream=None, every: float = 0.5):
        self.job, self.stream, self.every = job, stream, every
        self.text, self.done, self.total = "", 0, 0
        self.last = 0.0
        # Transactions opened by the work itself hide what is written from everyone else.
        self.depth = len(connection.atomic_blocks)

    def step(self, text: str, total: int = 0) -> None:
        self.text, self.done, self.total = text, 0, max(0, int(total))
        self.flush(force=True)

    def advance(self, count: int = 1) -> None:
        self.done = min(self.done + count, self.total) if self.total else self.done + count
        self.flush()

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
    job's reference, never as a traceback."""
    job.state, job.started_at = Job.State.RUNNING, timezone.now()
    job.save(update_fields=["state", "started_at"])
    progress = Progress(job)
    try:
        HANDLERS[job.kind](job, progress)
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
    job.step, job.done, job.total = progress.text[:300], progress.done, progress.total
    job.finished_at = timezone.now()
    job.save()
    return job


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
