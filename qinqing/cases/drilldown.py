"""The parameters of KPI requests, checked once, and the cases behind a figure.

The KPI page, its drill-down list and the API parse their parameters here, so
a bad month or an unknown indicator gets the same Chinese message everywhere,
and a drill-down lists exactly the cases its figure counted: the same
indicator filter, group and registration month as ``kpis.kpis``.
"""

import re

from django.db.models import QuerySet

from qinqing.cases import kpis
from qinqing.core.services import InvalidInput

PARTS = {"numerator": "分子", "denominator": "分母"}
GROUP_LABELS = {
    "department": "部门",
    "case_type": "事项类型",
    "region": "区划",
    "total": "合计",
}
# The key of the group of cases with no department yet (未派单) in links and requests.
NO_KEY = "none"
LABELS = {
    "indicator": "指标",
    "part": "分子或分母",
    "group_by": "分组",
    "key": "分组",
    "month": "登记月份",
}
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _refuse(field: str, message: str):
    raise InvalidInput({field: [message]}, {field: LABELS[field]})


def period(month: str | None):
    """[start, end) of a registration month "2026-03"; (None, None) for no month."""
    if not month:
        return None, None
    match = MONTH.match(month.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        _refuse("month", "月份格式应为 2026-03")
    return kpis.month_bounds(int(match[1]), int(match[2]))


def group(group_by: str | None) -> str:
    group_by = group_by or "department"
    if group_by not in kpis.GROUPS:
        _refuse("group_by", "分组应为 " + "、".join(kpis.GROUPS))
    return group_by


def key_param(key) -> str:
    """A group row's key as it travels in a link."""
    return NO_KEY if key is None else str(key)


def figure_cases(
    cases: QuerySet,
    *,
    indicator: str,
    part: str = "numerator",
    group_by: str = "total",
    key: str | None = None,
    month: str | None = None,
    now=None,
) -> QuerySet:
    """The cases counted in one figure of the KPI table, from ``cases`` (access-restricted).

    Raises ``InvalidInput`` naming the parameter that is wrong.
    """
    applicable = kpis.applicable()
    if indicator not in applicable:
        _refuse("indicator", f"没有适用的指标“{indicator}”")
    if part not in PARTS:
        _refuse("part", "应为 numerator（分子）或 denominator（分母）")
    if part == "denominator" and not kpis.INDICATORS[indicator].is_rate:
        _refuse("part", f"“{kpis.INDICATORS[indicator].label}”是件数，没有分母")
    group_by = group(group_by)
    start, end = period(month)
    if start:
        cases = cases.filter(created_at__gte=start, created_at__lt=end)
    key_field = kpis.GROUPS[group_by][0]
    if key_field is not None:
        if key in (None, "", NO_KEY):
            cases = cases.filter(**{f"{key_field}__isnull": True})
        elif str(key).isdigit():
            cases = cases.filter(**{key_field: int(key)})
        else:
            _refuse("key", "分组应为数字编号，或 none 表示未派单")
    return cases.filter(kpis.indicator_filter(indicator, part, applicable[indicator], now))


def describe(cases: QuerySet, *, indicator: str, part: str, group_by: str, key) -> str:
    """A heading for a drill-down list, e.g. "区经商局 · 响应率 · 分子".

    The group's name is read from ``cases`` (the user's visible cases), so a
    group the user sees nothing of is named alike whether it exists or not.
    """
    label = "全部"
    key_field, label_field = kpis.GROUPS[group_by]
    if key_field is not None:
        if key in (None, "", NO_KEY):
            label = "（未派单）"
        else:
            group_cases = cases.filter(**{key_field: int(key)})
            label = group_cases.values_list(label_field, flat=True).first() or "—"
    return f"{label} · {kpis.INDICATORS[indicator].label} · {PARTS[part]}"
