# ruff: noqa: E501
"""Synthetic claims with known violations, for tests, the benchmark and the demo.

    data = generate(settlements=90_000, seed=7)     # ~1,000,000 fee lines
    data.write("/tmp/claims", "parquet")             # catalog/settlements/lines.parquet
    data.expected   # {(rule_id, settlement_id, line_id or ""), …} the audit must find
    data.near_misses  # the same shape: cases at the edge of a rule it must NOT find

Two parts:

* **Clean claims**, made with NumPy in one go (no loop over rows): outpatient
  visits of patients who come back every 35 days (so no supply of a drug ever
  overlaps), inpatient stays each of their own patient (so no readmission),
  distinct items within a settlement, prices at or below the cap (the dental
  implant at its 集采 price), one bed and one nursing line whose quantity is
  exactly the stay. The clean part triggers no rule.
* **Scenarios**: per violation type, small self-contained cases, each with a
  fresh patient, labelled with the finding it must produce; and near misses at
  each rule's boundary that must produce none — readmission on day 16, a Z51
  chemotherapy cycle, a drug supply overlapping by exactly 3 days, an age
  exactly at the bound, a same-day stay billed one bed day, a daily quantity
  exactly at the maximum, a price exactly at the 集采 price, an item billed on
  another day than its package, a catalog price valid before its cut.

``scenario_repeats`` scales the scenarios (each set is repeated that often).
Money is kept in cents and dates as days until written; the files are written
by DuckDB with the interchange columns of docs/modules/medinsure.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

EPOCH = dt.date(1970, 1, 1)
DEFAULT_START = dt.date(2025, 11, 1)

# item_code, item_name, kind, price_cap (yuan), procurement, gender, min_age, max_age,
# care, max/day, included_in, days_supply, valid_from, valid_to
# fmt: off
CATALOG = [
    ("110300001", "普通病房床位费", "bed", 40, None, None, None, None, "inpatient", None, None, None, "2020-01-01", None),
    ("110200002", "Ⅰ级护理", "service", 30, None, None, None, None, "inpatient", None, None, None, "2020-01-01", None),
    ("PKG01", "门诊一般诊疗打包", "service", 25, None, None, None, None, None, None, None, None, "2020-01-01", None),
    ("SUB01", "静脉采血", "service", 5, None, None, None, None, None, None, "PKG01", None, "2020-01-01", None),
    ("F01", "宫颈癌筛查", "service", 120, None, "F", None, None, None, None, None, None, "2020-01-01", None),
    ("M01", "前列腺特异性抗原测定", "service", 80, None, "M", None, None, None, None, None, None, "2020-01-01", None),
    ("K01", "小儿推拿", "service", 60, None, None, None, 14, None, None, None, None, "2020-01-01", None),
    ("E01", "老年综合评估", "service", 90, None, None, 60, None, None, None, None, None, "2020-01-01", None),
    ("I01", "肠外营养配置", "service", 50, None, None, None, None, "inpatient", None, None, None, "2020-01-01", None),
    ("O01", "门诊慢病随访", "service", 20, None, None, None, None, "outpatient", None, None, None, "2020-01-01", None),
    ("Q01", "静脉输液", "service", 15, None, None, None, None, None, 3, None, None, "2020-01-01", None),
    ("R01", "缬沙坦胶囊", "drug", 2, None, None, None, None, None, None, None, 1, "2020-01-01", None),
    ("V01", "彩色多普勒超声", "service", 150, None, None, None, None, None, None, None, None, "2020-01-01", "2026-03-31"),
    ("V01", "彩色多普勒超声", "service", 120, None, None, None, None, None, None, None, None, "2026-04-01", None),
    ("IMPLANT", "种植体系统（单颗）", "consumable", 5800, None, None, None, None, "outpatient", None, None, None, "2020-01-01", "2023-04-30"),
    ("IMPLANT", "种植体系统（单颗）", "consumable", 1850, 900, None, None, None, "outpatient", None, None, None, "2023-05-01", None),
]
POOL_START = len(CATALOG)
CATALOG += [(f"D{i:02d}", f"常用药品{i:02d}", "drug", 3 + i, None, None, None, None, None, None, None, 1 if i <= 10 else None, "2020-01-01", None) for i in range(1, 21)]
CATALOG += [(f"S{i:02d}", f"诊疗项目{i:02d}", "service", 10 + 5 * i, None, None, None, None, None, None, None, None, "2020-01-01", None) for i in range(1, 21)]
CATALOG += [(f"C{i:02d}", f"医用耗材{i:02d}", "consumable", 30 * i, None, None, None, None, None, None, None, None, "2020-01-01", None) for i in range(1, 6)]
# fmt: on
CATALOG_COLUMNS = (
    "item_code",
    "item_name",
    "kind",
    "price_cap",
    "procurement_price",
    "gender_limit",
    "min_age",
    "max_age",
    "care_limit",
    "max_qty_per_day",
    "included_in",
    "days_supply_per_unit",
    "valid_from",
    "valid_to",
)  # fmt: skip
ITEM_INDEX = {}
for _n, _row in enumerate(CATALOG):
    ITEM_INDEX.setdefault(_row[0], _n)
CODES = sorted({row[0] for row in CATALOG})
CODE_NO = {code: n for n, code in enumerate(CODES)}
POOL = np.array([CODE_NO[row[0]] for row in CATALOG[POOL_START:]])
POOL_CAP = np.array([row[3] * 100 for row in CATALOG[POOL_START:]], dtype=np.int64)
POOL_SUPPLY = np.array([row[11] is not None for row in CATALOG[POOL_START:]])
DIAGNOSES = ["I10", "I21.0", "I21.4", "I63.9", "J18.9", "J44.1", "K80.2", "E11.9", "N18.5",
             "C34.9", "Z51.1", "Z51.0", "M17.1", "S72.0", "K35.8", "O80.0"]  # fmt: skip
CLEAN_DIAGNOSES = [n for n, d in enumerate(DIAGNOSES) if not d.startswith("Z51")]
INSTITUTIONS = [f"H330681{n:05d}" for n in range(1, 201)]


def day(date: dt.date | str) -> int:
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    return (date - EPOCH).days


@dataclass
class Claims:
    settlements: dict[str, np.ndarray]
    lines: dict[str, np.ndarray]
    expected: set[tuple[str, str, str]] = field(default_factory=set)
    near_misses: set[tuple[str, str, str]] = field(default_factory=set)

    @property
    def line_count(self) -> int:
        return len(self.lines["lid"])

    def tables(self, con: duckdb.DuckDBPyConnection | None = None) -> dict[str, pa.Table]:
        """The three interchange tables as Arrow (typed: dates, decimals)."""
        con = con or duckdb.connect()
        _register(con, self)
        return {name: con.execute(sql).to_arrow_table() for name, sql in _SQL.items()}

    def write(self, directory, fmt: str = "csv") -> dict[str, Path]:
        """Write catalog/settlements/lines.<fmt> (csv, parquet or xlsx) into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        _register(con, self)
        paths = {}
        for name, sql in _SQL.items():
            path = directory / f"{name}.{fmt}"
            if fmt == "xlsx":
                from qinqing.medinsure.audit.engine import write

                write(con, sql, path, sheet=name)
            else:
                options = "(HEADER)" if fmt == "csv" else "(FORMAT parquet)"
                con.execute(f"COPY ({sql}) TO '{path}' {options}")
            paths[name] = path
        con.close()
        return paths


