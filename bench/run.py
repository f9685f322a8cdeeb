"""Run every benchmark in bench/ and print its figures.

    make bench                                   # SQLite in a temporary file
    QINQING_DATABASE_URL=postgres://… make bench # PostgreSQL (a throwaway test database)

Each ``bench_*.py`` module has ``run(report)``; figures are wall-clock times
measured here, in this process, on this machine.
"""

import importlib
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
os.environ.setdefault("QINQING_VAR_DIR", tempfile.mkdtemp(prefix="qinqing-bench-"))


class Report:
    def __init__(self):
        self.rows = []

    def figure(self, name: str, value: float, unit: str, note: str = "") -> None:
        self.rows.append((name, value, unit, note))
        print(f"  {name:<58} {value:>10.1f} {unit:<4} {note}", flush=True)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    import django
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("TEST", {})["NAME"] = f"bench_qinqing_{os.getpid()}"
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    cores = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"qinqing benchmarks · {connection.vendor} · {platform.python_version()} · "
        f"{cores} cores · {memory:.0f} GiB"
    )
    selected = sys.argv[1:]
    try:
        for path in sorted(Path(__file__).parent.glob("bench_*.py")):
            if selected and path.stem not in selected:
                continue
            module = importlib.import_module(f"bench.{path.stem}")
            print(f"\n{path.stem}: {module.__doc__.strip().splitlines()[0]}")
            module.run(Report())
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)


if __name__ == "__main__":
    main()
