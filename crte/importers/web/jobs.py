"""Imports as jobs (crte.core.jobs): the preview (a dry run), the write and indicator values,
always on a worker: the web process stores the upload and never parses it. The preview is
kept as a summary on the job (plain JSON: counts, changes, report entries, actions read)
and shown a page at a time, so a 100 000-row file never makes a 100 000-row page."""

from dataclasses import asdict
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from crte.contracts.models import Contract
from crte.core import jobs
from crte.core.models import Grouping, Job
from crte.importers.pipeline import ImportResult, import_source, reader_for
from crte.importers.understand.figures import fact_key, known_target, target_key
from crte.importers.understand.mapping import CHOICES, Choice
from crte.importers.web.forms import TerritoryForm
from crte.importers.write.values import import_values

PREVIEW, WRITE, VALUES = "apercu-import", "import", "valeurs-indicateurs"
PAGE_SIZE = 100


def payload_of(pending: dict, slug: str, token: str, **extra) -> dict:
    return {
        "slug": slug,
        "token": token,
        "path": pending["path"],
        "name": pending["name"],
        "territory": pending.get("territory", ""),
        "columns": pending.get("columns", {}),
        **extra,
    }


def run(job: Job, progress, *, dry_run: bool) -> ImportResult:
    data = job.payload
    path = Path(data["path"])
    if not path.exists():
        raise jobs.JobError("Le fichier déposé n'est plus disponible : déposez-le à nouveau.")
    return import_source(
        path=path,
        slug=data["slug"],
        name=data["name"],
        dry_run=dry_run,
        territory=data.get("territory", ""),
        remove_missing=bool(data.get("remove_missing")),
        figures=None if data.get("figures") is None else set(data["figures"]),
        columns={key: Choice(*value) for key, value in data.get("columns", {}).items()},
        user=job.user,
        progress=progress,
    )


@jobs.handler(PREVIEW)
def preview_job(job: Job, progress) -> None:
    job.result = summary(run(job, progress, dry_run=True))


@jobs.handler(WRITE)
def write_job(job: Job, progress) -> None:
    result = run(job, progress, dry_run=False)
    job.result = summary(result)
    if result.report.written:
        Path(job.payload["path"]).unlink(missing_ok=True)
        created = sum(result.report.created.values())
        updated = sum(result.report.updated.values())
        job.result["message"] = (
            f"Import de « {job.payload['name']} » terminé : {created} élément(s) créé(s), "
            f"{updated} modifié(s), {len(result.report.warnings)} avertissement(s) à vérifier."
        )
        if result.contract is not None:
            job.result["next_url"] = result.contract.get_absolute_url()
            job.result["next_label"] = "Voir le contrat"


def summary(result: ImportResult) -> dict:
    """What the preview shows, as JSON: numbers as text (exact), places as people read them."""
    report = result.report
    actions = result.plan.actions if result.plan else []
    return {
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "written": report.written,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "asks_territory": any(e.code == "territoire" for e in report.errors),
        "missing": sum(e.code in ("ligne-absente", "action-absente") for e in report.entries),
        "changes": [asdict(c) for c in report.changes],
        "entries": [e.as_dict() for e in report.entries],
        "columns": unique_columns(report.columns),
        "figures": stated_figures(result.plan),
        "actions": [
            {
                "line": action.place.line if action.place else None,
                "title": action.title,
                "orientation": action.orientation,
                "owners": ", ".join(action.owners),
                "amount": None if action.amount is None else str(action.amount),
                "annual": action.amount_basis == "annuel",
                "calendar": action.calendar_text,
                "lines": [
                    {
                        "funder": line.funder or "",
                        "amount": None if line.amount is None else str(line.amount),
                        "share": None if line.share is None else str(line.share),
                    }
                    for line in action.lines
                ],
            }
            for action in actions
        ],
    }


def stated_figures(plan) -> list[dict]:
    """The figures a contract document states, each with its sentence, for a person to accept
    or drop: those in a unit of measure or of a thing commonly counted, and targets the
    national catalogue knows, come accepted."""
    if plan is None:
        return []
    shown = [
        {
            "key": fact_key(fact),
            "kind": "objectif" if fact.is_target else "valeur",
            "name": fact.name,
            "value": str(fact.value),
            "unit": fact.unit,
            "year": fact.year,
            "text": fact.text,
            "known": fact.known,
        }
        for fact in plan.facts
    ]
    return shown + [
        {
            "key": target_key(target.indicator_code),
            "kind": "cible",
            "name": target.name,
            "value": str(target.relative_change),
            "unit": "",
            "year": target.year,
            "text": target.text,
            "known": known_target(target.indicator_code),
        }
        for target in plan.targets
    ]


def unique_columns(columns) -> list[dict]:
    """One row per column title (sheets of one layout share their titles)."""
    seen, shown = set(), []
    for column in columns:
        if column.key not in seen:
            seen.add(column.key)
            shown.append({**asdict(column), "key": column.key})
    return shown


def render_preview(request, job: Job, *, status: int = 200):
    """The preview (or a refused write) from the job's summary, a page of actions and a
    page of report entries at a time."""
    data, result = job.payload, job.result
    contract = Contract.objects.filter(slug=data["slug"]).first()
    context = {
        "job": job,
        "contract": contract,
        "s": result,
        "token": data["token"],
        "name": data["name"],
        "choices": CHOICES,
        "actions_page": Paginator(result.get("actions", []), PAGE_SIZE).get_page(request.GET.get("actions")),
        "entries_page": Paginator(result.get("entries", []), PAGE_SIZE).get_page(request.GET.get("rapport")),
    }
    if result.get("asks_territory"):
        context["territory_form"] = TerritoryForm()
        context["groupings"] = Grouping.objects.filter(is_current=True).order_by("name")
    template = "importers/_preview.html" if request.htmx else "importers/preview.html"
    return render(request, template, context, status=status)


@jobs.page(PREVIEW)
def preview_page(request, job: Job):
    return render_preview(request, job)


@jobs.page(WRITE)
def write_page(request, job: Job):
    if job.result.get("errors"):
        return render_preview(request, job)
    return render(request, "core/job.html", {"job": job})


@jobs.handler(VALUES)
def values_job(job: Job, progress) -> None:
    """Indicator values from a spreadsheet: all or nothing, with the report."""
    data = job.payload
    path = Path(data["path"])
    contract = Contract.objects.filter(slug=data["slug"]).first()
    if contract is None or not path.exists():
        raise jobs.JobError("Le fichier déposé n'est plus disponible : déposez-le à nouveau.")
    progress.step(f"Lecture de « {data['name']} »")
    try:
        report = import_values(
            contract=contract, path=path, name=data["name"], user=job.user, reader=reader_for(progress)
        )
    finally:
        path.unlink(missing_ok=True)
    created, updated = report.created.get("valeur", 0), report.updated.get("valeur", 0)
    job.result = {
        "written": report.written,
        "entries": [e.as_dict() for e in report.entries],
        "message": f"Valeurs importées : {created} nouvelle(s), {updated} corrigée(s)."
        if report.written
        else "",
    }


@jobs.page(VALUES)
def values_page(request, job: Job):
    contract = Contract.objects.filter(slug=job.payload["slug"]).first()
    if job.result.get("written"):
        messages.success(request, job.result["message"])
        return redirect("indicators:indicator_list", slug=job.payload["slug"])
    return render(request, "importers/values_result.html", {"job": job, "contract": contract})
