"""WSGI entry point, served by granian (`jobriver serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobriver.settings")

application = get_wsgi_application()
