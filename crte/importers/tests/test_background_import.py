"""A large file is previewed and written by a worker (a real `db_worker` on the test
database), the page follows it, and the preview is shown a page at a time."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crte.actions.models import Action
from crte.core.models import Job
from crte.core.tests.worker import run_worker
from crte.importers.tests.sheets import write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["Porteur", "Intitulé", "Coût HT", "Financeur", "Montant sollicité"]
ROWS = [HEADER] + [
    ["Commune d'Auchel", f"Rénovation du bâtiment n° {n:03d}", f"{1000 + n} €", "DSIL", "500 €"]
    for n in range(1, 251)
]


@pytest.fixture(autouse=True)
def queue(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def read_rows(html: str) -> str:
    """The table of actions read and its pagination (the report above names actions too)."""
    return html.split('data-testid="import-rows"', 1)[1]


def test_a_large_file_is_previewed_then_written_by_a_worker(client, manager, contract, tmp_path):
    client.force_login(manager)
    path = write_xlsx(tmp_path / "programmation.xlsx", ROWS)
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    sent = client.post(reverse("importers:upload", args=[contract.slug]), data)
    job = Job.objects.get(kind="apercu-import")
    assert sent.status_code == 302 and sent["Location"] == job.get_absolute_url()
    waiting = client.get(job.get_absolute_url()).content.decode()
    assert "En file d&#x27;attente" in waiting and "<progress" in waiting
    run_worker()

    preview = client.get(job.get_absolute_url())
    html = preview.content.decode()
    assert "Rien n'est encore enregistré" in html and "Actions lues (250)" in html
    rows = read_rows(html)
    assert "Rénovation du bâtiment n° 001" in rows and "n° 101" not in rows
    assert "1 / 3" in rows  # a hundred actions a page
    last = read_rows(client.get(job.get_absolute_url(), {"actions": 3}).content.decode())
    assert "Rénovation du bâtiment n° 250" in last and "n° 001" not in last
    assert not Action.objects.exists()

    token = preview.context["token"]
    confirmed = client.post(reverse("importers:confirm", args=[contract.slug, token]))
    write = Job.objects.get(kind="import")
    assert confirmed["Location"] == write.get_absolute_url()
    run_worker()
    write.refresh_from_db()
    assert write.state == Job.State.DONE and write.total == 250 and write.done == 250
    page = client.get(write.get_absolute_url()).content.decode()
    assert "Import de « programmation.xlsx » terminé : 501 élément(s) créé(s)" in page
    assert Action.objects.filter(contract=contract).count() == 250
    created = Action.history.filter(contract_id=contract.pk, history_type="+")
    assert created.count() == 250 and set(created.values_list("history_user", flat=True)) == {manager.pk}
    # The file is gone with the import: the same token cannot be confirmed again.
    assert client.post(reverse("importers:confirm", args=[contract.slug, token])).status_code == 404


def test_htmx_is_sent_to_the_job_page(client, manager, contract, tmp_path):
    client.force_login(manager)
    path = write_xlsx(tmp_path / "programmation.xlsx", ROWS[:3])
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    sent = client.post(
        reverse("importers:upload", args=[contract.slug]), data, headers={"HX-Request": "true"}
    )
    assert sent.status_code == 204
    assert sent["HX-Redirect"] == Job.objects.get().get_absolute_url()


def test_a_file_gone_before_the_worker_runs_fails_in_french(client, manager, contract, tmp_path):
    client.force_login(manager)
    path = write_xlsx(tmp_path / "programmation.xlsx", ROWS[:3])
    client.post(
        reverse("importers:upload", args=[contract.slug]),
        {"file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    for stored in (tmp_path / "uploads").iterdir():
        stored.unlink()
    run_worker()
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert "plus disponible : déposez-le à nouveau" in client.get(job.get_absolute_url()).content.decode()
