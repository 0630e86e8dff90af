"""Work started from a page runs as a job and ends on its page with the file: the open
data of a perimeter, a document."""

import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document

from crte.core.models import Job, PerimeterAccess
from crte.core.tests.factories import UserFactory
from crte.reports.evaluation import create_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def download(client, job) -> bytes:
    response = client.get(reverse("core:job_download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_national_administrator_exports_every_contract_as_a_job(client, action):
    admin = UserFactory()
    PerimeterAccess.objects.create(user=admin, level="national")
    client.force_login(admin)
    assert "Exporter les données ouvertes" in client.get(reverse("reports:rollup")).content.decode()
    response = client.post(reverse("portal:perimeter_export"))
    job = Job.objects.get(kind="export-perimetre")
    assert response["Location"] == job.get_absolute_url()
    assert job.state == Job.State.DONE
    page = client.get(job.get_absolute_url()).content.decode()
    assert "1 contrat(s) exporté(s)" in page and "Télécharger crte-donnees-ouvertes-" in page
    archive = zipfile.ZipFile(io.BytesIO(download(client, job)))
    assert {"actions.csv", "financements.csv", "datapackage.json", "projets-territoire.csv"} <= set(
        archive.namelist()
    )
    assert "Parking relais" in archive.read("actions.csv").decode()


def test_the_export_is_refused_without_a_perimeter(client, manager):
    client.force_login(manager)
    assert client.post(reverse("portal:perimeter_export")).status_code == 403
    assert not Job.objects.exists()


def test_a_document_asked_by_post_is_made_by_a_job_for_its_readers_only(client, contract, manager, outsider):
    report = create_evaluation(contract, 2023)
    url = reverse("reports:evaluation_document", args=[report.pk, "docx"])
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    assert not Job.objects.exists()
    client.force_login(manager)
    job = Job.objects.get(pk=client.post(url)["Location"].split("/")[-2])
    assert job.state == Job.State.DONE and job.output_name == f"evaluation-2023-{contract.slug}.docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(download(client, job))).paragraphs)
    assert str(contract.name) in text
