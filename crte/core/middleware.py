import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

logger = logging.getLogger("crte")


def permissions_policy(get_response):
    """The Permissions-Policy header: no camera, microphone, location… for any page."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def french_error_pages(get_response):
    """With debug on (the demonstration), a missing page, a refusal or a failure still
    shows the French DSFR page people see in production; developers read the traceback in
    the log. Without debug, Django renders the same templates by itself."""

    def middleware(request):
        response = get_response(request)
        technical = (
            settings.DEBUG
            and response.status_code == 404
            and not getattr(response, "french_page", False)
            and response.get("Content-Type", "").startswith("text/html")
        )
        return page(request, "404.html", 404) if technical else response  # an unknown address

    def page(request, template, status, exception=None):
        response = render(request, template, {"exception": str(exception or "")}, status=status)
        response.french_page = True
        return response

    def process_exception(request, exception):
        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return page(request, "404.html", 404, exception)
        if isinstance(exception, PermissionDenied):
            return page(request, "403.html", 403, exception)
        if settings.DEMO_MODE:
            logger.exception("Erreur sur %s", request.path, exc_info=exception)
            return page(request, "500.html", 500)
        return None

    middleware.process_exception = process_exception
    return middleware
