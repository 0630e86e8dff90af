"""Import from the browser: upload, preview (a dry run: parsed rows and quality report),
then confirm. The file waits on disk (owner-only) under a random token kept in the user's
session; the web process never parses it: every step is a job for the worker, whose page
follows its progress and then shows the preview or the result."""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crte.contracts.models import Contract
from crte.contracts.perms import can_manage_contract
from crte.core import jobs
from crte.core.perms import get_for_user
from crte.importers.understand.mapping import changed_choices
from crte.importers.web import jobs as import_jobs
from crte.importers.web.forms import TerritoryForm, UploadForm, ValuesForm

SESSION_KEY = "pending_imports"


@login_required
def upload(request, slug):
    contract = get_for_user(Contract.objects.all(), request.user, slug=slug, check=can_manage_contract)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token, path = store_upload(form.cleaned_data["file"])
        name = form.cleaned_data["file"].name
        request.session.setdefault(SESSION_KEY, {})[token] = {
            "slug": slug,
            "path": str(path),
            "name": name,
            "territory": form.cleaned_data["territory"],
        }
        request.session.modified = True
        return preview(request, contract, token)
    return render(request, "importers/upload.html", {"contract": contract, "form": form})


@login_required
@require_POST
def choose_territory(request, slug, token):
    """The import could not tell which grouping the contract is for: the user says it (a
    SIREN chosen in the national list), and the preview runs again on the same file."""
    contract = get_for_user(Contract.objects.all(), request.user, slug=slug, check=can_manage_contract)
    pending = pending_import(request, slug, token)
    form = TerritoryForm(request.POST)
    if form.is_valid():
        pending["territory"] = form.cleaned_data["territory"]
        request.session.modified = True
    return preview(request, contract, token)


@login_required
@require_POST
def map_columns(request, slug, token):
    """The preview's column form: what the person changed is kept with the pending import
    (and with the contract once confirmed), and the preview runs again."""
    contract = get_for_user(Contract.objects.all(), request.user, slug=slug, check=can_manage_contract)
    pending = pending_import(request, slug, token)
    posted = []
    for i in range(min(int_or_zero(request.POST.get("colonnes")), MAX_COLUMNS)):
        posted.append(
            tuple(request.POST.get(f"{part}_{i}", "") for part in ("entete", "champ", "financeur", "lu"))
        )
    chosen = pending.setdefault("columns", {})
    chosen.update({key: [c.meaning, c.funder] for key, c in changed_choices(posted).items()})
    request.session.modified = True
    return preview(request, contract, token)


MAX_COLUMNS = 500
MAX_FIGURES = 1000


def int_or_zero(text) -> int:
    return int(text) if str(text or "").isdigit() else 0


def preview(request, contract, token):
    """The dry run, as a job on the worker; its page shows the preview when it ends."""
    pending = request.session[SESSION_KEY][token]
    label = f"Aperçu de l'import de « {pending['name']} »"
    return follow(request, start(request, import_jobs.PREVIEW, label, pending, contract.slug, token))


def start(request, kind: str, label: str, pending: dict, slug: str, token: str, **extra):
    """The preview or the write of a pending import, as a job on the worker."""
    payload = import_jobs.payload_of(pending, slug, token, **extra)
    return jobs.start(kind, label, user=request.user, payload=payload)


def follow(request, job):
    """To the job's page (htmx follows the redirect with a full page)."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = job.get_absolute_url()
        return response
    return redirect(job)


def pending_import(request, slug, token) -> dict:
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if not pending or pending["slug"] != slug or not Path(pending["path"]).exists():
        raise Http404("Import expiré : déposez le fichier à nouveau.")
    return pending


@login_required
@require_POST
def confirm(request, slug, token):
    contract = get_for_user(Contract.objects.all(), request.user, slug=slug, check=can_manage_contract)
    pending = pending_import(request, slug, token)
    label = f"Import de « {pending['name']} » dans {contract.name}"
    removing = request.POST.get("remove_missing") == "on"
    # the figures the person kept, when the preview listed them (else all, as the command line)
    chosen = [key[:100] for key in request.POST.getlist("chiffre")[:MAX_FIGURES]]
    figures = chosen if request.POST.get("chiffres") == "on" else None
    job = start(
        request, import_jobs.WRITE, label, pending, slug, token, remove_missing=removing, figures=figures
    )
    request.session[SESSION_KEY].pop(token, None)
    request.session.modified = True
    return follow(request, job)


def store_upload(upload) -> tuple[str, Path]:
    """The upload on disk, readable by the platform's user only (0600, in a 0700 folder)."""
    directory = Path(settings.IMPORT_UPLOAD_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    path = directory / f"{token}{Path(upload.name).suffix.lower()}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return token, path


@jobs.housekeeping
def remove_stale_uploads() -> int:
    """Files left by imports never confirmed go after IMPORT_UPLOAD_MAX_AGE (each worker
    looks every few minutes)."""
    directory = Path(settings.IMPORT_UPLOAD_DIR)
    if not directory.is_dir():
        return 0
    limit = time.time() - settings.IMPORT_UPLOAD_MAX_AGE.total_seconds()
    removed = 0
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


@login_required
def values_upload(request, slug):
    """Indicator values from a spreadsheet: all or nothing, with the report."""
    contract = get_for_user(Contract.objects.all(), request.user, slug=slug, check=can_manage_contract)
    form = ValuesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _, path = store_upload(form.cleaned_data["file"])
        name = form.cleaned_data["file"].name
        job = jobs.start(
            import_jobs.VALUES,
            f"Import des valeurs d'indicateurs de « {name} »",
            user=request.user,
            payload={"slug": slug, "path": str(path), "name": name},
        )
        return follow(request, job)
    return render(request, "importers/values_upload.html", {"contract": contract, "form": form})
