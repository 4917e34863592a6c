"""How long `pishkhan up` takes to get ready on a fresh SQLite data directory (budget: 60 s).

Run by hand:  .venv/bin/python benchmarks/bench_up.py [--runs 3]
It times `pishkhan up --no-serve` (migrate, load geography, demo users) in a new temporary directory
each run, then once more on the prepared directory (the restart case), and prints the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def _up(data_dir: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PISHKHAN_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pishkhan", "up", "--no-serve", "--data-dir", data_dir],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    fresh, restart = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="pishkhan-bench-") as data_dir:
            fresh.append(_up(data_dir))
            restart.append(_up(data_dir))
    print(f"pishkhan up --no-serve, fresh SQLite:   median {statistics.median(fresh):.1f} s  runs {fresh}")
    print(
        f"pishkhan up --no-serve, already loaded: median {statistics.median(restart):.1f} s  runs {restart}"
    )
    print("budget: 60 s for a fresh `pishkhan up` (DESIGN.md §7)")


if __name__ == "__main__":
    main()
