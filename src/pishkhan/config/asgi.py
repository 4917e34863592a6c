"""ASGI entry point. WSGI is the served path (faster here, see DESIGN.md §7; and only `config.wsgi` puts
the counter's fast lane in front, ADR 0009); this is for tooling."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
application = get_asgi_application()
