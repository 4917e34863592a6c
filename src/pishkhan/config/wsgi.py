"""WSGI entry point, served by granian (``pishkhan up``) or any WSGI server.

Django's application, with the counter's fast lane in front (``transactions.lane``: offices' systems
posting transactions skip Django's request cycle; everything else, and every refusal, goes through it).
"""

import gc
import os
from importlib import import_module

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402 (configured above)

from pishkhan.transactions.lane import counter_lane  # noqa: E402 (needs the apps loaded)

application = counter_lane(django_application)

# What is loaded by now lives as long as the process. The URLconf (every view, the API's schemas) is
# imported here rather than by the first request, then everything is moved out of the garbage
# collector's reach: otherwise each full collection walks these ~110,000 objects again, about 85 ms once
# every ten batches of 1,000 transactions (benchmarks/README.md).
import_module(settings.ROOT_URLCONF)
gc.freeze()