_SQL = {
    "catalog": "SELECT * FROM catalog_in",
    "settlements": """
        SELECT 'S' || lpad(CAST(sid AS VARCHAR), 9, '0') AS settlement_id,
               'P' || lpad(CAST(pid AS VARCHAR), 9, '0') AS patient_id,
               CASE WHEN gender = 0 THEN 'M' ELSE 'F' END AS gender,
               DATE '1970-01-01' + CAST(birth AS INTEGER) AS birth_date,
               i.code AS institution_code,
               CASE WHEN inpatient THEN 'inpatient' ELSE 'outpatient' END AS visit_type,
               DATE '1970-01-01' + CAST(adm AS INTEGER) AS admission_date,
               CASE WHEN dis >= 0 THEN DATE '1970-01-01' + CAST(dis AS INTEGER) END AS discharge_date,
               d.code AS diagnosis,
               CAST(total / 100 AS DECIMAL(18,2)) AS total_amount,
               CAST(fund / 100 AS DECIMAL(18,2)) AS fund_paid
        FROM settlements_in s JOIN institutions_in i ON i.n = s.inst
        JOIN diagnoses_in d ON d.n = s.diag ORDER BY sid
    """,
    "lines": """
        SELECT 'L' || lpad(CAST(lid AS VARCHAR), 10, '0') AS line_id,
               'S' || lpad(CAST(sid AS VARCHAR), 9, '0') AS settlement_id,
               c.code AS item_code,
               DATE '1970-01-01' + CAST(day AS INTEGER) AS service_date,
               CAST(qty AS DECIMAL(18,4)) AS quantity,
               CAST(unit / 100 AS DECIMAL(18,2)) AS unit_price,
               CAST(qty * unit / 100 AS DECIMAL(18,2)) AS amount
        FROM lines_in l JOIN codes_in c ON c.n = l.item ORDER BY lid
    """,
}


