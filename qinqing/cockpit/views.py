"""Cockpit pages: the leader's, one per service, and the rows behind every figure."""

import datetime
from decimal import Decimal

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from qinqing.cases import kpis as case_kpis
from qinqing.cockpit import reading
from qinqing.cockpit.filters import CockpitFilter, presets
from qinqing.core import indicators
from qinqing.core.exporting import xlsx_response
from qinqing.core.views.common import query_string

PAGE_SIZE = 50
REFRESH_SECONDS = 60
VIEW = "cockpit.view_cockpit"


def _filter(request) -> CockpitFilter:
    return CockpitFilter(request.GET or None, user=request.user)


def _period_label(scope) -> str:
    if not scope.start and not scope.end:
        return "全部时间"
    start = scope.start.isoformat() if scope.start else "最早"
    end = scope.end.isoformat() if scope.end else "今天"
    return f"{start} 至 {end}"


def _region_label(scope) -> str:
    return scope.region.name if scope.region else "全部区划"


def _common(request, form) -> dict:
    today = timezone.localdate()
    return {
        "form": form,
        "filters": query_string(request),
        "presets": [(label, _with(request, values)) for label, values in presets(today)],
        "modules": reading.modules(),
    }


def _with(request, values: dict) -> str:
    query = request.GET.copy()
    for name in ("start", "end", "page", "export", "screen"):
        query.pop(name, None)
    query.update(values)
    return query.urlencode()


def _figure_url(figure, filters: str) -> str:
    url = reverse("cockpit-figure", args=[figure.code])
    return f"{url}?{filters}" if filters else url


def _kpi_url(module: str, code: str, part: str, filters: str) -> str:
    url = reverse("cockpit-cases")
    query = f"module={module}&indicator={code}&part={part}"
    return f"{url}?{query}&{filters}" if filters else f"{url}?{query}"


def _tile(reading_, filters):
    figure = reading_.figure
    return {
        "label": figure.label,
        "value": reading_.value,
        "unit": figure.unit,
        "definition": figure.definition,
        "url": _figure_url(figure, filters) if figure.rows else "",
        "below_target": reading_.below_target,
        "target": figure.target,
        "computed_at": reading_.computed_at,
        "numerator": reading_.numerator,
        "denominator": reading_.denominator,
    }


