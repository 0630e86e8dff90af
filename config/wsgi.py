import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
if settings.SECRET_KEY_REQUIRED:  # never serve with the development key
    raise ImproperlyConfigured(settings.SECRET_KEY_MESSAGE)
