"""WSGI entry point, served by granian (``pishkhan up``) or any WSGI server.

Django's application, with the counter's fast lane in front (``transactions.lane``: offices' systems
posting transactions skip Django's request cycle; everything else, and every refusal, goes through it).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
django_application = get_wsgi_application()

from pishkhan.transactions.lane import counter_lane  # noqa: E402 (needs the apps loaded)

application = counter_lane(django_application)
