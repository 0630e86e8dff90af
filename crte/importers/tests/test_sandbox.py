"""Untrusted files are read by the worker in a bounded child process: every crafted file of
the hostile corpus is refused within the limits, with a French message naming the limit;
the web process only stores the upload; CSVs are decoded by detection."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crte.actions.models import Action
from crte.core.models import Job
from crte.importers.pipeline import import_source
from crte.importers.read import Limits, Reader, ReadError, Stopped, TooCostly, sandbox
from crte.importers.tests.hostile import CORPUS
from crte.importers.tests.sheets import write_csv

pytestmark = pytest.mark.django_db
LIMITS = Limits(memory_bytes=256 * 1024**2, cpu_seconds=8, wall_seconds=20)
HEADER = ["Maître d'ouvrage", "Intitulé du projet", "Coût HT", "Financeur", "Montant sollicité"]


@pytest.fixture
def small_limits(settings):
    settings.READ_MEMORY_MB = LIMITS.memory_bytes // 1024**2
    settings.READ_CPU_SECONDS = LIMITS.cpu_seconds
    settings.READ_WALL_SECONDS = LIMITS.wall_seconds


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_crafted_file_is_refused_within_the_limits(name, tmp_path, contract, small_limits):
    path = tmp_path / name
    path.write_bytes(CORPUS[name]())
    started = time.monotonic()
    result = import_source(path=path, slug=contract.slug)
    elapsed = time.monotonic() - started
    assert result.report.errors, result.report.entries
    assert all(e.message for e in result.report.errors)
    assert not result.report.written and not Action.objects.exists()
    assert elapsed < LIMITS.wall_seconds + 5


def spin(_path):
    while True:
        pass


def nap(_path):
    time.sleep(60)


def test_a_reader_past_its_cpu_time_is_stopped_with_the_limit_named(tmp_path):
    started = time.monotonic()
    with pytest.raises(TooCostly, match="plus de 1 secondes de calcul"):
        sandbox.run(spin, tmp_path, name="boucle.pdf", limits=Limits(cpu_seconds=1, wall_seconds=30))
    assert time.monotonic() - started < 15


def test_a_reader_that_waits_is_stopped_at_the_wall_clock_limit(tmp_path):
    with pytest.raises(TooCostly, match="n'est pas terminée après 1 secondes"):
        sandbox.run(nap, tmp_path, name="attente.pdf", limits=Limits(wall_seconds=1))


def test_a_cancelled_job_stops_the_reading_at_once(tmp_path):
    calls = []

    def stop_soon():
        calls.append(1)
        return len(calls) > 2

    started = time.monotonic()
    with pytest.raises(Stopped):
        sandbox.run(nap, tmp_path, name="long.pdf", limits=Limits(wall_seconds=60), should_stop=stop_soon)
    assert time.monotonic() - started < 5


def test_a_checkpoint_that_raises_stops_the_reader_and_its_child(tmp_path):
    class Cancelled(Exception):
        pass

    def checkpoint():
        raise Cancelled

    reader = Reader(Limits(wall_seconds=60), checkpoint)
    path = tmp_path / "contrat.txt"
    path.write_text("Contrat")
    with pytest.raises(Cancelled):
        reader.document(path, "contrat.txt")


def test_a_reader_error_keeps_its_french_message(tmp_path):
    path = tmp_path / "vide.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF")
    with pytest.raises(ReadError, match="PDF est illisible"):
        Reader(LIMITS).document(path, "vide.pdf")


def test_a_shift_jis_csv_is_decoded_and_its_encoding_named(tmp_path, contract):
    path = tmp_path / "programme.csv"
    rows = [HEADER, ["Commune d'Auchel", "Piste cyclable 自転車道", "1000 €", "DSIL", "500 €"]]
    path.write_bytes("\n".join(";".join(r) for r in rows).encode("shift_jis", errors="ignore"))
    result = import_source(path=path, slug=contract.slug, dry_run=True)
    assert [a.title for a in result.plan.actions] == ["Piste cyclable 自転車道"]
    assert any(e.code == "encodage" and "Shift-JIS" in e.message for e in result.report.entries)


def test_a_utf16_csv_from_excel_is_read(tmp_path, contract):
    path = tmp_path / "programme.csv"
    rows = [HEADER, ["Commune d'Auchel", "Rénovation de l'école", "1000 €", "DSIL", "500 €"]]
    path.write_bytes("\n".join("\t".join(r) for r in rows).encode("utf-16"))
    result = import_source(path=path, slug=contract.slug, dry_run=True)
    assert [a.title for a in result.plan.actions] == ["Rénovation de l'école"]
    assert any("UTF-16" in e.message for e in result.report.entries if e.code == "encodage")


def test_a_windows_1252_csv_keeps_its_accents(tmp_path, contract):
    path = write_csv(
        tmp_path / "p.csv", [HEADER, ["Commune d'Auchel", "Vélo à Béthune", "1000 €", "DSIL", ""]]
    )
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("cp1252"))
    result = import_source(path=path, slug=contract.slug, dry_run=True)
    assert [a.title for a in result.plan.actions] == ["Vélo à Béthune"]


def test_a_binary_file_named_csv_is_refused_not_imported_as_letters(tmp_path, contract):
    path = tmp_path / "binaire.csv"
    path.write_bytes(CORPUS["binaire.csv"]())
    result = import_source(path=path, slug=contract.slug)
    assert [e.code for e in result.report.errors] == ["encodage"]
    assert "CSV UTF-8" in result.report.errors[0].message


def test_the_web_process_stores_the_upload_and_never_reads_it(
    client, manager, contract, tmp_path, settings, monkeypatch
):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def forbidden(*args, **kwargs):
        raise AssertionError("the web process read an uploaded file")

    monkeypatch.setattr(sandbox, "run", forbidden)
    data = {"file": SimpleUploadedFile("contrat.docx", CORPUS["paragraphes-aleatoires.docx"]())}
    client.force_login(manager)
    sent = client.post(reverse("importers:upload", args=[contract.slug]), data)
    job = Job.objects.get()
    assert sent["Location"] == job.get_absolute_url() and job.state == Job.State.WAITING
    stored = list((tmp_path / "uploads").iterdir())
    assert len(stored) == 1 and stored[0].stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "uploads").stat().st_mode & 0o777 == 0o700


def wrapped_memory_error(_path):
    raise RuntimeError("PdfminerException: Unable to allocate output buffer.")


def test_a_memory_ceiling_wrapped_in_a_parsers_error_is_named_as_the_memory_limit(tmp_path):
    with pytest.raises(TooCostly, match="de mémoire"):
        sandbox.run(wrapped_memory_error, tmp_path, name="bombe.pdf", limits=LIMITS)
