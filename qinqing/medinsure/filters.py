"""The lists of clean medical insurance: one filter for page, export and API."""

from django import forms
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Mod

from qinqing.core import access
from qinqing.core.filters import ListFilter, choice
from qinqing.medinsure.audit.rules import DEFAULT_RULES
from qinqing.medinsure.models import (
    ClaimBatch,
    Finding,
    Inspection,
    InspectionKind,
    ReviewStatus,
    Severity,
)

SELECTIONS = [
    ("ranked", "按风险排序"),
    ("high_value", "大额疑点"),
    ("sample", "随机抽查"),
]
HIGH_VALUE = 500
SAMPLE_PERCENT = 10


class FindingFilter(ListFilter):
    """The review queue: ranked by severity, amount and the institution's history."""

    status = choice("复核状态", ReviewStatus.choices)
    rule = choice("规则", [(r.key, r.name) for r in DEFAULT_RULES])
    severity = choice("违规程度", Severity.choices)
    institution = forms.CharField(label="机构编码", required=False, max_length=32)
    month = forms.RegexField(
        label="月份",
        regex=r"^\d{4}-\d{2}$",
        required=False,
        error_messages={"invalid": "应为 YYYY-MM"},
    )
    selection = choice("选取方式", SELECTIONS)

    def base(self, actor):
        history = (
            Finding.objects.filter(
                institution_code=OuterRef("institution_code"), status=ReviewStatus.CONFIRMED
            )
            .order_by()
            .values("institution_code")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            access.visible(Finding, actor)
            .annotate(
                history=Coalesce(Subquery(history, output_field=IntegerField()), Value(0)),
                clear=Case(When(sev_deg=Severity.CLEAR, then=1), default=0),
            )
            .order_by("-clear", "-vola_amt", "-history", "rule_id", "settlement_id", "line_id")
        )

    def apply(self, rows, data):
        for field, column in (
            ("status", "status"),
            ("rule", "rule_id"),
            ("severity", "sev_deg"),
            ("institution", "institution_code"),
            ("month", "service_month"),
        ):
            if data[field]:
                rows = rows.filter(**{column: data[field]})
        if data["selection"] == "high_value":
            rows = rows.filter(vola_amt__gte=HIGH_VALUE)
        elif data["selection"] == "sample":
            rows = rows.annotate(draw=Mod(F("pk") * 7919, 100)).filter(draw__lt=SAMPLE_PERCENT)
        return rows


class BatchFilter(ListFilter):
    def base(self, actor):
        return access.visible(ClaimBatch, actor).select_related("created_by").order_by("-pk")

    def apply(self, rows, data):
        return rows


INSPECTION_STATES = [("planned", "计划中"), ("done", "已实施"), ("rectifying", "整改中")]


class InspectionFilter(ListFilter):
    """检查与约谈: newest plan first; by kind, state, institution and year."""

    kind = choice("类型", InspectionKind.choices)
    state = choice("状态", INSPECTION_STATES)
    institution = forms.CharField(label="机构编码", required=False, max_length=32)
    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "应为四位年份",
            "min_value": "应为四位年份",
            "max_value": "应为四位年份",
        },
    )

    def base(self, actor):
        return (
            access.visible(Inspection, actor)
            .select_related(
                "institution",
                "rectification__state",
                "rectification__case_type",
                "rectification__department",
                "recorded_by",
            )
            .order_by("-planned_on", "-pk")
        )

    def apply(self, rows, data):
        from qinqing.cases.models import StateKind

        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["state"] == "planned":
            rows = rows.filter(done_on__isnull=True)
        elif data["state"] == "done":
            rows = rows.filter(done_on__isnull=False)
        elif data["state"] == "rectifying":
            rows = rows.filter(rectification__kind__in=[StateKind.OPEN, StateKind.IN_PROGRESS])
        if data["institution"]:
            rows = rows.filter(institution__code=data["institution"].strip())
        if data["year"]:
            rows = rows.filter(planned_on__year=data["year"])
        return rows
