"""Run the audit engine without Django (the benchmark measures it this way).

    python -m qinqing.medinsure.audit CATALOG SETTLEMENTS LINES OUT [--memory-limit 2GB]
        [--temp-dir DIR] [--threads N]

Prints one JSON line: seconds, findings, problems, peak RSS in MiB.
"""

import argparse
import json
import time

from qinqing.medinsure.audit.engine import AuditEngine


def peak_rss_mib() -> float:
    """Peak resident set of this process (VmHWM; ru_maxrss keeps the pre-exec parent)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m qinqing.medinsure.audit")
    for name in ("catalog", "settlements", "lines", "out"):
        parser.add_argument(name)
    parser.add_argument("--memory-limit")
    parser.add_argument("--temp-dir")
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    start = time.perf_counter()
    engine = AuditEngine(
        memory_limit=args.memory_limit, temp_directory=args.temp_dir, threads=args.threads
    )
    engine.load_files(args.catalog, args.settlements, args.lines)
    problems = engine.validate()
    findings = engine.run()
    engine.write_findings(args.out)
    seconds = time.perf_counter() - start
    engine.close()
    peak = peak_rss_mib()
    print(
        json.dumps({"seconds": seconds, "findings": findings, "problems": problems, "rss_mb": peak})
    )


if __name__ == "__main__":
    main()
