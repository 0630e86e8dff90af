"""The health endpoint that load balancers and platforms poll, and the pages that follow
background work."""

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from crte.core import jobs
from crte.core.forms import LoginForm
from crte.core.models import Job


@never_cache
def health(request):
    """200 when the application answers and its database too; 503 otherwise. No data,
    no session, no login."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"statut": "indisponible", "base": "injoignable"}, status=503)
    return JsonResponse({"statut": "ok", "base": connection.vendor})


def own_job(request, pk) -> Job:
    """A job is seen by the person who started it (and the platform's administrators)."""
    job = get_object_or_404(Job, pk=pk)
    if not request.user.is_superuser and job.user_id != request.user.pk:
        raise Http404("Travail introuvable.")
    return job


@login_required
@never_cache
def job_detail(request, pk):
    """Where a job is: polled by htmx every second while it runs (the page reloads when it
    ends); a finished job is shown by its kind's page, or with its file and its error."""
    job = own_job(request, pk)
    if job.state == Job.State.RUNNING and jobs.fail_dead_jobs():
        job.refresh_from_db()
    if request.htmx:
        response = render(request, "core/_job_status.html", {"job": job})
        if job.finished:
            response["HX-Refresh"] = "true"
        return response
    if job.state == Job.State.DONE and job.kind in jobs.PAGES:
        return jobs.PAGES[job.kind](request, job)
    return render(request, "core/job.html", {"job": job})


@login_required
@require_POST
def job_cancel(request, pk):
    """The person who started a job stops it: at once if it waits, at its next checkpoint
    (a fraction of a second while a file is read, each action while it is written) if it
    runs; nothing it did is kept."""
    job = own_job(request, pk)
    if jobs.cancel(job):
        messages.info(request, "Annulation demandée : le travail s'arrête sans rien enregistrer.")
    return redirect(job)


@login_required
def job_download(request, pk):
    job = own_job(request, pk)
    if job.state != Job.State.DONE or not job.output:
        raise Http404("Ce travail n'a pas produit de fichier.")
    return FileResponse(job.output.open("rb"), as_attachment=True, filename=job.output_name or "export")


@require_POST
def logout_view(request):
    """Signs out here, and at ProConnect too when the session came from it (its
    end-session endpoint, then back to the home page)."""
    provider = ""
    if request.session.get("oidc_id_token") and settings.PROCONNECT_ENABLED:
        provider = import_string(settings.OIDC_OP_LOGOUT_URL_METHOD)(request)
    auth.logout(request)
    return HttpResponseRedirect(provider or resolve_url(settings.LOGOUT_REDIRECT_URL))


class LoginView(auth_views.LoginView):
    """Password sign-in, and the ProConnect button when ProConnect is configured."""

    template_name = "core/login.html"
    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "proconnect": settings.PROCONNECT_ENABLED,
            "proconnect_refused": self.request.GET.get("proconnect") == "refus",
        }
