"""Case indicators, computed from the records — never typed in.

An indicator is a declaration: a Chinese name and definition, the cases counted
in its numerator and (for a rate) its denominator, as filters over the case
table, so one grouped SQL query answers every indicator of every group, and the
same filters list the cases behind any figure (drill-down). Each workflow names
the indicators that apply to its cases (``WorkflowSpec.indicators``); an
indicator counts only cases of the flows that declare it, so a project that
reaches 投产 never reports 满意率.

Every figure comes from the phase times and counters that ``do_transition``
stamps on the case in the same transaction as the event that caused them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from qinqing.cases.models import WORKING_KINDS, CaseType, Satisfaction, StateKind, overdue_q

GROUPS = {
    "department": ("department_id", "department__name"),
    "case_type": ("case_type_id", "case_type__name"),
    "region": ("region_id", "region__name"),
    "total": (None, None),
}


@dataclass(frozen=True)
class Indicator:
    """``numerator(now)`` and ``denominator(now)`` are filters over cases (Q).

    A rate is numerator ÷ denominator in percent; without a denominator the
    indicator is a count. ``numerator_sum``/``denominator_sum`` name a case
    field to add up instead of counting cases (e.g. 回访次数).
    """

    code: str
    label: str
    definition: str
    numerator: Callable[[datetime.datetime], Q]
    denominator: Callable[[datetime.datetime], Q] | None = None
    numerator_sum: str | None = None
    denominator_sum: str | None = None
    good: str = "up"  # or "down": which way is better
    target: float | None = None

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None

    @property
    def unit(self) -> str:
        return "%" if self.is_rate else "件"


INDICATORS: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> Indicator:
    INDICATORS[indicator.code] = indicator
    return indicator


def register_12345_indicators() -> None:
    """The 12345 set, as the work-order flow counts it."""
    for indicator in (
        Indicator(
            "response_rate",
            "响应率",
            "承办单位在响应时限内签收的件数 ÷ 响应已到期或已签收的件数（受理时即不予受理的不计）",
            lambda now: Q(responded_at__lte=F("respond_due_at")),
            lambda now: (
                Q(respond_due_at__isnull=False)
                & ~Q(kind=StateKind.REJECTED)
                & (Q(responded_at__isnull=False) | Q(respond_due_at__lt=now))
            ),
        ),
        Indicator(
            "on_time_rate",
            "按时办结率",
            "在办结期限（含批准的延期）内答复的件数 ÷（已答复件数 + 已超期仍未答复的件数）",
            lambda now: Q(replied_at__isnull=False, replied_at__lte=F("due_at")),
            lambda now: Q(replied_at__isnull=False) | Q(kind__in=WORKING_KINDS, due_at__lt=now),
        ),
        Indicator(
            "solve_rate",
            "解决率",
            "回访中表示已解决的件数 ÷ 已回访件数",
            lambda now: Q(solved=True),
            lambda now: Q(solved__isnull=False),
        ),
        Indicator(
            "satisfaction_rate",
            "满意率",
            "回访评价“满意”的次数 ÷ 回访评价总次数（未回访的不计）",
            lambda now: Q(satisfaction=Satisfaction.SATISFIED),
            lambda now: Q(survey_count__gt=0),
            denominator_sum="survey_count",
        ),
        Indicator(
            "return_rate",
            "退单率",
            "被退单过的件数 ÷ 派过单的件数",
            lambda now: Q(return_count__gt=0),
            lambda now: Q(department__isnull=False) | Q(return_count__gt=0),
            good="down",
        ),
        Indicator(
            "reopen_rate",
            "重办率",
            "回访不满意而重办过的件数 ÷ 已回访件数",
            lambda now: Q(reopen_count__gt=0),
            lambda now: Q(survey_count__gt=0),
            good="down",
        ),
        Indicator(
            "overdue", "超期", "仍在办理、已超过办结期限或环节时限的件数", overdue_q, good="down"
        ),
        Indicator("reminded", "催办", "被催办过的件数", lambda now: Q(reminder_count__gt=0)),
        Indicator(
            "supervised", "督办", "被上级督办过的件数", lambda now: Q(supervision_count__gt=0)
        ),
        Indicator(
            "escalated",
            "超期上报",
            "超期后上报部门负责人的件数",
            lambda now: Q(escalation_count__gt=0),
            good="down",
        ),
        Indicator(
            "not_surveyed",
            "未回访",
            "答复后未在回访期限内回访、按未回访办结的件数",
            lambda now: Q(satisfaction=Satisfaction.NOT_SURVEYED),
            good="down",
        ),
    ):
        register_indicator(indicator)


def register_claim_indicators() -> None:
    register_indicator(
        Indicator(
            "claimed",
            "认领率",
            "已被认领过的件数 ÷ 发布的件数（撤销的不计）",
            lambda now: Q(claimed_at__isnull=False) | Q(kind=StateKind.CLOSED),
            lambda now: ~Q(kind=StateKind.REJECTED),
        )
    )
    register_indicator(
        Indicator(
            "completed",
            "完成率",
            "确认完成的件数 ÷ 已被认领过的件数",
            lambda now: Q(kind=StateKind.CLOSED),
            lambda now: Q(claimed_at__isnull=False) | Q(kind=StateKind.CLOSED),
        )
    )


# --- computing -------------------------------------------------------------------


@dataclass
class Figure:
    indicator: Indicator
    numerator: int = 0
    denominator: int = 0

    @property
    def value(self) -> float | int | None:
        if not self.indicator.is_rate:
            return self.numerator
        return round(self.numerator * 100 / self.denominator, 1) if self.denominator else None


@dataclass
class KpiRow:
    key: int | None
    label: str
    cases: int = 0
    figures: dict[str, Figure] = field(default_factory=dict)

    def __getattr__(self, name):
        # row.response_rate → the figure's value, for templates and callers.
        figures = self.__dict__.get("figures", {})
        if name in figures:
            return figures[name].value
        if name in INDICATORS:
            return None  # the indicator does not apply to any case of this row
        raise AttributeError(name)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "cases": self.cases,
            **{code: figure.value for code, figure in self.figures.items()},
            "figures": [
                {
                    "code": code,
                    "label": figure.indicator.label,
                    "value": figure.value,
                    "unit": figure.indicator.unit,
                    "numerator": figure.numerator,
                    "denominator": figure.denominator if figure.indicator.is_rate else None,
                }
                for code, figure in self.figures.items()
            ],
        }


def applicable(case_types=None) -> dict[str, list[int]]:
    """Indicator code → the case type ids whose flow declares it (one query)."""
    from qinqing.cases.workflows import WORKFLOWS

    types = CaseType.objects.values_list("pk", "workflow__code")
    if case_types is not None:
        types = types.filter(pk__in=case_types)
    result: dict[str, list[int]] = {}
    for pk, flow in types:
        spec = WORKFLOWS.get(flow)
        for code in spec.indicators if spec else ():
            result.setdefault(code, []).append(pk)
    return {code: result[code] for code in INDICATORS if code in result}


def indicator_filter(code: str, part: str, type_ids: list[int], now=None) -> Q:
    """The cases behind one figure: ``part`` is "numerator" or "denominator"."""
    now = now or timezone.now()
    indicator = INDICATORS[code]
    condition = indicator.denominator if part == "denominator" else indicator.numerator
    return Q(case_type_id__in=type_ids) & condition(now)


def kpis(
    cases, *, group_by: str = "department", start=None, end=None, now=None, only=None
) -> list[KpiRow]:
    """KPI rows for the given (already access-restricted) case queryset.

    ``start``/``end`` select cases registered in [start, end); ``only`` names the
    indicators wanted (all that apply, if not given): each costs the query three
    filtered counts per case.
    """
    now = now or timezone.now()
    if start:
        cases = cases.filter(created_at__gte=start)
    if end:
        cases = cases.filter(created_at__lt=end)
    codes = applicable()
    if only is not None:
        codes = {code: ids for code, ids in codes.items() if code in only}
    aggregates = {"cases": Count("pk")}
    for code, type_ids in codes.items():
        indicator = INDICATORS[code]
        scope = Q(case_type_id__in=type_ids)
        aggregates[f"{code}__cases"] = Count("pk", filter=scope)
        aggregates[f"{code}__n"] = _aggregate(
            scope & indicator.numerator(now), indicator.numerator_sum
        )
        if indicator.is_rate:
            aggregates[f"{code}__d"] = _aggregate(
                scope & indicator.denominator(now), indicator.denominator_sum
            )
    key_field, label_field = GROUPS[group_by]
    if key_field is None:
        rows = [{**cases.order_by().aggregate(**aggregates), "key": None, "label": "合计"}]
    else:
        rows = [
            {**row, "key": row[key_field], "label": row[label_field] or "（未派单）"}
            for row in cases.order_by().values(key_field, label_field).annotate(**aggregates)
        ]
    result = [_row(row, codes) for row in rows]
    return sorted(result, key=lambda r: (-r.cases, r.label))


def _aggregate(condition: Q, summed: str | None):
    return Sum(summed, filter=condition) if summed else Count("pk", filter=condition)


def _row(values: dict, codes) -> KpiRow:
    row = KpiRow(values["key"], values["label"], values["cases"] or 0)
    for code in codes:
        if not values.get(f"{code}__cases"):
            continue  # no case in this group runs a flow that declares the indicator
        row.figures[code] = Figure(
            INDICATORS[code], values.get(f"{code}__n") or 0, values.get(f"{code}__d") or 0
        )
    return row


def total_of(rows: list[KpiRow]) -> KpiRow:
    """The total, added up from group rows (every numerator and denominator is additive)."""
    total = KpiRow(None, "合计", sum(r.cases for r in rows))
    for row in rows:
        for code, figure in row.figures.items():
            into = total.figures.setdefault(code, Figure(figure.indicator))
            into.numerator += figure.numerator
            into.denominator += figure.denominator
    return total


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime(year, month, 1))
    end = timezone.make_aware(datetime.datetime(year + (month == 12), month % 12 + 1, 1))
    return start, end
