"""Case KPIs, computed from the records — never typed in.

Every figure comes from the phase times and counters that ``do_transition``
stamps on the case in the same transaction as the event that caused them, so
one grouped SQL query over the cases answers them all, whatever the count.

- 响应率: cases responded to (受理 or a reasoned refusal) within the response
  limit, over cases whose response was due or done.
- 按时办结率: cases closed by their (possibly extended) deadline, over closed cases.
- 解决率: cases confirmed solved at 回访, over closed cases — kept apart from 办结.
- 满意率: 回访 answers "satisfied", over all 回访 answers. An "unsatisfied"
  answer reopens the case (counted in reopen_count) and a "satisfied" one
  closes it, so each case contributes reopen_count + 1 answers once closed.
- 退单率: dispatched cases returned at least once, over dispatched cases.
- 重办率: cases reopened after an unsatisfied 回访, over cases that reached 回访.
- 超期: cases still being worked on past their deadline now.
"""

import datetime
from dataclasses import dataclass, fields

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from qinqing.cases.models import StateKind

GROUPS = {
    "department": ("department_id", "department__name"),
    "case_type": ("case_type_id", "case_type__name"),
    "total": (None, None),
}


@dataclass
class KpiRow:
    key: int | None
    label: str
    cases: int = 0
    response_due: int = 0
    responded_on_time: int = 0
    closed: int = 0
    closed_on_time: int = 0
    solved: int = 0
    dispatched: int = 0
    returned: int = 0
    surveyed: int = 0
    reopened: int = 0
    overdue: int = 0
    satisfied_answers: int = 0
    unsatisfied_answers: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part * 100 / whole, 1) if whole else None

    @property
    def response_rate(self):
        return self._rate(self.responded_on_time, self.response_due)

    @property
    def on_time_rate(self):
        return self._rate(self.closed_on_time, self.closed)

    @property
    def solve_rate(self):
        return self._rate(self.solved, self.closed)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied_answers, self.satisfied_answers + self.unsatisfied_answers)

    @property
    def return_rate(self):
        return self._rate(self.returned, self.dispatched)

    @property
    def reopen_rate(self):
        return self._rate(self.reopened, self.surveyed)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "cases": self.cases,
            "response_rate": self.response_rate,
            "on_time_rate": self.on_time_rate,
            "solve_rate": self.solve_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "return_rate": self.return_rate,
            "reopen_rate": self.reopen_rate,
            "overdue": self.overdue,
            "closed": self.closed,
        }


COUNTERS = [f.name for f in fields(KpiRow) if f.name not in {"key", "label"}]


def kpis(cases, *, group_by: str = "department", start=None, end=None, now=None) -> list[KpiRow]:
    """KPI rows for the given (already access-restricted) case queryset.

    ``start``/``end`` select cases registered in [start, end).
    """
    now = now or timezone.now()
    if start:
        cases = cases.filter(created_at__gte=start)
    if end:
        cases = cases.filter(created_at__lt=end)
    working = (StateKind.OPEN, StateKind.IN_PROGRESS)
    aggregates = {
        "cases": Count("pk"),
        "response_due": Count(
            "pk",
            filter=Q(respond_due_at__isnull=False)
            & (Q(responded_at__isnull=False) | Q(respond_due_at__lt=now)),
        ),
        "responded_on_time": Count("pk", filter=Q(responded_at__lte=F("respond_due_at"))),
        "closed": Count("pk", filter=Q(kind=StateKind.CLOSED)),
        "closed_on_time": Count("pk", filter=Q(kind=StateKind.CLOSED, closed_at__lte=F("due_at"))),
        "solved": Count("pk", filter=Q(kind=StateKind.CLOSED, solved=True)),
        "dispatched": Count("pk", filter=Q(department__isnull=False) | Q(return_count__gt=0)),
        "returned": Count("pk", filter=Q(return_count__gt=0)),
        "surveyed": Count("pk", filter=~Q(satisfaction="")),
        "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
        "overdue": Count("pk", filter=Q(kind__in=working, due_at__lt=now)),
        "satisfied_answers": Count("pk", filter=Q(satisfaction="satisfied")),
        "unsatisfied_answers": Sum("reopen_count"),
    }
    key_field, label_field = GROUPS[group_by]
    if key_field is None:
        row = cases.order_by().aggregate(**aggregates)
        return [KpiRow(None, "合计", **{name: row[name] or 0 for name in aggregates})]
    rows = cases.order_by().values(key_field, label_field).annotate(**aggregates)
    result = [
        KpiRow(
            row[key_field],
            row[label_field] or "（未派单）",
            **{name: row[name] or 0 for name in aggregates},
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: (-r.cases, r.label))


def total_of(rows: list[KpiRow]) -> KpiRow:
    """The county total, added up from group rows (every counter is additive)."""
    return KpiRow(None, "合计", **{name: sum(getattr(r, name) for r in rows) for name in COUNTERS})


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime(year, month, 1))
    end = timezone.make_aware(datetime.datetime(year + (month == 12), month % 12 + 1, 1))
    return start, end
