"""WSGI entry point, served by granian (``pishkhan up``) or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
application = get_wsgi_application()
