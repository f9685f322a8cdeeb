"""The station's lists, each filtered one way for its page, its export and the API."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from qinqing.cases.models import ACTIVE_KINDS, StateKind, overdue_q
from qinqing.core import access
from qinqing.core.filters import FlagField, IdField, ListFilter, choice
from qinqing.core.models import Enterprise
from qinqing.enterprise import services
from qinqing.enterprise.models import (
    GradeResult,
    LandParcel,
    ParcelStatus,
    Problem,
    ProblemCategory,
    ServiceSession,
)

PROBLEM_STATES = [
    ("all", "全部状态"),
    ("active", "未办结"),
    ("solved", "已解决（回访确认）"),
    *StateKind.choices,
]
GRADES = [(grade, f"{grade} 类") for grade in "ABCD"]


class ProblemFilter(ListFilter):
    state = choice("状态", PROBLEM_STATES)
    category = choice("问题类别", ProblemCategory.choices)
    department = IdField(label="承办部门")
    overdue = FlagField(label="超期", required=False)
    q = forms.CharField(label="搜索", required=False, max_length=100)

    def base(self, actor):
        return (
            access.visible(Problem, actor)
            .select_related(
                "enterprise", "case", "case__state", "case__case_type", "case__department"
            )
            .order_by("-case__created_at", "-pk")
        )

    def apply(self, rows, data):
        state = data["state"]
        if state == "active":
            rows = rows.filter(case__kind__in=ACTIVE_KINDS)
        elif state == "solved":
            rows = rows.filter(case__solved=True)  # confirmed at 回访: 办结 is not 解决
        elif state in StateKind.values:
            rows = rows.filter(case__kind=state)
        if data["category"]:
            rows = rows.filter(category=data["category"])
        if data["department"]:
            rows = rows.filter(case__department_id=data["department"])
        if data["overdue"]:
            rows = rows.filter(overdue_q(path="case__"))
        if data["q"]:
            rows = rows.filter(
                Q(case__title__contains=data["q"]) | Q(enterprise__name__contains=data["q"])
            )
        return rows


def graded_years() -> list[int]:
    return sorted(set(GradeResult.objects.values_list("year", flat=True)), reverse=True)


def default_year() -> int:
    """The latest graded year (last year before any grading)."""
    years = graded_years()
    return years[0] if years else timezone.localdate().year - 1


class GradeFilter(ListFilter):
    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "应为年份，如 2025",
            "min_value": "年份不正确",
            "max_value": "年份不正确",
        },
    )
    grade = choice("等级", GRADES)
    low_efficiency = FlagField(label="只看低效企业", required=False)

    def clean_year(self):
        # No year chosen: the latest graded one.
        year = self.cleaned_data["year"]
        return default_year() if year is None else year

    def base(self, actor):
        return (
            access.visible(GradeResult, actor)
            .filter(scheme=services.default_scheme())
            .select_related("enterprise")
            .order_by("-score", "enterprise__credit_code")
        )

    def apply(self, rows, data):
        rows = rows.filter(year=data["year"])
        if data["grade"]:
            rows = rows.filter(grade=data["grade"])
        if data["low_efficiency"]:
            rows = rows.filter(low_efficiency=True)
        return rows


class ParcelFilter(ListFilter):
    status = choice("处置状态", ParcelStatus.choices)

    def base(self, actor):
        return (
            access.visible(LandParcel, actor)
            .select_related("region", "enterprise")
            .order_by("region__code", "name", "pk")
        )

    def apply(self, rows, data):
        if data["status"]:
            rows = rows.filter(status=data["status"])
        return rows


class SessionFilter(ListFilter):
    upcoming = FlagField(label="只看未开始的", required=False)

    def base(self, actor):
        return access.visible(ServiceSession, actor).order_by("-starts_at", "-pk")

    def apply(self, rows, data):
        if data["upcoming"]:
            rows = rows.filter(starts_at__gte=timezone.now())
        return rows


class LiaisonFilter(ListFilter):
    uncovered = FlagField(label="只看未配备的企业", required=False)

    def base(self, actor):
        return (
            access.visible(Enterprise, actor)
            .select_related("liaison__officer", "region")
            .order_by("region__code", "name")
        )

    def apply(self, rows, data):
        if data["uncovered"]:
            rows = rows.filter(liaison__isnull=True)
        return rows
