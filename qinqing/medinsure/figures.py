"""清廉医保's figures for the county cockpit, declared once and computed from the records.

Findings count by the month of the service they are about; inspections and
interviews by the day they were carried out; clues by the day they were opened.
Recovered amounts by the day their clue was closed (扣款到账). The module's own
page (``views/cockpit.py``) breaks the same records down further.

省心办满意率 is the case engine's 满意率 (``cases.kpis``) over the viewer's 省心办
cases registered in the period; the 集采 figures read the rule in
``services.procurement_entries``/``procurement_lines``, as the module page does.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, DecimalField, OuterRef, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from qinqing.cases import kpis
from qinqing.cases.models import Case, CaseEvent, CaseType
from qinqing.core.indicators import Figure, Scope, register_figure
from qinqing.medinsure import services
from qinqing.medinsure.case_types import SERVICE_REQUEST
from qinqing.medinsure.models import (
    CatalogEntry,
    Clue,
    FeeLine,
    Finding,
    Inspection,
    InspectionKind,
    Institution,
    ReviewStatus,
    Settlement,
)

SATISFACTION_TARGET = 99  # 诸暨: 参保企业“省心办”，保持满意度99%以上


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


# --- 参保企业“省心办” ---------------------------------------------------------------


def _service_cases(scope: Scope):
    cases = scope.in_region(scope.visible(Case), "region").filter(case_type__code=SERVICE_REQUEST)
    return scope.in_period(cases, "created_at")


def _satisfaction(scope: Scope) -> tuple[int, int]:
    """The engine's 满意率 parts (satisfied surveys, all surveys) over the 省心办 cases."""

    def compute():
        (total,) = kpis.kpis(
            _service_cases(scope), group_by="total", only=["satisfaction_rate"], now=scope.now
        )
        figure = total.figures.get("satisfaction_rate")
        return (figure.numerator, figure.denominator) if figure else (0, 0)

    return scope.once("medinsure.service_satisfaction", compute)


def _surveyed(scope: Scope):
    """The cases the rate counted: its denominator's own filter (surveyed at least once)."""
    types = CaseType.objects.filter(code=SERVICE_REQUEST).values_list("pk", flat=True)
    type_ids = kpis.applicable(types).get("satisfaction_rate", [])
    return (
        _service_cases(scope)
        .filter(kpis.indicator_filter("satisfaction_rate", "denominator", type_ids, scope.now))
        .select_related("enterprise", "state")
        .order_by("-created_at", "-pk")
    )


# --- 集采 ---------------------------------------------------------------------------


def _in_force_on(scope: Scope) -> datetime.date:
    """The catalog is read as it stood on the period's last day (today if open)."""
    return scope.end or timezone.localdate(scope.now)


def _procurement_entries(scope: Scope):
    # The catalog holds the fund's prices, the same in every region.
    visible = scope.visible(CatalogEntry).values("pk")
    return services.procurement_entries(_in_force_on(scope)).filter(pk__in=visible)


def _procurement_cut(scope: Scope):
    average = _procurement_entries(scope).aggregate(a=Avg("cut"))["a"]
    if average is None:
        return None
    return Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _procurement_lines(scope: Scope):
    lines = scope.visible(FeeLine)
    if scope.region is not None:
        settlements = Settlement.objects.filter(
            institution_code__in=_institutions(scope).values("code")
        )
        lines = lines.filter(settlement_id__in=settlements.values("settlement_id"))
    return services.procurement_lines(scope.in_period(lines, "service_date"))


def _compliance(scope: Scope) -> tuple[int, int]:
    return scope.once(
        "medinsure.procurement_compliance",
        lambda: services.procurement_compliance(_procurement_lines(scope)),
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
    register_figure(
        Figure(
            code="medinsure.service_satisfaction",
            label="省心办满意率",
            unit="%",
            definition=(
                "参保企业“省心办”事项回访评价“满意”的次数 ÷ 回访评价总次数"
                "（与事项满意率同一口径：未回访的不计；不满意重办后再评价的，每次评价都计入；"
                "按登记日期计入期间）"
            ),
            parts=_satisfaction,
            rows=_surveyed,
            target=SATISFACTION_TARGET,
            headline=True,
            columns=(
                ("编号", "number"),
                ("事项", "title"),
                ("企业", "enterprise.name"),
                ("回访次数", "survey_count"),
                ("最近评价", "get_satisfaction_display"),
            ),
            row_url=lambda c: reverse("case-detail", args=[c.pk]),
        )
    )
    register_figure(
        Figure(
            code="medinsure.procurement_cut",
            label="集采中选价平均降幅",
            unit="%",
            definition=(
                "期末执行集采中选价的目录项目，中选价较该项目上一版本限价的降幅"
                "（1 − 中选价 ÷ 原限价）的算术平均；无上一版本的项目不计"
            ),
            value=_procurement_cut,
            rows=_procurement_entries,
            target=services.PROCUREMENT_CUT_TARGET,
            columns=(
                ("项目编码", "item_code"),
                ("项目名称", "item_name"),
                ("原限价（元）", "old_price"),
                ("集采中选价（元）", "procurement_price"),
                ("降幅（%）", "cut"),
                ("执行日期", "valid_from"),
            ),
        )
    )
    register_figure(
        Figure(
            code="medinsure.procurement_compliance",
            label="集采中选价执行率",
            unit="%",
            definition=(
                "集采项目费用明细中单价不高于费用发生日执行的集采中选价的条数 ÷ "
                "集采中选价执行期间的该项目费用明细条数（按费用发生日期计入期间）"
            ),
            parts=_compliance,
            rows=lambda scope: _procurement_lines(scope).order_by("-service_date", "line_id"),
            target=100,
            columns=(
                ("明细号", "line_id"),
                ("结算号", "settlement_id"),
                ("项目编码", "item_code"),
                ("费用发生日期", "service_date"),
                ("单价（元）", "unit_price"),
                ("集采中选价（元）", "procurement_price"),
            ),
        )
    )
