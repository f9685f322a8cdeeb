"""清廉医保's figures for the county cockpit, declared once and computed from the records.

Findings count by the month of the service they are about; inspections and
interviews by the day they were carried out; clues by the day they were opened.
Recovered amounts by the day their clue was closed (扣款到账). The module's own
page (``views/cockpit.py``) breaks the same records down further.
"""

from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.urls import reverse

from qinqing.cases.models import CaseEvent
from qinqing.core.indicators import Figure, Scope, register_figure
from qinqing.medinsure.models import (
    Clue,
    Finding,
    Inspection,
    InspectionKind,
    Institution,
    ReviewStatus,
)


def _institutions(scope: Scope):
    return scope.in_region(scope.visible(Institution), "region")


def _findings(scope: Scope):
    findings = scope.visible(Finding)
    if scope.region is not None:
        findings = findings.filter(institution_code__in=_institutions(scope).values("code"))
    # service_month is "YYYY-MM": the period's months, both ends included.
    if scope.start:
        findings = findings.filter(service_month__gte=scope.start.strftime("%Y-%m"))
    if scope.end:
        findings = findings.filter(service_month__lte=scope.end.strftime("%Y-%m"))
    return findings.order_by("-vola_amt", "rule_id", "settlement_id", "line_id")


def _with_status(status: str):
    return lambda scope: _findings(scope).filter(status=status)


def _amount(status: str):
    return lambda scope: _with_status(status)(scope).aggregate(a=Sum("vola_amt"))["a"] or 0


def _visited(kind: str):
    def rows(scope: Scope):
        done = scope.in_period(
            scope.visible(Inspection).filter(kind=kind, done_on__isnull=False), "done_on"
        )
        return (
            _institutions(scope)
            .filter(pk__in=done.values("institution"))
            .select_related("region")
            .order_by("code")
        )

    return rows


def _clues(scope: Scope):
    clues = scope.visible(Clue).filter(institution__in=_institutions(scope))
    clues = clues.filter(case__events__transition="refer")  # 通报主管部门: once, from 已登记
    return (
        scope.in_period(clues, "case__created_at")
        .select_related("case", "institution")
        .order_by("-case__created_at")
    )


def _closed_clues(scope: Scope):
    """Clues closed in the period, each with what its closing step recorded as recovered."""
    closing = scope.in_period(
        CaseEvent.objects.filter(case=OuterRef("case"), transition="close"), "created_at"
    ).order_by("-created_at", "-pk")
    recovered = closing.annotate(
        amount=Cast(KT("data__recovered"), DecimalField(max_digits=14, decimal_places=2))
    ).values("amount")[:1]
    return (
        scope.visible(Clue)
        .filter(institution__in=_institutions(scope), case__case_type__code="medinsure_clue")
        .annotate(
            recovered=Subquery(recovered), closed_at=Subquery(closing.values("created_at")[:1])
        )
        .filter(closed_at__isnull=False)
        .select_related("case", "institution")
        .order_by("-closed_at", "-pk")
    )


FINDING_COLUMNS = (
    ("规则", "rule_id"),
    ("结算号", "settlement_id"),
    ("明细号", "line_id"),
    ("定点机构", "institution_code"),
    ("违规内容", "vola_cont"),
    ("涉及金额（元）", "vola_amt"),
)
INSTITUTION_COLUMNS = (("机构编码", "code"), ("机构名称", "name"), ("区划", "region.name"))


def register() -> None:
    for kind, label, headline in (
        (InspectionKind.INSPECTION, "检查定点医药机构", True),
        (InspectionKind.INTERVIEW, "约谈定点医药机构", True),
    ):
        rows = _visited(kind)
        register_figure(
            Figure(
                code=f"medinsure.{kind}s",
                label=label,
                unit="家",
                definition=f"期间内实施过{InspectionKind(kind).label}的定点医药机构家数（同一机构多次只计一次）",
                value=lambda scope, rows=rows: rows(scope).count(),
                rows=rows,
                headline=headline,
                columns=INSTITUTION_COLUMNS,
            )
        )
    for status, label, code, definition, headline in (
        (
            ReviewStatus.PENDING,
            "待复核疑点金额",
            "amount_at_risk",
            "智能审核发现、尚待复核的疑点涉及金额之和（按服务月份计入期间）",
            True,
        ),
        (
            ReviewStatus.CONFIRMED,
            "确认违规金额",
            "amount_confirmed",
            "复核确认违规的疑点涉及金额之和（按服务月份计入期间）",
            True,
        ),
    ):
        register_figure(
            Figure(
                code=f"medinsure.{code}",
                label=label,
                unit="元",
                definition=definition,
                value=_amount(status),
                rows=_with_status(status),
                good="down" if status == ReviewStatus.PENDING else "",
                headline=headline,
                columns=FINDING_COLUMNS,
            )
        )
    register_figure(
        Figure(
            code="medinsure.findings",
            label="审核疑点",
            unit="条",
            definition="智能审核发现的疑点条数（按服务月份计入期间）",
            value=lambda scope: _findings(scope).count(),
            rows=_findings,
            columns=FINDING_COLUMNS,
        )
    )
    register_figure(
        Figure(
            code="medinsure.clues",
            label="移送线索",
            unit="条",
            definition="期间内由确认违规的疑点形成、通报主管部门的线索条数",
            value=lambda scope: _clues(scope).count(),
            rows=_clues,
            columns=(
                ("编号", "case.number"),
                ("定点机构", "institution.name"),
                ("涉及金额（元）", "amount"),
                ("状态", "case.state_label"),
            ),
            row_url=lambda c: reverse("case-detail", args=[c.case_id]),
        )
    )
    register_figure(
        Figure(
            code="medinsure.amount_recovered",
            label="追回医保基金",
            unit="元",
            definition="期间内办结（扣款到账）的医保线索在办结时登记的追回金额之和（按办结日期计入期间）",
            value=lambda scope: _closed_clues(scope).aggregate(a=Sum("recovered"))["a"] or 0,
            rows=_closed_clues,
            headline=True,
            columns=(
                ("编号", "case.number"),
                ("定点机构", "institution.name"),
                ("涉及金额（元）", "amount"),
                ("追回金额（元）", "recovered"),
                ("办结时间", "closed_at"),
            ),
            row_url=lambda c: reverse("case-detail", args=[c.case_id]),
        )
    )
