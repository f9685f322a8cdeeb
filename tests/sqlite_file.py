"""Run a script against the project on a SQLite file, in a process of its own.

The in-memory test database cannot show SQLite's write lock serialising racing
threads (they share one cache, which refuses rather than waits), so races that
prove SQLite's guarantee run as deployed: on a file. The script prints one JSON
line last; that is what this returns.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_on_sqlite_file(tmp_path: Path, script: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "QINQING_VAR_DIR": str(tmp_path),
        "QINQING_DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
