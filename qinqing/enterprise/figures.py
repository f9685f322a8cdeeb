"""The station's figures for the cockpit, declared once and computed from the records.

The station's own home page counts the same things; these declarations give the
cockpit the definition and the rows behind each number.
"""

from django.db.models import Count, Max, Q, Sum
from django.urls import reverse

from qinqing.core.indicators import Figure, Scope, register_figure
from qinqing.core.models import Enterprise
from qinqing.enterprise import services
from qinqing.enterprise.models import GradeResult, LandParcel, ParcelStatus, Problem

GRADES = ("A", "B", "C", "D")


def _station_enterprises(scope: Scope):
    return scope.in_region(scope.visible(Enterprise).filter(services.in_station()), "region")


def _coverage(scope: Scope) -> tuple[int, int]:
    counts = _station_enterprises(scope).aggregate(
        covered=Count("pk", filter=Q(liaison__isnull=False)), all=Count("pk")
    )
    return counts["covered"], counts["all"]


def _covered_rows(scope: Scope):
    return (
        _station_enterprises(scope)
        .select_related("region", "liaison__officer")
        .order_by("region__code", "name")
    )


def _solved_problems(scope: Scope):
    problems = scope.in_region(scope.visible(Problem), "enterprise__region")
    return (
        scope.in_period(problems, "case__created_at")
        .filter(case__solved=True)
        .select_related("case", "enterprise")
        .order_by("-case__created_at")
    )


def _recovered_parcels(scope: Scope):
    parcels = scope.in_region(scope.visible(LandParcel), "region")
    return (
        scope.in_period(parcels, "status_changed_on")
        .filter(status=ParcelStatus.RECOVERED)
        .select_related("region", "enterprise")
        .order_by("-status_changed_on", "name")
    )


def _latest_grades(scope: Scope):
    # The default scheme's grades, as the grading list shows: one per enterprise.
    grades = scope.visible(GradeResult).filter(scheme__name=services.DEFAULT_SCHEME_NAME)
    grades = scope.in_region(grades, "enterprise__region")
    latest = grades.aggregate(year=Max("year"))["year"]
    return grades.filter(year=latest).select_related("enterprise") if latest else grades.none()


def _grade_rows(grade: str):
    return lambda scope: _latest_grades(scope).filter(grade=grade).order_by("-score")


def _grade_count(grade: str):
    return lambda scope: _latest_grades(scope).filter(grade=grade).count()


def register() -> None:
    register_figure(
        Figure(
            code="enterprise.liaison_coverage",
            label="联企服务员覆盖率",
            unit="%",
            definition="服务站范围内有联企服务员的企业数 ÷ 服务站范围内的企业数",
            parts=_coverage,
            rows=_covered_rows,
            target=100,
            headline=True,
            columns=(("企业", "name"), ("区划", "region.name"), ("联企服务员", "liaison.officer")),
            row_url=lambda e: reverse("station-enterprise", args=[e.pk]),
        )
    )
    register_figure(
        Figure(
            code="enterprise.problems_solved",
            label="已解决问题",
            unit="件",
            definition="期间内登记、回访中确认已解决的企业问题件数（办结而未确认解决的不计）",
            value=lambda scope: _solved_problems(scope).count(),
            rows=_solved_problems,
            headline=True,
            columns=(("编号", "case.number"), ("问题", "case.title"), ("企业", "enterprise.name")),
            row_url=lambda p: reverse("case-detail", args=[p.case_id]),
        )
    )
    register_figure(
        Figure(
            code="enterprise.land_recovered",
            label="收回低效用地",
            unit="亩",
            definition="期间内处置状态变为“已收回”的地块面积之和",
            value=lambda scope: _recovered_parcels(scope).aggregate(a=Sum("area_mu"))["a"] or 0,
            rows=_recovered_parcels,
            headline=True,
            columns=(
                ("地块", "name"),
                ("区划", "region.name"),
                ("面积（亩）", "area_mu"),
                ("收回日期", "status_changed_on"),
            ),
        )
    )
    for grade in GRADES:
        register_figure(
            Figure(
                code=f"enterprise.grade_{grade.lower()}",
                label=f"亩均{grade}类企业",
                unit="家",
                definition=f"最近一个评价年度亩均效益评价为{grade}类的企业数",
                value=_grade_count(grade),
                rows=_grade_rows(grade),
                good="down" if grade == "D" else ("up" if grade == "A" else ""),
                columns=(
                    ("企业", "enterprise.name"),
                    ("年度", "year"),
                    ("综合得分", "score"),
                    ("亩均税收（万元/亩）", "tax_per_mu"),
                ),
                row_url=lambda g: reverse("station-grade", args=[g.pk]),
            )
        )