def _register(con: duckdb.DuckDBPyConnection, data: Claims) -> None:
    catalog = pa.table(
        {
            name: pa.array(
                [row[n] for row in CATALOG],
                type=pa.decimal128(18, 2) if name in ("price_cap", "procurement_price") else None,
            )
            if name in ("price_cap", "procurement_price")
            else pa.array([row[n] for row in CATALOG])
            for n, name in enumerate(CATALOG_COLUMNS)
        }
    )
    con.register("catalog_raw", catalog)
    con.execute(
        "CREATE OR REPLACE TABLE catalog_in AS SELECT item_code, item_name, kind, price_cap, "
        "procurement_price, gender_limit, CAST(min_age AS INTEGER) AS min_age, "
        "CAST(max_age AS INTEGER) AS max_age, care_limit, "
        "CAST(max_qty_per_day AS DECIMAL(18,4)) AS max_qty_per_day, included_in, "
        "CAST(days_supply_per_unit AS DECIMAL(18,4)) AS days_supply_per_unit, "
        "CAST(valid_from AS DATE) AS valid_from, CAST(valid_to AS DATE) AS valid_to FROM catalog_raw"
    )
    con.register("settlements_in", pa.table(data.settlements))
    con.register("lines_in", pa.table(data.lines))
    con.register("codes_in", pa.table({"n": np.arange(len(CODES)), "code": CODES}))
    con.register("diagnoses_in", pa.table({"n": np.arange(len(DIAGNOSES)), "code": DIAGNOSES}))
    con.register(
        "institutions_in", pa.table({"n": np.arange(len(INSTITUTIONS)), "code": INSTITUTIONS})
    )


