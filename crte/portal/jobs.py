"""The open data of a whole perimeter (up to every contract of the instance) as a job:
the data package written a resource at a time, zipped, kept on the job for download."""

import tempfile
import zipfile
from pathlib import Path

from django.core.files import File

from crte.contracts.models import Contract
from crte.core import jobs
from crte.core.models import Job
from crte.portal.exports import RESOURCES, write_all

EXPORT = "export-perimetre"


@jobs.handler(EXPORT)
def export_job(job: Job, progress) -> None:
    user = job.user
    if user is None or not user.has_perimeter:
        raise jobs.JobError("Export réservé aux accès départementaux, régionaux ou nationaux.")
    contracts = Contract.objects.in_perimeter_of(user)
    progress.step("Export des fichiers", len(RESOURCES))
    with tempfile.TemporaryDirectory(prefix="crte-export-") as scratch:
        folder = Path(scratch) / "donnees"
        count = write_all(folder, contracts, progress=lambda name: progress.advance())
        progress.step("Compression")
        archive = Path(scratch) / "export.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(folder.iterdir()):
                bundle.write(path, path.name)
        name = f"crte-donnees-ouvertes-{job.created_at:%Y-%m-%d}.zip"
        with archive.open("rb") as handle:
            job.output.save(f"{job.pk}.zip", File(handle), save=False)
    job.output_name = name
    job.result = {"message": f"{count} contrat(s) exporté(s) : paquet de données et projets-territoire.csv."}
