"""What a cockpit shows, computed from the records for one viewer.

Two sources, both declared by the modules themselves: the figures of
``qinqing.core.indicators`` (workstations, 优待金 rates, projects …) and the case
engine's KPIs (``qinqing.cases.kpis``: 响应率, 按时办结率 …) over the module's
case types. Everything starts from the viewer's restricted querysets through
``Scope``, so a town cadre's cockpit counts the town, a department's its own
cases and the county leader's the county. Nothing is cached: each reading
carries the time it was computed.
"""

import datetime
import itertools
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone

from qinqing.cases import kpis
from qinqing.cases.models import Case, CaseType, overdue_q
from qinqing.core import indicators
from qinqing.core.indicators import Figure, Reading, Scope

# The services in the order SCENARIOS.md tells them; a module not installed is left out.
MODULES = ("talent", "workspace", "veterans", "enterprise", "investment", "medinsure")
# The case KPIs a leader's tile shows for each module, when its flows declare them.
HEADLINE_KPIS = ("on_time_rate", "solve_rate", "satisfaction_rate", "completed", "overdue")
RED_LIST_LENGTH = 20
TREND_MONTHS = 12


@dataclass(frozen=True)
class Module:
    code: str
    label: str


def modules() -> list[Module]:
    return [
        Module(code, apps.get_app_config(code).verbose_name)
        for code in MODULES
        if apps.is_installed(f"qinqing.{code}")
    ]


def module_named(code: str) -> Module | None:
    return next((m for m in modules() if m.code == code), None)


# --- the module's own figures -------------------------------------------------------


def readings(scope: Scope, module: str, only=None) -> list[Reading]:
    """The module's figures read for this scope; ``only`` picks which ones to compute."""
    return [
        indicators.read(figure, scope)
        for figure in indicators.figures(module)
        if only is None or only(figure)
    ]


def on_leaders_page(figure: Figure) -> bool:
    """A headline, or a figure with a target: only those can be a tile or on the red list."""
    return figure.headline or figure.target is not None


def headlines(all_readings: list[Reading]) -> list[Reading]:
    """The figures a module marked for the leader's page (its first two if it marked none)."""
    return [r for r in all_readings if r.figure.headline] or all_readings[:2]


def figure_rows(scope: Scope, figure: Figure):
    return figure.rows(scope) if figure.rows else None


# --- the case engine's KPIs ---------------------------------------------------------


def bounds(scope: Scope) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The period as [start, end) datetimes, as the case KPIs take it."""
    start = end = None
    if scope.start:
        start = timezone.make_aware(datetime.datetime.combine(scope.start, datetime.time.min))
    if scope.end:
        end = timezone.make_aware(
            datetime.datetime.combine(scope.end + datetime.timedelta(days=1), datetime.time.min)
        )
    return start, end


def cases(scope: Scope, module: str | None = None):
    """The viewer's cases in the scope's region (the period is the KPIs' to apply)."""
    rows = scope.in_region(scope.visible(Case), "region")
    return rows.filter(case_type__module=module) if module else rows


def module_kpis(scope: Scope, module: str, group_by: str = "department"):
    start, end = bounds(scope)
    rows = kpis.kpis(cases(scope, module), group_by=group_by, start=start, end=end, now=scope.now)
    return rows, kpis.total_of(rows)


def case_totals_by_module(scope: Scope, only=None) -> dict[str, kpis.KpiRow]:
    """Each module's case KPIs (or ``only`` those named), from one grouped query."""
    start, end = bounds(scope)
    rows = kpis.kpis(
        cases(scope), group_by="case_type", start=start, end=end, now=scope.now, only=only
    )
    module_of = dict(CaseType.objects.values_list("pk", "module"))
    by_module: dict[str, list] = {}
    for row in rows:
        by_module.setdefault(module_of.get(row.key, ""), []).append(row)
    return {module: kpis.total_of(group) for module, group in by_module.items()}


def headline_kpis(total: kpis.KpiRow | None) -> list[kpis.Figure]:
    if total is None:
        return []
    return [total.figures[code] for code in HEADLINE_KPIS if code in total.figures]


def kpi_below_target(figure: kpis.Figure) -> bool:
    target, value = figure.indicator.target, figure.value
    if target is None or value is None:
        return False
    return value < target if figure.indicator.good == "up" else value > target


def indicator_cases(scope: Scope, module: str, code: str, part: str):
    """The cases behind one case KPI of a module: the same filter the figure counted."""
    start, end = bounds(scope)
    rows = cases(scope, module)
    if start:
        rows = rows.filter(created_at__gte=start)
    if end:
        rows = rows.filter(created_at__lt=end)
    type_ids = kpis.applicable(
        CaseType.objects.filter(module=module).values_list("pk", flat=True)
    ).get(code, [])
    return rows.filter(kpis.indicator_filter(code, part, type_ids, scope.now))


# --- the county leader's page -------------------------------------------------------


def overdue_cases(scope: Scope):
    return (
        cases(scope)
        .filter(overdue_q(scope.now))
        .select_related("case_type", "state", "department", "region")
        .order_by("due_at", "pk")
    )


@dataclass
class Trend:
    months: list[str] = field(default_factory=list)
    opened: dict[str, list[int]] = field(default_factory=dict)
    closed: dict[str, list[int]] = field(default_factory=dict)


def month_starts(last: datetime.date, count: int) -> list[datetime.date]:
    year, month = last.year, last.month
    starts = []
    for _ in range(count):
        starts.append(datetime.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def trend(scope: Scope, module_codes: list[str]) -> Trend:
    """Cases registered and closed per month and module, over the last twelve months.

    One scan of the cases: a filtered count per month between local month
    boundaries, rather than converting every case's time to a local month.
    """
    last = scope.end or timezone.localdate(scope.now)
    starts = month_starts(last, TREND_MONTHS)
    edges = [timezone.make_aware(datetime.datetime.combine(d, datetime.time.min)) for d in starts]
    edges.append(
        timezone.make_aware(
            datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
        )
    )
    counts = {}
    for i, (since, until) in enumerate(itertools.pairwise(edges)):
        counts[f"opened_{i}"] = Count("pk", filter=Q(created_at__gte=since, created_at__lt=until))
        counts[f"closed_{i}"] = Count("pk", filter=Q(closed_at__gte=since, closed_at__lt=until))
    within = Q(created_at__gte=edges[0], created_at__lt=edges[-1]) | Q(
        closed_at__gte=edges[0], closed_at__lt=edges[-1]
    )
    rows = (
        cases(scope)
        .filter(within, case_type__module__in=module_codes)
        .values("case_type__module")
        .annotate(**counts)
        .order_by()
    )
    result = Trend(months=[f"{d.year}-{d.month:02d}" for d in starts])
    for code in module_codes:
        result.opened[code] = [0] * len(starts)
        result.closed[code] = [0] * len(starts)
    for row in rows:
        module = row["case_type__module"]
        result.opened[module] = [row[f"opened_{i}"] for i in range(len(starts))]
        result.closed[module] = [row[f"closed_{i}"] for i in range(len(starts))]
    return result
