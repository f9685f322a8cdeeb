"""亩均效益综合评价: Zhejiang's per-mu evaluation of industrial enterprises, vectorised.

For each enterprise, each indicator scores  clip(value ÷ benchmark, floor, cap) × weight.
Benchmarks default to the county figure (total numerator ÷ total denominator
over the enterprises graded together, 规上 and 规下 separately). An enterprise
with no emission data gets the average points of that item. Grades follow
score cut-offs or percentiles; ties are broken by credit code, so the same
inputs always give the same grades.

Units: money in 万元, land in 亩, energy in 吨标煤, emissions in 吨, electricity
in 万千瓦时; 亩均税收 in 万元/亩.
"""

from dataclasses import dataclass

import numpy as np

# indicator → (label, unit, numerator field, denominator field, factor)
INDICATORS = {
    "tax_per_mu": ("亩均税收", "万元/亩", "tax", "land_area_mu", 1),
    "value_added_per_mu": ("亩均增加值", "万元/亩", "value_added", "land_area_mu", 1),
    "value_added_per_energy": ("单位能耗增加值", "万元/吨标煤", "value_added", "energy_tce", 1),
    "value_added_per_emission": ("单位排放增加值", "万元/吨", "value_added", "emissions", 1),
    "labour_productivity": ("全员劳动生产率", "万元/人", "value_added", "employees", 1),
    "rd_ratio": ("R&D经费占比", "%", "rd_spending", "revenue", 100),
    "tax_per_electricity": ("单位电耗税收", "万元/万千瓦时", "tax", "electricity_kwh", 1),
}
# Missing denominators of these indicators score the group's average points.
AVERAGE_WHEN_MISSING = {"value_added_per_emission"}

# 黄岩区 2022: 规上 30/20/20/10/10/10, 规下 50/50.
DEFAULT_SCHEME = {
    "above_scale": {
        "tax_per_mu": {"weight": 30, "cap": 2.0, "floor": 0},
        "value_added_per_mu": {"weight": 20, "cap": 2.0, "floor": 0},
        "value_added_per_energy": {"weight": 20, "cap": 2.0, "floor": 0},
        "value_added_per_emission": {"weight": 10, "cap": 2.0, "floor": 0},
        "labour_productivity": {"weight": 10, "cap": 2.0, "floor": 0},
        "rd_ratio": {"weight": 10, "cap": 2.0, "floor": 0},
    },
    "below_scale": {
        "tax_per_mu": {"weight": 50, "cap": 2.0, "floor": 0},
        "tax_per_electricity": {"weight": 50, "cap": 2.0, "floor": 0},
    },
    "benchmarks": {},  # indicator → value; missing ones use the county figure
    "grading": {"method": "score", "cutoffs": {"A": 120, "B": 90, "C": 60}},
    "low_efficiency_tax_per_mu": 8,
}


def check_scheme(config) -> list[str]:
    """What is wrong with a scheme's configuration, in Chinese; empty when it can be used."""
    if not isinstance(config, dict):
        return ["评价参数应为 JSON 对象"]
    problems = []
    for group, label in (("above_scale", "规上"), ("below_scale", "规下")):
        rules = config.get(group)
        if not isinstance(rules, dict) or not rules:
            problems.append(f"缺少{label}企业的指标（{group}）")
            continue
        for name, rule in rules.items():
            if name not in INDICATORS:
                problems.append(f"{label}：未知指标“{name}”")
            elif not isinstance(rule, dict) or not isinstance(rule.get("weight"), int | float):
                problems.append(f"{label}：指标“{name}”的 weight 应为数字")
            elif any(
                rule.get(k) is not None and not isinstance(rule[k], int | float)
                for k in ("cap", "floor")
            ):
                problems.append(f"{label}：指标“{name}”的 cap、floor 应为数字或 null")
    grading = config.get("grading")
    if not isinstance(grading, dict) or grading.get("method") not in {"score", "percentile"}:
        problems.append("grading.method 应为 score 或 percentile")
    elif not all(isinstance((grading.get("cutoffs") or {}).get(g), int | float) for g in "ABC"):
        problems.append("grading.cutoffs 应给出 A、B、C 三个数字")
    if not isinstance(config.get("low_efficiency_tax_per_mu"), int | float):
        problems.append("low_efficiency_tax_per_mu（低效企业亩均税收标准）应为数字")
    if not isinstance(config.get("benchmarks", {}), dict):
        problems.append("benchmarks 应为 JSON 对象")
    return problems


