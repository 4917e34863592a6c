"""The public "find an office near me" search over the national demo network (13,000 offices).

Run by hand:  .venv/bin/python benchmarks/bench_near_me.py [--data-dir DIR]
With no --data-dir it builds a fresh demo installation in a temporary directory first (~30 s). It
times ``offices_near`` for services delivered by many and by few kinds of office at points across
the country, beside its floor: one indexed bounding-box query of the same area that returns the rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

POINTS = {
    "Tehran": (35.70, 51.40),
    "Mashhad": (36.30, 59.60),
    "rural Sistan": (29.10, 61.40),
    "Caspian coast": (37.30, 49.60),
}
SERVICES = ["sabt.birth-certificate-copy", "tamin.insurance-record", "salamat.rural-insurance"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    data_dir = parser.parse_args().data_dir
    if data_dir is None:
        data_dir = tempfile.mkdtemp(prefix="pishkhan-bench-")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PISHKHAN_", "DJANGO_"))}
        subprocess.run([sys.executable, "-m", "pishkhan", "up", "--no-serve", "--data-dir", data_dir],
                       env=env, check=True, capture_output=True)  # fmt: skip
    os.environ.update(PISHKHAN_DEMO="1", PISHKHAN_DATA_DIR=data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
    import django

    django.setup()
    from pishkhan.offices.locations import bounding_box
    from pishkhan.offices.models import Office
    from pishkhan.offices.selectors import offices_near

    print(f"offices: {Office.objects.count():,}")
    for service in SERVICES:
        for name, (lat, lon) in POINTS.items():
            samples, floor = [], []
            for _ in range(20):
                started = time.perf_counter()
                found = offices_near(service_code=service, lat=lat, lon=lon, limit=10)
                samples.append((time.perf_counter() - started) * 1000)
                south, north, west, east = bounding_box(
                    lat, lon, max(found[-1].distance_km, 1) if found else 50
                )
                started = time.perf_counter()
                list(
                    Office.objects.filter(lat__range=(south, north), lon__range=(west, east)).values_list(
                        "pk"
                    )
                )
                floor.append((time.perf_counter() - started) * 1000)
            nearest = f"{found[0].distance_km:.1f} km" if found else "none"
            print(
                f"{service:<30} {name:<14} median {statistics.median(samples):5.1f} ms  "
                f"max {max(samples):5.1f} ms  floor {statistics.median(floor):4.1f} ms  nearest {nearest}"
            )


if __name__ == "__main__":
    main()