def _clean(rng: np.random.Generator, n: int, start: int, days: int) -> tuple[dict, dict]:
    """``n`` settlements of clean claims, vectorised."""
    inpatient = rng.random(n) < 0.2
    n_in = int(inpatient.sum())
    n_out = n - n_in
    sid = np.arange(1, n + 1, dtype=np.int64)
    pid = np.empty(n, dtype=np.int64)
    adm = np.empty(n, dtype=np.int32)
    dis = np.full(n, -1, dtype=np.int32)
    # outpatients: three visits each, 35 days apart
    out_index = np.arange(n_out)
    pid[~inpatient] = out_index // 3 + 1
    patient_start = rng.integers(0, max(1, days - 71), size=n_out // 3 + 1)
    adm[~inpatient] = start + patient_start[out_index // 3] + 35 * (out_index % 3)
    dis[~inpatient] = adm[~inpatient]
    # inpatients: one stay each (0–14 days)
    pid[inpatient] = n_out // 3 + 2 + np.arange(n_in)
    adm[inpatient] = start + rng.integers(0, max(1, days - 15), size=n_in)
    dis[inpatient] = adm[inpatient] + rng.integers(0, 15, size=n_in)
    age_years = rng.integers(18, 81, size=n)
    birth = adm - age_years * 366 - rng.integers(0, 300, size=n)
    settlements = {
        "sid": sid,
        "pid": pid,
        "gender": rng.integers(0, 2, size=n).astype(np.int8),
        "birth": birth.astype(np.int32),
        "inst": rng.integers(0, len(INSTITUTIONS), size=n).astype(np.int16),
        "inpatient": inpatient,
        "adm": adm,
        "dis": dis,
        "diag": rng.choice(CLEAN_DIAGNOSES, size=n).astype(np.int16),
    }
    # pool lines: distinct items per settlement
    count = np.where(inpatient, rng.poisson(16, size=n), rng.poisson(8, size=n)) + 1
    count = np.minimum(count, len(POOL))
    total = int(count.sum())
    owner = np.repeat(np.arange(n), count)
    first = np.cumsum(count) - count
    position = np.arange(total) - np.repeat(first, count)
    offset = rng.integers(0, len(POOL), size=n)
    pool_index = (np.repeat(offset, count) + position) % len(POOL)
    stay_len = np.maximum(0, dis - adm)
    line_day = adm[owner] + (rng.random(total) * (stay_len[owner] + 1)).astype(np.int32)
    qty = np.where(
        POOL_SUPPLY[pool_index], rng.integers(1, 15, size=total), rng.integers(1, 4, size=total)
    )
    unit = np.where(rng.random(total) < 0.7, POOL_CAP[pool_index], (POOL_CAP[pool_index] * 9) // 10)
    item = POOL[pool_index]
    # the dental implant (outpatient only) at its 集采 price, in some outpatient visits
    implant_owner = np.flatnonzero(~inpatient & (rng.random(n) < 0.01))
    # bed and nursing: one line each, quantity = stay (a same-day stay counts 1)
    in_owner = np.flatnonzero(inpatient)
    stay = np.maximum(1, stay_len[in_owner])
    owners = np.concatenate([owner, in_owner, in_owner, implant_owner])
    lines = {
        "sid": sid[owners],
        "item": np.concatenate(
            [
                item,
                np.full(n_in, CODE_NO["110300001"]),
                np.full(n_in, CODE_NO["110200002"]),
                np.full(len(implant_owner), CODE_NO["IMPLANT"]),
            ]
        ).astype(np.int16),
        "day": np.concatenate([line_day, adm[in_owner], adm[in_owner], adm[implant_owner]]).astype(
            np.int32
        ),
        "qty": np.concatenate([qty, stay, stay, np.ones(len(implant_owner))]).astype(np.int64),
        "unit": np.concatenate(
            [unit, np.full(n_in, 4000), np.full(n_in, 3000), np.full(len(implant_owner), 90000)]
        ).astype(np.int64),
    }
    order = np.lexsort((lines["item"], lines["sid"]))
    lines = {k: v[order] for k, v in lines.items()}
    return settlements, lines


class _Builder:
    """Scenario settlements and lines, a few rows each (labelled)."""

    def __init__(self, next_sid: int, next_pid: int, start: int):
        self.sid, self.pid, self.start = next_sid, next_pid, start
        self.s: list[tuple] = []
        self.l: list[tuple] = []
        self.expected: set = set()
        self.near: set = set()

    def patient(self) -> int:
        self.pid += 1
        return self.pid

    def settle(self, pid, adm, dis=None, inpatient=False, gender=0, birth=None, diag="I10") -> int:
        self.sid += 1
        adm = self.start + adm
        dis = (
            adm if dis is None and not inpatient else (self.start + dis if dis is not None else -1)
        )
        birth = birth if birth is not None else adm - 45 * 366
        self.s.append(
            (
                self.sid,
                pid,
                gender,
                birth,
                self.sid % len(INSTITUTIONS),
                inpatient,
                adm,
                dis,
                DIAGNOSES.index(diag),
            )
        )
        return self.sid

    def line(self, sid, code, on, qty=1, unit=None) -> int:
        row = CATALOG[ITEM_INDEX[code]]
        unit = unit if unit is not None else row[3] * 100
        self.l.append((sid, CODE_NO[code], self.start + on, qty, unit))
        return len(self.l) - 1

    def flag(self, rule, sid, line=None):
        self.expected.add((rule, sid, line))

    def miss(self, rule, sid, line=None):
        self.near.add((rule, sid, line))


def _scenarios(b: _Builder) -> None:
    # duplicate_charge: a package's item billed beside the package, same patient, same day
    p = b.patient()
    s = b.settle(p, 10)
    b.line(s, "PKG01", 10)
    b.flag("duplicate_charge", s, b.line(s, "SUB01", 10))
    # … in another settlement of the same day
    p = b.patient()
    s1, s2 = b.settle(p, 20), b.settle(p, 20)
    b.line(s1, "PKG01", 20)
    b.flag("duplicate_charge", s2, b.line(s2, "SUB01", 20))
    # near miss: the item on another day than the package
    p = b.patient()
    s1, s2 = b.settle(p, 30), b.settle(p, 31)
    b.line(s1, "PKG01", 30)
    b.miss("duplicate_charge", s2, b.line(s2, "SUB01", 31))
    # identical lines: every one but the first
    p = b.patient()
    s = b.settle(p, 40)
    b.miss("duplicate_charge", s, b.line(s, "S03", 40, 2))
    b.flag("duplicate_charge", s, b.line(s, "S03", 40, 2))
    b.flag("duplicate_charge", s, b.line(s, "S03", 40, 2))
    # near miss: same item, same day, another quantity
    p = b.patient()
    s = b.settle(p, 41)
    b.miss("duplicate_charge", s, b.line(s, "S04", 41, 1))
    b.miss("duplicate_charge", s, b.line(s, "S04", 41, 2))

    # over_price: above the cap; the implant above its 集采 price (below the cap)
    p = b.patient()
    s = b.settle(p, 50)
    b.flag("over_price", s, b.line(s, "S05", 50, 1, 4000))
    p = b.patient()
    s = b.settle(p, 51)
    b.flag("over_price", s, b.line(s, "IMPLANT", 51, 1, 150000))
    p = b.patient()
    s = b.settle(p, 52)
    b.miss("over_price", s, b.line(s, "IMPLANT", 52, 1, 90000))
    # the catalog version in force on the day: 150 before 2026-04-01, 120 after
    p = b.patient()
    before = day("2026-03-31") - b.start
    s1, s2 = b.settle(p, before), b.settle(p, before + 1)
    b.miss("over_price", s1, b.line(s1, "V01", before, 1, 15000))
    b.flag("over_price", s2, b.line(s2, "V01", before + 1, 1, 15000))

    # over_stay_days: 3-day stay billed 4 bed days; a same-day stay billed 1 (near miss) or 2
    p = b.patient()
    s = b.settle(p, 60, 63, inpatient=True, diag="J18.9")
    b.flag("over_stay_days", s, b.line(s, "110300001", 60, 4, 4000))
    b.miss("over_stay_days", s, b.line(s, "110200002", 60, 3, 3000))
    p = b.patient()
    s = b.settle(p, 70, 70, inpatient=True, diag="K35.8")
    b.miss("over_stay_days", s, b.line(s, "110300001", 70, 1, 4000))
    p = b.patient()
    s = b.settle(p, 71, 71, inpatient=True, diag="K35.8")
    b.flag("over_stay_days", s, b.line(s, "110300001", 71, 2, 4000))

    # gender_limit
    p = b.patient()
    s = b.settle(p, 80, gender=0)
    b.flag("gender_limit", s, b.line(s, "F01", 80))
    p = b.patient()
    s = b.settle(p, 81, gender=1)
    b.miss("gender_limit", s, b.line(s, "F01", 81))
    p = b.patient()
    s = b.settle(p, 82, gender=1)
    b.flag("gender_limit", s, b.line(s, "M01", 82))

    # age_limit: completed years on the service date, bounds inclusive
    on = b.start + 90
    on_date = EPOCH + dt.timedelta(days=on)

    def born(years_ago: int, shift: int = 0) -> int:
        return day(on_date.replace(year=on_date.year - years_ago)) + shift

    p = b.patient()
    s = b.settle(p, 90, birth=born(15))  # 15th birthday on the day: 15 > 14
    b.flag("age_limit", s, b.line(s, "K01", 90))
    p = b.patient()
    s = b.settle(p, 90, birth=born(15, 1))  # turns 15 tomorrow: still 14
    b.miss("age_limit", s, b.line(s, "K01", 90))
    p = b.patient()
    s = b.settle(p, 90, birth=born(60))  # exactly 60: allowed
    b.miss("age_limit", s, b.line(s, "E01", 90))
    p = b.patient()
    s = b.settle(p, 90, birth=born(60, 1))  # 59 until tomorrow
    b.flag("age_limit", s, b.line(s, "E01", 90))

    # care_limit, both directions
    p = b.patient()
    s = b.settle(p, 100)
    b.flag("care_limit", s, b.line(s, "I01", 100))
    p = b.patient()
    s = b.settle(p, 101, 103, inpatient=True, diag="E11.9")
    b.flag("care_limit", s, b.line(s, "O01", 101))
    b.miss("care_limit", s, b.line(s, "I01", 101))

    # over_quantity: every line of the (settlement, item, day)
    p = b.patient()
    s = b.settle(p, 110)
    b.flag("over_quantity", s, b.line(s, "Q01", 110, 2))
    b.flag("over_quantity", s, b.line(s, "Q01", 110, 3))
    p = b.patient()
    s = b.settle(p, 111, 113, inpatient=True, diag="J44.1")
    b.miss("over_quantity", s, b.line(s, "Q01", 111, 2))
    b.miss("over_quantity", s, b.line(s, "Q01", 111, 1))
    b.miss("over_quantity", s, b.line(s, "Q01", 112, 3))

    # split_admission: same 3-character category within 0–15 days
    for gap, flagged, first, second in (
        (10, True, "I21.0", "I21.4"),
        (0, True, "I63.9", "I63.9"),
        (15, True, "N18.5", "N18.5"),
        (16, False, "I21.0", "I21.0"),
        (5, False, "I21.0", "J18.9"),
        (7, False, "Z51.1", "Z51.1"),
    ):
        p = b.patient()
        s1 = b.settle(p, 120, 125, inpatient=True, diag=first)
        s2 = b.settle(p, 125 + gap, 128 + gap, inpatient=True, diag=second)
        b.line(s1, "110300001", 120, 5, 4000)
        b.line(s2, "110300001", 125 + gap, 3, 4000)
        (b.flag if flagged else b.miss)("split_admission", s2)

    # repeat_prescription: 30 days' supply from day 150 lasts to day 180
    for again, flagged in ((165, True), (176, True), (177, False), (180, False)):
        p = b.patient()
        s1, s2 = b.settle(p, 150), b.settle(p, again)
        b.line(s1, "R01", 150, 30, 200)
        (b.flag if flagged else b.miss)(
            "repeat_prescription", s2, b.line(s2, "R01", again, 30, 200)
        )


def generate(
    settlements: int = 1000,
    seed: int = 7,
    start: dt.date = DEFAULT_START,
    days: int = 365,
    scenario_repeats: int = 1,
) -> Claims:
    """Clean claims of ``settlements`` settlements plus the labelled scenarios."""
    rng = np.random.default_rng(seed)
    first = day(start)
    s, lines = _clean(rng, settlements, first, days)
    builder = _Builder(int(s["sid"].max(initial=0)), int(s["pid"].max(initial=0)) + 1, first)
    for _ in range(scenario_repeats):
        _scenarios(builder)
    lid = np.arange(1, len(lines["sid"]) + 1 + len(builder.l), dtype=np.int64)
    extra_s = np.array(builder.s, dtype=object)
    extra_l = np.array(builder.l, dtype=np.int64).reshape(-1, 5)
    keys = ("sid", "pid", "gender", "birth", "inst", "inpatient", "adm", "dis", "diag")
    for n, key in enumerate(keys):
        s[key] = np.concatenate([s[key], extra_s[:, n].astype(s[key].dtype)])
    for n, key in enumerate(("sid", "item", "day", "qty", "unit")):
        lines[key] = np.concatenate([lines[key], extra_l[:, n].astype(lines[key].dtype)])
    lines["lid"] = lid
    # totals from the lines (cents), the fund paying 70 %
    index = np.searchsorted(s["sid"], lines["sid"])
    total = np.bincount(index, weights=lines["qty"] * lines["unit"], minlength=len(s["sid"]))
    s["total"] = total.astype(np.int64)
    s["fund"] = (s["total"] * 7) // 10
    base = len(lid) - len(builder.l)

    def label(triple):
        rule, sid, line = triple
        return (
            rule,
            f"S{sid:09d}",
            "" if line is None else f"L{base + line + 1:010d}",
        )

    return Claims(
        settlements=s,
        lines=lines,
        expected={label(t) for t in builder.expected},
        near_misses={label(t) for t in builder.near},
    )
