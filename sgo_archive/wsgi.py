"""WSGI entry point (gunicorn sgo_archive.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sgo_archive.settings")

application = get_wsgi_application()
