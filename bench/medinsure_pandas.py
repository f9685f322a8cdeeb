"""A straightforward pandas implementation of the nine audit rules, for comparison.

Same readings as ``qinqing/medinsure/audit/rules.py`` (the benchmark checks that
both find the same (rule, settlement, line) keys); no row validation beyond
parsing. Money as float, as a plain pandas script would have it.

    python bench/medinsure_pandas.py CATALOG SETTLEMENTS LINES OUT.csv
"""

import json
import sys
import time

import numpy as np
import pandas as pd


def peak_rss_mib() -> float:
    """Peak resident set of this process (VmHWM; ru_maxrss keeps the pre-exec parent)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def read(path, dates=()):
    if str(path).endswith(".parquet"):
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def audit(catalog_path, settlements_path, lines_path) -> pd.DataFrame:
    cat = read(catalog_path, ("valid_from", "valid_to"))
    s = read(settlements_path, ("birth_date", "admission_date", "discharge_date"))
    lines = read(lines_path, ("service_date",))
    for column in ("price_cap", "procurement_price", "min_age", "max_age", "max_qty_per_day",
                   "days_supply_per_unit"):  # fmt: skip
        cat[column] = pd.to_numeric(cat[column].astype(object), errors="coerce")
    for column in ("quantity", "unit_price", "amount"):
        lines[column] = pd.to_numeric(lines[column].astype(object))
    s["fund_paid"] = pd.to_numeric(s["fund_paid"].astype(object))
    cat["valid_to"] = cat["valid_to"].fillna(pd.Timestamp("2262-01-01"))

    claims = lines.merge(s, on="settlement_id").merge(cat, on="item_code")
    claims = claims[
        (claims.service_date >= claims.valid_from) & (claims.service_date <= claims.valid_to)
    ]
    out = []

    def emit(rule, frame, line=True):
        out.append(
            pd.DataFrame(
                {
                    "rule_id": rule,
                    "settlement_id": frame.settlement_id.values,
                    "line_id": frame.line_id.values if line else "",
                }
            )
        )

    # duplicate_charge
    packages = claims[["patient_id", "service_date", "item_code"]].drop_duplicates()
    inner = claims[claims.included_in.notna()].merge(
        packages.rename(columns={"item_code": "included_in"}),
        on=["patient_id", "service_date", "included_in"],
    )
    emit("duplicate_charge", inner)
    ordered = claims.sort_values("line_id")
    repeated = ordered[
        ordered.duplicated(["settlement_id", "item_code", "service_date", "quantity"], keep="first")
    ]
    emit("duplicate_charge", repeated[~repeated.line_id.isin(inner.line_id)])
    # over_price
    limit = np.fmin(claims.price_cap, claims.procurement_price.fillna(claims.price_cap))
    emit("over_price", claims[claims.unit_price > limit + 1e-9])
    # over_stay_days
    per_day = claims[
        claims.discharge_date.notna()
        & ((claims.kind == "bed") | claims.item_code.str.startswith(("1102", "1103")))
    ].sort_values(["settlement_id", "item_code", "service_date", "line_id"])
    stay = (per_day.discharge_date - per_day.admission_date).dt.days.clip(lower=1)
    running = per_day.groupby(["settlement_id", "item_code"]).quantity.cumsum()
    total = per_day.groupby(["settlement_id", "item_code"]).quantity.transform("sum")
    emit("over_stay_days", per_day[(total > stay) & (running > stay)])
    # gender_limit
    emit(
        "gender_limit",
        claims[claims.gender_limit.notna() & (claims.gender != claims.gender_limit)],
    )
    # age_limit
    sd, bd = claims.service_date, claims.birth_date
    age = (
        sd.dt.year
        - bd.dt.year
        - ((sd.dt.month * 100 + sd.dt.day) < (bd.dt.month * 100 + bd.dt.day))
    )
    emit("age_limit", claims[(age < claims.min_age) | (age > claims.max_age)])
    # care_limit
    emit("care_limit", claims[claims.care_limit.notna() & (claims.care_limit != claims.visit_type)])
    # over_quantity
    limited = claims[claims.max_qty_per_day.notna()]
    day_total = limited.groupby(["settlement_id", "item_code", "service_date"]).quantity.transform(
        "sum"
    )
    emit("over_quantity", limited[day_total > limited.max_qty_per_day])
    # split_admission
    inpatient = s[s.visit_type == "inpatient"].copy()
    inpatient["category"] = (
        inpatient.diagnosis.str.replace(".", "", regex=False).str[:3].str.upper()
    )
    inpatient = inpatient[~inpatient.category.str.startswith("Z51")]
    inpatient = inpatient.sort_values(["patient_id", "category", "admission_date", "discharge_date",
                                       "settlement_id"])  # fmt: skip
    previous = inpatient.groupby(["patient_id", "category"]).discharge_date.shift()
    gap = (inpatient.admission_date - previous).dt.days
    emit("split_admission", inpatient[(gap >= 0) & (gap <= 15)], line=False)
    # repeat_prescription
    drugs = claims[(claims.kind == "drug") & claims.days_supply_per_unit.notna()].copy()
    drugs["end"] = drugs.service_date + pd.to_timedelta(
        np.ceil(drugs.quantity * drugs.days_supply_per_unit), unit="D"
    )
    supplies = (
        drugs.groupby(["patient_id", "item_code", "settlement_id"])
        .agg(first_day=("service_date", "min"), supply_end=("end", "max"))
        .reset_index()
        .sort_values(["patient_id", "item_code", "first_day", "settlement_id"])
    )
    supplies["prev"] = supplies.groupby(["patient_id", "item_code"]).supply_end.shift()
    supplies["prev_end"] = supplies.groupby(["patient_id", "item_code"]).prev.cummax()
    flagged = drugs.merge(
        supplies[["patient_id", "item_code", "settlement_id", "prev_end"]],
        on=["patient_id", "item_code", "settlement_id"],
    )
    remaining = (flagged.prev_end - flagged.service_date).dt.days
    emit("repeat_prescription", flagged[remaining > 3])
    return pd.concat(out, ignore_index=True).sort_values(["rule_id", "settlement_id", "line_id"])


if __name__ == "__main__":
    start = time.perf_counter()
    findings = audit(*sys.argv[1:4])
    findings.to_csv(sys.argv[4], index=False)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - start,
                "findings": len(findings),
                "rss_mb": peak_rss_mib(),
            }
        )
    )