@dataclass
class Graded:
    """Column-wise results for one group of enterprises."""

    ids: np.ndarray
    scores: np.ndarray
    grades: np.ndarray
    tax_per_mu: np.ndarray
    low_efficiency: np.ndarray
    details: list[dict]


def grade_group(
    columns: dict[str, np.ndarray],
    ids: np.ndarray,
    codes: np.ndarray,
    indicators: dict,
    scheme: dict,
) -> Graded:
    """Score one group (规上 or 规下). ``columns`` hold float arrays, NaN where blank."""
    count = len(ids)
    total = np.zeros(count)
    parts = {}
    for name, rule in indicators.items():
        label, unit, numerator_field, denominator_field, factor = INDICATORS[name]
        numerator, denominator = columns[numerator_field], columns[denominator_field]
        present = np.isfinite(numerator) & np.isfinite(denominator) & (denominator > 0)
        value = np.full(count, np.nan)
        value[present] = numerator[present] / denominator[present] * factor
        benchmark = scheme.get("benchmarks", {}).get(name)
        if benchmark is None:
            sums = denominator[present].sum()
            benchmark = numerator[present].sum() / sums * factor if sums > 0 else np.nan
        benchmark = float(benchmark)
        weight = float(rule["weight"])
        ratio = value / benchmark if benchmark and np.isfinite(benchmark) else np.zeros(count)
        floor, cap = rule.get("floor"), rule.get("cap")
        ratio = np.clip(ratio, -np.inf if floor is None else floor, np.inf if cap is None else cap)
        points = ratio * weight
        averaged = np.zeros(count, dtype=bool)
        if name in AVERAGE_WHEN_MISSING and (~present).any():
            fill = float(np.nanmean(points[present])) if present.any() else weight
            points = np.where(present, points, fill)
            averaged = ~present
        else:
            points = np.where(present, points, 0.0)
        points = np.round(points, 2)
        total += points
        parts[name] = (label, unit, value, benchmark, weight, points, averaged)

    scores = np.round(total, 2)
    grades = _grades(scores, codes, scheme["grading"])
    tax_per_mu = columns["tax"] / columns["land_area_mu"]
    low = tax_per_mu < float(scheme["low_efficiency_tax_per_mu"])
    details = [
        {
            name: {
                "label": label,
                "unit": unit,
                "value": None if not np.isfinite(value[i]) else round(float(value[i]), 4),
                "benchmark": round(benchmark, 4) if np.isfinite(benchmark) else None,
                "weight": weight,
                "points": float(points[i]),
                "averaged": bool(averaged[i]),
            }
            for name, (label, unit, value, benchmark, weight, points, averaged) in parts.items()
        }
        for i in range(count)
    ]
    return Graded(ids, scores, grades, np.round(tax_per_mu, 2), low, details)


def _grades(scores: np.ndarray, codes: np.ndarray, rule: dict) -> np.ndarray:
    grades = np.full(len(scores), "D", dtype="<U1")
    if rule["method"] == "percentile":
        # Highest score first; equal scores ordered by credit code.
        order = np.lexsort((codes, -scores))
        rank = np.empty(len(scores))
        rank[order] = np.arange(len(scores))
        share = (rank + 1) / max(len(scores), 1) * 100
        bounds, running = [], 0.0
        for grade in ("A", "B", "C"):
            running += float(rule["cutoffs"][grade])
            bounds.append((grade, running))
        for grade, upper in reversed(bounds):
            grades[share <= upper] = grade
    else:
        for grade in ("C", "B", "A"):
            grades[scores >= float(rule["cutoffs"][grade])] = grade
    return grades
