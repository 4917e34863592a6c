"""Place search latency over the full geography (~100,000 cities and villages).

Run by hand on SQLite:      .venv/bin/python benchmarks/bench_place_search.py
and on PostgreSQL:          DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
                            .venv/bin/python benchmarks/bench_place_search.py
Loads the geography into the database if missing (a fresh temporary SQLite file by default), then
times `place_search` for typical queries beside its floor: a bare LIKE scan counting matches.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

QUERIES = ["تهران", "كرمانشاه", "میکنند", "آباد", "Arak", "ده", "۱۲", "zzzz-no-match"]


def main() -> None:
    os.environ.setdefault("PISHKHAN_DEMO", "1")
    os.environ.setdefault("PISHKHAN_DATA_DIR", tempfile.mkdtemp(prefix="pishkhan-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from pishkhan.geo.models import Place
    from pishkhan.geo.selectors import geo_is_loaded, place_search
    from pishkhan.geo.services import geo_load

    call_command("migrate", verbosity=0)
    if not geo_is_loaded():
        print(geo_load())
    print(f"database: {connection.vendor}, places: {Place.objects.count():,}")

    def timed(func, repeat=20):
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            func()
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples), max(samples)

    # The floor: one pass over the search column with no ranking and no rows returned.
    median, worst = timed(lambda: Place.objects.filter(search_key__contains="zzzz").count())
    print(f"{'limit: bare LIKE scan':<24} median {median:6.1f} ms  max {worst:6.1f} ms")
    for query in QUERIES:
        median, worst = timed(lambda q=query: list(place_search(q=q, limit=20)))
        print(f"{query:<24} median {median:6.1f} ms  max {worst:6.1f} ms")


if __name__ == "__main__":
    main()
