"""Claims audit: 1 M fee lines through all rules, 10 M within a memory limit, against pandas.

Set ``QINQING_BENCH_MEDINSURE=smoke`` for a quick run (100,000 and 1,000,000
lines, no comparison at 10 M). Each audit runs in its own process so its peak
RSS is its own; the load average of the machine (2 cores shared) is noted.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from qinqing.medinsure.synthetic import generate

ROOT = Path(__file__).resolve().parent.parent


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def _child(args: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _keys(path: Path) -> set:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return set(map(tuple, frame[["rule_id", "settlement_id", "line_id"]].values))


def run(report) -> None:
    smoke = os.environ.get("QINQING_BENCH_MEDINSURE") == "smoke"
    small, large = (9_000, 90_000) if smoke else (90_000, 900_000)
    work = Path(tempfile.mkdtemp(prefix="medinsure-bench-"))
    data = generate(settlements=small, seed=3, scenario_repeats=50)
    paths = data.write(work / "csv", "csv")
    data.write(work / "parquet", "parquet")
    lines = data.line_count
    print(f"  {lines:,} fee lines, {len(data.settlements['sid']):,} settlements", flush=True)

    note = _load()
    engine = _child(
        ["-m", "qinqing.medinsure.audit", *map(str, paths.values()), str(work / "f.csv")]
    )
    report.figure(f"audit {lines:,} lines, .csv in → .csv out", engine["seconds"], "s", note)
    report.figure(
        "  peak RSS of that process", engine["rss_mb"], "MiB", f"{engine['findings']} findings"
    )
    parquet = [str(work / "parquet" / f"{n}.parquet") for n in ("catalog", "settlements", "lines")]
    note = _load()
    result = _child(["-m", "qinqing.medinsure.audit", *parquet, str(work / "f.parquet")])
    report.figure(
        f"audit {lines:,} lines, .parquet in → .parquet out", result["seconds"], "s", note
    )
    report.figure("  peak RSS of that process", result["rss_mb"], "MiB")

    note = _load()
    plain = _child(
        ["bench/medinsure_pandas.py", *map(str, paths.values()), str(work / "pandas.csv")]
    )
    report.figure(f"pandas, same rules, {lines:,} lines .csv", plain["seconds"], "s", note)
    report.figure("  peak RSS of that process", plain["rss_mb"], "MiB")
    same = _keys(work / "f.csv") == _keys(work / "pandas.csv")
    report.figure(
        "  pandas time ÷ engine time",
        plain["seconds"] / engine["seconds"],
        "×",
        "same findings" if same else "FINDINGS DIFFER",
    )
    del data

    big = generate(settlements=large, seed=5, scenario_repeats=100)
    big_lines = big.line_count
    big.write(work / "big", "parquet")
    del big
    parquet = [str(work / "big" / f"{n}.parquet") for n in ("catalog", "settlements", "lines")]
    note = _load()
    result = _child(
        [
            "-m",
            "qinqing.medinsure.audit",
            *parquet,
            str(work / "big-findings.parquet"),
            "--memory-limit",
            "2GB",
            "--temp-dir",
            str(work / "spill"),
        ]
    )
    report.figure(
        f"audit {big_lines:,} lines .parquet, memory_limit 2GB", result["seconds"], "s", note
    )
    report.figure(
        "  peak RSS of that process", result["rss_mb"], "MiB", f"{result['findings']} findings"
    )
