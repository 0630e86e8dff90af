from django.conf import settings


def permissions_policy(get_response):
    """The Permissions-Policy header: no camera, microphone, location… for any page."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
