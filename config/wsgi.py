import gc
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
if settings.SECRET_KEY_REQUIRED:  # never serve with the development key
    raise ImproperlyConfigured(settings.SECRET_KEY_MESSAGE)
# What is loaded now (Django, the apps, their modules) lives as long as the process: kept
# out of the garbage collector's full passes, which otherwise walk it every few requests
# (80 ms on the national roll-up, measured by bench/rollup_page.py).
gc.freeze()
