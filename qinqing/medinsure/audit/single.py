# ruff: noqa: E501
"""The single-claim check's evaluator: one patient's claims, in memory, in well under a millisecond.

The batch engine (``engine.py``) runs each rule's SQL over whole tables on
DuckDB; that is the right tool for millions of lines, but a DuckDB query over a
handful of rows still costs several milliseconds of fixed overhead per window
operator — the nine rules of one settlement took 60–120 ms, over the 50 ms the
check before settlement is allowed. Here the same rules are evaluated over the
few rows of one patient (the settlement being checked plus the patient's
recent history), rule by rule in the order and with the texts, amounts and
rounding of the SQL in ``rules.py``.

One definition of each rule's *data* (key, name, parameters, severity,
version) serves both paths: they take the same ``Rule`` objects. The two
evaluations of a rule's *logic* are held together by a test
(``tests/medinsure/test_single_claim.py``) that runs both over every
settlement of the synthetic generator — each injected violation and each near
miss — and asserts identical findings, field for field; a change to a rule's
SQL that is not made here too fails it.

Input that is not clean (any value or row the batch engine's validation would
reject) is not evaluated here: ``parse`` returns ``None`` and the caller runs
the batch engine, whose complaints are authoritative.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise

from qinqing.medinsure.audit.rules import RULE_KEYS, Rule
from qinqing.medinsure.audit.schema import LINES, SETTLEMENTS, Column

CENT = Decimal("0.01")
FAR = dt.date(9999, 12, 31)
PATTERNS = {
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "money": re.compile(r"[0-9]{1,13}(\.[0-9]{1,2})?"),
    "number": re.compile(r"[0-9]{1,12}(\.[0-9]{1,4})?"),
    "int": re.compile(r"[0-9]{1,3}"),
}


# --- input --------------------------------------------------------------------------


def _value(column: Column, raw):
    """The typed value, or raise ValueError where the batch validation would complain."""
    text = None if raw is None else str(raw)
    if text is not None and text != text.strip():
        raise ValueError(column.name)  # leave whitespace questions to the batch engine
    if not text:
        if column.required:
            raise ValueError(column.name)
        return None
    if column.kind == "enum":
        if text not in column.allowed:
            raise ValueError(column.name)
        return text
    if column.kind == "text":
        return text
    if not PATTERNS[column.kind].fullmatch(text):
        raise ValueError(column.name)
    if column.kind == "date":
        return dt.date.fromisoformat(text)
    if column.kind == "int":
        return int(text)
    return Decimal(text)


def parse(settlement: dict, lines: list[dict], catalog: Catalog, taken_line_ids=()):
    """(settlement, lines) typed, or ``None`` when the batch engine would reject anything."""
    try:
        s = {c.name: _value(c, settlement.get(c.name)) for c in SETTLEMENTS}
        typed = [{c.name: _value(c, line.get(c.name)) for c in LINES} for line in lines]
    except (ValueError, InvalidOperation):
        return None
    if s["visit_type"] == "inpatient" and s["discharge_date"] is None:
        return None
    if s["discharge_date"] is not None and s["discharge_date"] < s["admission_date"]:
        return None
    if s["birth_date"] > s["admission_date"]:
        return None
    seen = set(taken_line_ids)
    for line in typed:
        if line["line_id"] in seen or line["settlement_id"] != s["settlement_id"]:
            return None
        seen.add(line["line_id"])
        if abs(line["amount"] - round(line["quantity"] * line["unit_price"], 2)) > CENT:
            return None
        if catalog.entry(line["item_code"], line["service_date"]) is None:
            return None
    return s, typed


class Catalog:
    """The validated catalog versions by item code (built once per catalog version)."""

    def __init__(self, rows: list[dict]):
        self.versions = defaultdict(list)
        for row in rows:
            self.versions[row["item_code"]].append(row)

    def entry(self, code: str, day: dt.date):
        for row in self.versions.get(code, ()):
            if row["valid_from"] <= day <= (row["valid_to"] or FAR):
                return row
        return None


# --- money and text as DuckDB writes them -------------------------------------------


def _yuan(value) -> str:  # printf('%.2f', CAST(x AS DOUBLE))
    return f"{float(value):.2f}"


def _double(value) -> str:  # CAST(x AS DOUBLE) || ''
    return repr(float(value))


def _money(value: Decimal) -> Decimal:  # CAST(round(decimal, 2) AS DECIMAL(18,2))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _money_double(value: float) -> Decimal:  # CAST(round(double, 2) AS DECIMAL(18,2))
    scaled = value * 100
    whole = math.floor(abs(scaled) + 0.5) * (1 if scaled >= 0 else -1)
    return (Decimal(whole) / 100).quantize(CENT)


def _sex(code: str) -> str:
    return "男" if code == "M" else "女"


def _care(code: str) -> str:
    return "住院" if code == "inpatient" else "门诊"


def _days(later: dt.date, earlier: dt.date) -> int:
    return (later - earlier).days


# --- the rules ----------------------------------------------------------------------


def _duplicate_charge(claims, settlements, p):
    out = []
    packaged = set()
    for x in claims:
        if x["included_in"] is None:
            continue
        package = sorted(
            y["line_id"]
            for y in claims
            if y["patient_id"] == x["patient_id"]
            and y["service_date"] == x["service_date"]
            and y["item_code"] == x["included_in"]
        )
        if package:
            packaged.add(x["line_id"])
            out.append(
                (
                    x["settlement_id"],
                    x["line_id"],
                    f"项目{x['item_code']}（{x['item_name']}）已包含在同日收费的打包项目{x['included_in']}中，不得另行收费",
                    f"违规明细 {x['line_id']}；打包项目明细 {','.join(package)}",
                    x["amount"],
                )
            )
    alike = defaultdict(list)
    for c in claims:
        alike[(c["settlement_id"], c["item_code"], c["service_date"], c["quantity"])].append(c)
    for group in alike.values():
        group.sort(key=lambda c: c["line_id"])
        for c in group[1:]:
            if c["line_id"] not in packaged:
                out.append(
                    (
                        c["settlement_id"],
                        c["line_id"],
                        f"项目{c['item_code']}（{c['item_name']}）在同一结算同日以相同数量重复收费",
                        f"重复明细 {c['line_id']}；首条明细 {group[0]['line_id']}",
                        c["amount"],
                    )
                )
    return out


def _over_price(claims, settlements, p):
    out = []
    for c in claims:
        cap, procured = c["price_cap"], c["procurement_price"]
        limit = min(cap, cap if procured is None else procured)
        if c["unit_price"] <= limit:
            continue
        if procured is not None and procured < cap:
            over = f"集采中选价{_yuan(procured)}"
        else:
            over = f"限价{_yuan(cap)}"
        out.append(
            (
                c["settlement_id"],
                c["line_id"],
                f"项目{c['item_code']}（{c['item_name']}）单价{_yuan(c['unit_price'])}元超过{over}元",
                f"明细 {c['line_id']}：数量 {_double(c['quantity'])}，单价 {_yuan(c['unit_price'])}，金额 {_yuan(c['amount'])}",
                _money(min(c["amount"], (c["unit_price"] - limit) * c["quantity"])),
            )
        )
    return out


def _over_stay_days(claims, settlements, p):
    kinds = list(p.get("per_day_kinds", []))
    prefixes = [str(x) for x in p.get("per_day_item_prefixes", [])]
    items = defaultdict(list)
    for c in claims:
        if c["discharge_date"] is not None and (
            c["kind"] in kinds or any(c["item_code"].startswith(x) for x in prefixes)
        ):
            items[(c["settlement_id"], c["item_code"])].append(c)
    out = []
    for group in items.values():
        total = sum(c["quantity"] for c in group)
        first = group[0]
        stay = max(1, _days(first["discharge_date"], first["admission_date"]))
        if total <= stay:
            continue
        item_lines = ",".join(sorted(c["line_id"] for c in group))
        running = Decimal(0)
        for c in sorted(group, key=lambda c: (c["service_date"], c["line_id"])):
            running += c["quantity"]
            if running > stay:
                out.append(
                    (
                        c["settlement_id"],
                        c["line_id"],
                        f"按日计费项目{c['item_code']}（{c['item_name']}）合计数量 {_double(total)} 超过住院天数 {stay} 天",
                        f"本项目明细 {item_lines}；入院 {c['admission_date']}，出院 {c['discharge_date']}",
                        _money(min(c["quantity"], running - stay) * c["unit_price"]),
                    )
                )
    return out


def _gender_limit(claims, settlements, p):
    return [
        (
            c["settlement_id"],
            c["line_id"],
            f"项目{c['item_code']}（{c['item_name']}）限{_sex(c['gender_limit'])}性使用，参保人性别为{_sex(c['gender'])}",
            f"明细 {c['line_id']}，金额 {_yuan(c['amount'])}",
            c["amount"],
        )
        for c in claims
        if c["gender_limit"] is not None and c["gender"] != c["gender_limit"]
    ]


def _age(c) -> int:
    born, day = c["birth_date"], c["service_date"]
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _age_limit(claims, settlements, p):
    out = []
    for c in claims:
        age, low, high = _age(c), c["min_age"], c["max_age"]
        if (low is not None and age < low) or (high is not None and age > high):
            out.append(
                (
                    c["settlement_id"],
                    c["line_id"],
                    f"项目{c['item_code']}（{c['item_name']}）限 {'0' if low is None else low}–"
                    f"{'不限' if high is None else high} 周岁使用，参保人费用发生日 {age} 周岁",
                    f"明细 {c['line_id']}；出生 {c['birth_date']}，费用发生 {c['service_date']}",
                    c["amount"],
                )
            )
    return out


def _care_limit(claims, settlements, p):
    return [
        (
            c["settlement_id"],
            c["line_id"],
            f"项目{c['item_code']}（{c['item_name']}）限{_care(c['care_limit'])}使用，本次为{_care(c['visit_type'])}",
            f"明细 {c['line_id']}，金额 {_yuan(c['amount'])}",
            c["amount"],
        )
        for c in claims
        if c["care_limit"] is not None and c["care_limit"] != c["visit_type"]
    ]


def _over_quantity(claims, settlements, p):
    days = defaultdict(list)
    for c in claims:
        if c["max_qty_per_day"] is not None:
            days[(c["settlement_id"], c["item_code"], c["service_date"])].append(c)
    out = []
    for group in days.values():
        total = sum(c["quantity"] for c in group)
        day_lines = ",".join(sorted(c["line_id"] for c in group))
        for c in group:
            if total > c["max_qty_per_day"]:
                out.append(
                    (
                        c["settlement_id"],
                        c["line_id"],
                        f"项目{c['item_code']}（{c['item_name']}）{c['service_date']} 当日数量 "
                        f"{_double(total)} 超过每日最大数量 {_double(c['max_qty_per_day'])}",
                        f"同日明细 {day_lines}",
                        _money_double(
                            float(c["amount"] * (total - c["max_qty_per_day"])) / float(total)
                        ),
                    )
                )
    return out


def _category(diagnosis: str) -> str:
    return diagnosis.replace(".", "")[:3].upper()


def _split_admission(claims, settlements, p):
    gap = int(p.get("max_gap_days", 15))
    excluded = [str(x) for x in p.get("excluded_prefixes", [])]
    stays = defaultdict(list)
    for s in settlements:
        category = _category(s["diagnosis"])
        if s["visit_type"] == "inpatient" and not any(category.startswith(x) for x in excluded):
            stays[(s["patient_id"], category)].append(s)
    out = []
    for (_patient, category), group in stays.items():
        group.sort(
            key=lambda s: (s["admission_date"], s["discharge_date"] or FAR, s["settlement_id"])
        )
        for previous, s in pairwise(group):
            if previous["discharge_date"] is None:
                continue
            days = _days(s["admission_date"], previous["discharge_date"])
            if 0 <= days <= gap:
                out.append(
                    (
                        s["settlement_id"],
                        None,
                        f"出院后 {days} 天内以同一疾病类目 {category} 再次入院，疑似分解住院",
                        f"前次结算 {previous['settlement_id']}（出院 {previous['discharge_date']}）；"
                        f"本次结算 {s['settlement_id']}（入院 {s['admission_date']}，诊断 {s['diagnosis']}）",
                        s["fund_paid"],
                    )
                )
    return out


def _repeat_prescription(claims, settlements, p):
    overlap = int(p.get("overlap_days", 3))
    drugs = [c for c in claims if c["kind"] == "drug" and c["days_supply_per_unit"] is not None]
    supplies = {}
    for c in drugs:
        key = (c["patient_id"], c["item_code"], c["settlement_id"])
        end = c["service_date"] + dt.timedelta(
            days=math.ceil(c["quantity"] * c["days_supply_per_unit"])
        )
        first, last = supplies.get(key, (c["service_date"], end))
        supplies[key] = (min(first, c["service_date"]), max(last, end))
    by_drug = defaultdict(list)
    for (patient, item, settlement), (first, end) in supplies.items():
        by_drug[(patient, item)].append((first, settlement, end))
    previous = {}
    for (patient, item), rows in by_drug.items():
        rows.sort()
        best = None
        for _first, settlement, end in rows:
            if best is not None:
                previous[(patient, item, settlement)] = best
            if best is None or end > best[0]:
                best = (end, settlement)
    out = []
    for c in drugs:
        before = previous.get((c["patient_id"], c["item_code"], c["settlement_id"]))
        if before is None:
            continue
        prev_end, prev_settlement = before
        remaining = _days(prev_end, c["service_date"])
        if remaining > overlap:
            share = min(1.0, remaining / float(max(c["quantity"] * c["days_supply_per_unit"], 1)))
            out.append(
                (
                    c["settlement_id"],
                    c["line_id"],
                    f"药品{c['item_code']}（{c['item_name']}）前次所开药量可用至 {prev_end}，"
                    f"{c['service_date']} 再次开具时尚余 {remaining} 天（允许 {overlap} 天）",
                    f"本次明细 {c['line_id']}；前次结算 {prev_settlement}",
                    _money_double(float(c["amount"]) * share),
                )
            )
    return out


EVALUATORS = {
    "duplicate_charge": _duplicate_charge,
    "over_price": _over_price,
    "over_stay_days": _over_stay_days,
    "gender_limit": _gender_limit,
    "age_limit": _age_limit,
    "care_limit": _care_limit,
    "over_quantity": _over_quantity,
    "split_admission": _split_admission,
    "repeat_prescription": _repeat_prescription,
}
assert set(EVALUATORS) == set(RULE_KEYS), "every rule has its single-claim evaluation"


def audit(
    rules: tuple[Rule, ...],
    settlements: list[dict],
    lines: list[dict],
    catalog: Catalog,
    only: str | None = None,
) -> list[dict]:
    """Findings (the columns of the findings file, ordered as it is) over typed rows.

    ``settlements`` and ``lines`` are one patient's rows (any number of patients
    works; each rule stays within a patient or a settlement). ``only`` keeps the
    findings of one settlement."""
    by_id = {s["settlement_id"]: s for s in settlements}
    claims = []
    for line in lines:
        s = by_id.get(line["settlement_id"])
        entry = catalog.entry(line["item_code"], line["service_date"])
        if s is not None and entry is not None:
            claims.append({**entry, **s, **line})
    findings = []
    for rule in rules:
        if not rule.enabled:
            continue
        order = RULE_KEYS.index(rule.key)
        for settlement_id, line_id, cont, evid, amount in EVALUATORS[rule.key](
            claims, settlements, rule.params
        ):
            if only is not None and settlement_id != only:
                continue
            findings.append(
                (
                    order,
                    {
                        "rule_id": rule.key,
                        "rule_version": int(rule.version),
                        "settlement_id": settlement_id,
                        "line_id": line_id,
                        "vola_cont": cont,
                        "vola_evid": evid,
                        "vola_amt": Decimal(amount).quantize(CENT),
                        "sev_deg": rule.severity,
                    },
                )
            )
    findings.sort(
        key=lambda f: (
            f[0],
            f[1]["settlement_id"],
            f[1]["line_id"] is not None,
            f[1]["line_id"] or "",
            f[1]["vola_cont"],
        )
    )
    return [f for _, f in findings]