def _kpi_tile(module: str, figure: case_kpis.Figure, filters: str):
    indicator = figure.indicator
    return {
        "label": indicator.label,
        "value": figure.value,
        "unit": indicator.unit,
        "definition": indicator.definition,
        "url": _kpi_url(module, indicator.code, "numerator", filters),
        "below_target": reading.kpi_below_target(figure),
        "target": indicator.target,
        "numerator": figure.numerator,
        "denominator": figure.denominator if indicator.is_rate else None,
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def home(request):
    """The county leader's cockpit: each service's headline, trends and the red list."""
    form = _filter(request)
    scope = form.scope()
    filters = query_string(request)
    mods = reading.modules()
    if request.GET.get("export") == "xlsx":
        return _export(scope, mods, reading.case_totals_by_module(scope))
    totals = reading.case_totals_by_module(scope, only=reading.HEADLINE_KPIS)
    services, below = [], []
    for module in mods:
        readings = reading.readings(scope, module.code, only=reading.on_leaders_page)
        tiles = [_tile(r, filters) for r in reading.headlines(readings)]
        tiles += [
            _kpi_tile(module.code, f, filters)
            for f in reading.headline_kpis(totals.get(module.code))
        ]
        services.append({"module": module, "tiles": tiles})
        below += [{"module": module.label, **_tile(r, filters)} for r in readings if r.below_target]
    overdue = reading.overdue_cases(scope)
    trend = reading.trend(scope, [m.code for m in mods])
    context = {
        **_common(request, form),
        "services": services,
        "overdue": overdue[: reading.RED_LIST_LENGTH],
        "overdue_count": overdue.count(),
        "overdue_url": f"{reverse('cockpit-cases')}?overdue=1&{filters}",
        "below_target": below,
        "trend_chart": _trend_chart(trend, mods),
        "period": _period_label(scope),
        "region": _region_label(scope),
        "computed_at": timezone.now(),
        "refresh": REFRESH_SECONDS,
    }
    template = "cockpit/screen.html" if request.GET.get("screen") else "cockpit/home.html"
    return render(request, template, context)


def _trend_chart(trend: reading.Trend, mods) -> dict:
    labels = {m.code: m.label for m in mods}
    series = [
        {"name": f"{labels[code]}·受理", "type": "line", "data": values}
        for code, values in trend.opened.items()
    ]
    series += [
        {
            "name": f"{labels[code]}·办结",
            "type": "line",
            "data": values,
            "lineStyle": {"type": "dashed"},
        }
        for code, values in trend.closed.items()
    ]
    rows = [
        [month] + [trend.opened[m.code][i] for m in mods] + [trend.closed[m.code][i] for m in mods]
        for i, month in enumerate(trend.months)
    ]
    return {
        "chart_id": "chart-trend",
        "caption": "近十二个月各服务事项受理与办结件数",
        "option": {
            "tooltip": {"trigger": "axis"},
            "legend": {"type": "scroll", "itemGap": 20},
            "xAxis": {"type": "category", "data": trend.months},
            "yAxis": {"type": "value", "name": "件"},
            "series": series,
        },
        "columns": ["月份"] + [f"{m.label}受理" for m in mods] + [f"{m.label}办结" for m in mods],
        "rows": rows,
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def module_page(request, module):
    """One service's cockpit: every figure with its definition, and its case KPIs."""
    chosen = reading.module_named(module)
    if chosen is None:
        raise Http404
    form = _filter(request)
    scope = form.scope()
    filters = query_string(request)
    group_by = request.GET.get("group", "department")
    if group_by not in ("department", "region", "case_type"):
        group_by = "department"
    tiles = [_tile(r, filters) for r in reading.readings(scope, module)]
    rows, total = reading.module_kpis(scope, module, group_by)
    if request.GET.get("export") == "xlsx":
        return _export(scope, [chosen], {module: total})
    indicators_ = [f.indicator for f in total.figures.values()]
    context = {
        **_common(request, form),
        "module": chosen,
        "tiles": tiles,
        "kpi_tiles": [_kpi_tile(module, f, filters) for f in total.figures.values()],
        "indicators": indicators_,
        "kpi_rows": [
            {
                "label": row.label,
                "cases": row.cases,
                "cells": [(i.label, getattr(row, i.code)) for i in indicators_],
            }
            for row in rows
        ],
        "group_by": group_by,
        "groups": [("department", "按部门"), ("region", "按区划"), ("case_type", "按事项类型")],
        "kpi_chart": _kpi_chart(rows, indicators_),
        "period": _period_label(scope),
        "region": _region_label(scope),
        "computed_at": timezone.now(),
    }
    return render(request, "cockpit/module.html", context)


def _kpi_chart(rows, indicators_) -> dict | None:
    rate = next((i for i in indicators_ if i.code == "on_time_rate"), None) or next(
        (i for i in indicators_ if i.is_rate), None
    )
    if rate is None or not rows:
        return None
    shown = rows[:15]
    values = [getattr(row, rate.code) for row in shown]
    return {
        "chart_id": "chart-kpi",
        "caption": f"{rate.label}（%）",
        "option": {
            "tooltip": {},
            "grid": {"containLabel": True},
            "xAxis": {"type": "value", "max": 100},
            "yAxis": {"type": "category", "data": [row.label for row in shown]},
            "series": [{"type": "bar", "data": values}],
        },
        "columns": ["分组", rate.label],
        "rows": [
            [row.label, "—" if v is None else v] for row, v in zip(shown, values, strict=True)
        ],
    }


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _export(scope, mods, totals) -> object:
    """Every indicator with its definition, the period and region it was computed for."""
    now = timezone.now()
    period, region = _period_label(scope), _region_label(scope)
    headers = ["服务", "指标", "数值", "单位", "目标", "口径", "期间", "区划", "计算时间"]
    rows = []
    for module in mods:
        for r in reading.readings(scope, module.code):
            f = r.figure
            rows.append(
                [
                    module.label,
                    f.label,
                    _cell(r.value),
                    f.unit,
                    _cell(f.target),
                    f.definition,
                    period,
                    region,
                    r.computed_at,
                ]
            )
        total = totals.get(module.code)
        for f in total.figures.values() if total else ():
            i = f.indicator
            rows.append(
                [
                    module.label,
                    i.label,
                    f.value,
                    i.unit,
                    i.target,
                    i.definition,
                    period,
                    region,
                    now,
                ]
            )
    return xlsx_response("驾驶舱指标", headers, rows)


def _shown(value):
    """A cell on the page (the export keeps dates and numbers as they are)."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return indicators.shown(value)
    return value


def _value_at(row, path: str):
    value = row
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
        if callable(value):
            value = value()
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value


@login_required
@permission_required(VIEW, raise_exception=True)
def figure_rows(request, code):
    """The records behind one figure, as it counted them, each linking to its record."""
    figure = indicators.FIGURES.get(code)
    if figure is None or figure.rows is None or reading.module_named(figure.module) is None:
        raise Http404
    form = _filter(request)
    scope = form.scope()
    rows = figure.rows(scope)
    columns = figure.columns or (("记录", "__str__"),)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            figure.label,
            [label for label, _ in columns],
            ([_value_at(r, path) for _, path in columns] for r in rows.iterator()),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_common(request, form),
        "figure": figure,
        "module": reading.module_named(figure.module),
        "reading": indicators.read(figure, scope),
        "headers": [label for label, _ in columns],
        "page": page,
        "lines": [
            {
                "cells": [(label, _shown(_value_at(r, path))) for label, path in columns],
                "url": figure.row_url(r) if figure.row_url else "",
            }
            for r in page
        ],
    }
    return render(request, "cockpit/rows.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def case_rows(request):
    """The cases behind a case KPI of a module, or every overdue case in scope."""
    form = _filter(request)
    scope = form.scope()
    if request.GET.get("overdue"):
        title, definition = "超期事项", "仍在办理、已超过办结期限或环节时限的事项"
        rows = reading.overdue_cases(scope)
        module = None
    else:
        module = reading.module_named(request.GET.get("module", ""))
        code = request.GET.get("indicator", "")
        part = request.GET.get("part", "numerator")
        indicator = case_kpis.INDICATORS.get(code)
        if module is None or indicator is None or part not in ("numerator", "denominator"):
            raise Http404
        title = (
            f"{module.label} · {indicator.label}（{'分母' if part == 'denominator' else '分子'}）"
        )
        definition = indicator.definition
        rows = (
            reading.indicator_cases(scope, module.code, code, part)
            .select_related("case_type", "state", "department", "region")
            .order_by("-created_at", "-pk")
        )
    headers = ["编号", "标题", "事项类型", "状态", "承办部门", "区划", "办结期限"]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            title.replace(" · ", "-"),
            headers,
            (
                [
                    c.number,
                    c.title,
                    c.case_type.name,
                    c.state_label,
                    c.department.name if c.department else "",
                    c.region.name,
                    c.due_at,
                ]
                for c in rows.iterator()
            ),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_common(request, form),
        "title": title,
        "definition": definition,
        "module": module,
        "page": page,
        "now": scope.now,
    }
    return render(request, "cockpit/cases.html", context)
