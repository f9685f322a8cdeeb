"""Claims audit: 1 M fee lines through all rules, 10 M within a memory limit, against pandas.

Set ``QINQING_BENCH_MEDINSURE=smoke`` for a quick run (100,000 and 1,000,000
lines), ``=check`` for the single-claim check alone (p50/p95 against 20,000
imported settlements). Each audit runs in its own process so its peak
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


def single_claim(report, work: Path, settlements: int) -> None:
    """p50/p95 of the single-claim check against a database of imported claims."""
    import datetime as dt

    from bench.run import percentile, timed
    from qinqing.core.models import Role, User
    from qinqing.medinsure.models import FeeLine, Settlement
    from qinqing.medinsure.services import (
        _check_claim_with_engine,
        _check_state,
        _history,
        check_claim,
        do_import_catalog,
        do_start_claim_import,
    )

    admin = User.objects.create_user("medinsure-bench", role=Role.ADMIN, is_superuser=True)
    data = generate(settlements=settlements, seed=9)
    paths = data.write(work / "db", "parquet")
    do_import_catalog(admin, paths["catalog"])
    do_start_claim_import(
        admin,
        name="bench",
        settlements=paths["settlements"],
        lines=paths["lines"],
        background=False,
    )
    print(
        f"  database: {Settlement.objects.count():,} settlements, {FeeLine.objects.count():,} lines"
    )
    claims = []
    for previous in Settlement.objects.filter(visit_type="inpatient").order_by("pk")[:200]:
        day = previous.discharge_date + dt.timedelta(days=5)
        settlement = {
            "settlement_id": f"CHECK{previous.pk}",
            "patient_id": previous.patient_id,
            "gender": previous.gender,
            "birth_date": previous.birth_date.isoformat(),
            "institution_code": previous.institution_code,
            "visit_type": "inpatient",
            "admission_date": day.isoformat(),
            "discharge_date": (day + dt.timedelta(days=3)).isoformat(),
            "diagnosis": previous.diagnosis,
            "total_amount": "400.00",
            "fund_paid": "280.00",
        }
        lines = [
            {
                "line_id": f"CHECK{previous.pk}-{n}",
                "settlement_id": settlement["settlement_id"],
                "item_code": code,
                "service_date": day.isoformat(),
                "quantity": "3",
                "unit_price": price,
                "amount": f"{3 * float(price):.2f}",
            }
            for n, (code, price) in enumerate(
                [("110300001", "40.00"), ("110200002", "30.00"), ("D01", "4.00"), ("S05", "35.00")]
            )
        ]
        claims.append((settlement, lines))
    check_claim(*claims[0])  # warm: imports, catalog cache
    samples = []
    note = _load()
    for claim in claims:
        samples += timed(lambda c=claim: check_claim(*c), 1)
    findings, _ = check_claim(*claims[0])
    report.figure("single-claim check p50", percentile(samples, 50), "ms", note)
    report.figure(
        "single-claim check p95", percentile(samples, 95), "ms", f"{len(findings)} findings"
    )
    # the same claims through the batch engine (the path malformed input takes)
    catalog, rules = _check_state()
    engine_samples = []
    for settlement, lines in claims[:50]:
        history = _history(settlement)
        engine_samples += timed(
            lambda s=settlement, ls=lines, h=history: _check_claim_with_engine(
                s, ls, *h, catalog, rules
            ),
            1,
        )
        assert (
            _check_claim_with_engine(settlement, lines, *history, catalog, rules)[0]
            == check_claim(settlement, lines)[0]
        )
    report.figure(
        "single-claim check through the batch engine p50", percentile(engine_samples, 50), "ms"
    )
    report.figure(
        "single-claim check through the batch engine p95", percentile(engine_samples, 95), "ms"
    )


def run(report) -> None:
    mode = os.environ.get("QINQING_BENCH_MEDINSURE", "")
    smoke = mode == "smoke"
    single_claim(report, Path(tempfile.mkdtemp(prefix="medinsure-")), 2_000 if smoke else 20_000)
    if mode == "check":  # the single-claim check alone
        return
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
