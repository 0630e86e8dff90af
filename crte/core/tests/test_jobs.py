"""Background work: jobs queued in the database, run by a real `db_worker`, followed on
their page; failures told in French; progress drawn in the CLI."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from crte.core import jobs
from crte.core.models import Job
from crte.core.tests.factories import UserFactory
from crte.core.tests.worker import run_worker

pytestmark = pytest.mark.django_db

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@jobs.handler("essai-comptage")
def count_job(job, progress):
    progress.step("Comptage", job.payload["n"])
    for _ in range(job.payload["n"]):
        progress.advance()
    job.result = {"message": f"{job.payload['n']} comptés", "next_url": "/"}


@jobs.handler("essai-refus")
def refused_job(job, progress):
    raise jobs.JobError("Le fichier est illisible (ligne 3, colonne B).")


@jobs.handler("essai-panne")
def broken_job(job, progress):
    raise ZeroDivisionError("secret interne")


@jobs.handler("essai-fichier")
def file_job(job, progress):
    job.output.save("rapport.csv", ContentFile(b"a;b\n"), save=False)
    job.output_name = "rapport.csv"


def test_a_queued_job_waits_for_a_worker_then_runs(settings):
    settings.TASKS = QUEUE
    user = UserFactory()
    job = jobs.start("essai-comptage", "Comptage", user=user, payload={"n": 7})
    job.refresh_from_db()
    assert job.state == Job.State.WAITING and job.task_id
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert (job.step, job.done, job.total) == ("Comptage", 7, 7)
    assert job.result["message"] == "7 comptés"
    assert job.started_at <= job.finished_at


def test_failures_are_told_in_french_and_never_as_a_traceback(settings):
    settings.TASKS = QUEUE
    refused = jobs.start("essai-refus", "Refus")
    broken = jobs.start("essai-panne", "Panne")
    run_worker()
    refused.refresh_from_db(), broken.refresh_from_db()
    assert refused.state == broken.state == Job.State.FAILED
    assert refused.error == "Le fichier est illisible (ligne 3, colonne B)."
    assert "secret" not in broken.error and str(broken.pk) in broken.error
    assert broken.error.startswith("Erreur inattendue")


def test_an_unknown_kind_is_refused_before_anything_is_queued():
    with pytest.raises(ValueError):
        jobs.start("inconnu", "?")
    assert not Job.objects.exists()


def test_progress_is_written_at_most_every_interval_and_never_inside_a_transaction():
    job = Job.objects.create(kind="essai-comptage", label="x")
    progress = jobs.Progress(job, every=3600)
    progress.step("Lecture", 10)  # a step is always written
    progress.advance(4)  # within the interval: kept in memory
    job.refresh_from_db()
    assert (job.step, job.done, job.total) == ("Lecture", 0, 10)
    progress.flush(force=True)
    job.refresh_from_db()
    assert job.done == 4
    with transaction.atomic():
        progress.step("Écriture", 5)
    job.refresh_from_db()
    assert job.step == "Lecture"  # nobody else could have read it from inside the transaction
    progress.advance(99)
    assert progress.done == 5  # never beyond the total


def test_the_cli_bar_shows_the_step_and_the_share_done():
    stream = io.StringIO()
    progress = jobs.Progress(stream=stream, every=0)
    progress.step("Écriture des actions", 4)
    progress.advance(1)
    assert "[#######-----------------------]  25 % Écriture des actions" in stream.getvalue()
    progress.advance(3)
    assert "[##############################] 100 %" in stream.getvalue()


def test_the_job_page_follows_the_job_and_reloads_when_it_ends(client, settings):
    settings.TASKS = QUEUE
    user = UserFactory()
    job = jobs.start("essai-comptage", "Comptage des lignes", user=user, payload={"n": 3})
    client.force_login(user)
    page = client.get(job.get_absolute_url())
    assert (
        'data-state="attente"' in page.content.decode() and 'hx-trigger="every 1s"' in page.content.decode()
    )
    polled = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert "HX-Refresh" not in polled
    run_worker()
    polled = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "3 comptés" in page and "every 1s" not in page


def test_a_job_is_seen_and_downloaded_only_by_who_started_it(client):
    owner, other = UserFactory(), UserFactory()
    job = jobs.start("essai-fichier", "Fichier", user=owner, background=False)
    client.force_login(other)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404
    client.force_login(owner)
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"a;b\n"
    assert 'filename="rapport.csv"' in download["Content-Disposition"]


# --- jobs that end: time limits, cancellation, dead workers -------------------------------------


@jobs.handler("essai-long", minutes=1)
def long_job(job, progress):
    progress.step("Lecture", 1_000_000)
    for _ in range(1_000_000):
        progress.advance()
    job.result = {"message": "jamais"}


def test_a_job_past_its_time_limit_is_failed_with_a_french_reason(settings, monkeypatch):
    settings.TASKS = QUEUE
    clock = iter(range(0, 10_000_000, 7))  # each reading of the clock, 7 s later
    monkeypatch.setattr(jobs.time, "monotonic", lambda: next(clock))
    job = jobs.start("essai-long", "Long", user=UserFactory())
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "durée limite de 1 minutes" in job.error and "rien n'a été enregistré" in job.error
    assert job.result == {}


def test_each_kind_has_its_time_limit_else_the_setting(settings):
    settings.JOB_TIME_LIMIT_MINUTES = 42
    assert jobs.time_limit("essai-long").total_seconds() == 60
    assert jobs.time_limit("essai-comptage").total_seconds() == 42 * 60


def test_a_waiting_job_cancelled_by_its_owner_never_runs(client, settings):
    settings.TASKS = QUEUE
    user = UserFactory()
    job = jobs.start("essai-comptage", "Comptage", user=user, payload={"n": 3})
    client.force_login(user)
    client.post(reverse("core:job_cancel", args=[job.pk]))
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED and job.result == {}
    assert "Travail annulé" in client.get(job.get_absolute_url()).content.decode()


def test_only_its_owner_cancels_a_job(client, settings):
    settings.TASKS = QUEUE
    job = jobs.start("essai-comptage", "Comptage", user=UserFactory(), payload={"n": 3})
    client.force_login(UserFactory())
    assert client.post(reverse("core:job_cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == Job.State.WAITING


def test_a_running_job_hears_its_cancellation_at_the_next_beat_and_stops(settings):
    job = Job.objects.create(kind="essai-long", label="Long", state=Job.State.RUNNING)
    progress = jobs.Progress(job)
    assert jobs.cancel(job)
    progress.advance()  # nothing heard yet: the heartbeat has not beaten
    jobs.beat(job.pk, progress.cancelled)
    with pytest.raises(jobs.JobStopped, match="annulé à votre demande"):
        progress.advance()


def test_a_job_whose_worker_process_died_is_failed_when_a_worker_starts():
    dead = Job.objects.create(
        kind="essai-long", label="Mort", state=Job.State.RUNNING, worker=f"{jobs.socket.gethostname()}:999999"
    )
    alive = Job.objects.create(
        kind="essai-long", label="Vivant", state=Job.State.RUNNING, worker=jobs.this_worker()
    )
    elsewhere = Job.objects.create(
        kind="essai-long", label="Ailleurs", state=Job.State.RUNNING, worker="autre:1"
    )
    assert jobs.fail_dead_jobs(on_this_host=True) == 1
    states = dict(Job.objects.values_list("label", "state"))
    assert states == {"Mort": Job.State.FAILED, "Vivant": Job.State.RUNNING, "Ailleurs": Job.State.RUNNING}
    dead.refresh_from_db()
    assert "s'est arrêté" in dead.error and dead.finished_at
    assert alive and elsewhere


def test_a_job_whose_heartbeat_stopped_is_shown_failed_not_running(client):
    user = UserFactory()
    stale = timezone.now() - jobs.STALE_AFTER - timedelta(seconds=1)
    job = Job.objects.create(
        kind="essai-long", label="Orphelin", user=user, state=Job.State.RUNNING, heartbeat_at=stale
    )
    client.force_login(user)
    page = client.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "Relancez-le" in page


def test_the_worker_command_fails_the_jobs_a_dead_worker_left(settings):
    settings.TASKS = QUEUE
    Job.objects.create(
        kind="essai-long", label="Mort", state=Job.State.RUNNING, worker=f"{jobs.socket.gethostname()}:999999"
    )
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("worker", batch=True, no_startup_delay=True, interval=0.1, verbosity=0)
    assert Job.objects.get().state == Job.State.FAILED
    jobs.WORKER["running"] = False
