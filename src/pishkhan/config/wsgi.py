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
# A request allocates many short-lived containers (a batch of 1,000 transactions, some 200,000): at the
# default threshold of 700 the youngest generation is collected about 300 times a batch, and each
# older collection walks everything alive meanwhile, 5-7 ms a batch in all; at 10,000, under 1 ms.
gc.set_threshold(10_000, 10, 10)
