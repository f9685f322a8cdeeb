"""清廉医保驾驶舱: figures computed from the records, each linked to its rows."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Min, Q, Sum
from django.shortcuts import render
from django.urls import reverse

from qinqing.core import access
from qinqing.medinsure import services
from qinqing.medinsure.audit.rules import DEFAULT_RULES
from qinqing.medinsure.models import (
    AgreementStatus,
    Finding,
    Inspection,
    InspectionKind,
    Institution,
    ReviewStatus,
)


def _link(**params) -> str:
    return reverse("medinsure-findings") + "?" + urlencode(params)


def procurement_compliance() -> list[dict]:
    """Per 集采 item: the cut against the previous price and the share of lines at or below it.

    The rule is ``services.procurement_entries``/``procurement_lines``, the same the
    cockpit's 集采 figures read: two queries whatever the number of items.
    """
    counts = services.procurement_by_item()
    rows = []
    for entry in services.procurement_entries():
        lines = counts.get(entry.item_code, {"total": 0, "within": 0})
        rows.append(
            {
                "entry": entry,
                "old": entry.old_price,
                "cut": entry.cut,
                "cut_ok": entry.cut is not None and entry.cut >= services.PROCUREMENT_CUT_TARGET,
                "lines": lines["total"],
                "within": lines["within"],
                "share": 100 * lines["within"] / lines["total"] if lines["total"] else None,
                "link": _link(rule="over_price"),
            }
        )
    return rows


@login_required
@permission_required("medinsure.view_finding", raise_exception=True)
def cockpit(request):
    findings = access.visible(Finding, request.user)
    names = {r.key: r.name for r in DEFAULT_RULES}
    by_rule = list(
        findings.values("rule_id")
        .annotate(n=Count("pk"), amount=Sum("vola_amt"))
        .order_by("rule_id")
    )
    by_month = list(
        findings.values("service_month").annotate(n=Count("pk")).order_by("service_month")
    )
    by_institution = list(
        findings.values("institution_code")
        .annotate(n=Count("pk"), amount=Sum("vola_amt"))
        .order_by("-n", "institution_code")[:10]
    )
    amounts = findings.aggregate(
        at_risk=Sum("vola_amt", filter=Q(status=ReviewStatus.PENDING)),
        confirmed=Sum("vola_amt", filter=Q(status=ReviewStatus.CONFIRMED)),
        dismissed=Sum("vola_amt", filter=Q(status=ReviewStatus.DISMISSED)),
        first=Min("service_month"),
    )
    institutions = access.visible(Institution, request.user)
    done = access.visible(Inspection, request.user).filter(done_on__isnull=False)
    figures = {
        "inspected": done.filter(kind=InspectionKind.INSPECTION)
        .values("institution")
        .distinct()
        .count(),
        "interviewed": done.filter(kind=InspectionKind.INTERVIEW)
        .values("institution")
        .distinct()
        .count(),
        "institutions": institutions.count(),
        "active": institutions.filter(agreement_status=AgreementStatus.ACTIVE).count(),
        "findings": findings.count(),
        "pending": findings.filter(status=ReviewStatus.PENDING).count(),
        "confirmed": findings.filter(status=ReviewStatus.CONFIRMED).count(),
        **{k: v or 0 for k, v in amounts.items() if k != "first"},
    }
    for row in by_rule:
        row["name"] = names.get(row["rule_id"], row["rule_id"])
        row["link"] = _link(rule=row["rule_id"])
    for row in by_month:
        row["link"] = _link(month=row["service_month"])
    for row in by_institution:
        row["link"] = _link(institution=row["institution_code"])
    rule_chart = {
        "tooltip": {},
        "xAxis": {"type": "category", "data": [r["name"] for r in by_rule]},
        "yAxis": {"type": "value"},
        "series": [{"type": "bar", "name": "疑点数", "data": [r["n"] for r in by_rule]}],
    }
    month_chart = {
        "tooltip": {},
        "xAxis": {"type": "category", "data": [r["service_month"] for r in by_month]},
        "yAxis": {"type": "value"},
        "series": [{"type": "line", "name": "疑点数", "data": [r["n"] for r in by_month]}],
    }
    return render(
        request,
        "medinsure/cockpit.html",
        {
            "figures": figures,
            "by_rule": by_rule,
            "by_month": by_month,
            "by_institution": by_institution,
            "rule_chart": rule_chart,
            "rule_columns": ["规则", "疑点数", "涉及金额（元）"],
            "month_columns": ["月份", "疑点数"],
            "rule_rows": [[r["name"], r["n"], r["amount"]] for r in by_rule],
            "month_chart": month_chart,
            "month_rows": [[r["service_month"], r["n"]] for r in by_month],
            "compliance": procurement_compliance(),
            "links": {
                "pending": _link(status=ReviewStatus.PENDING),
                "confirmed": _link(status=ReviewStatus.CONFIRMED),
                "dismissed": _link(status=ReviewStatus.DISMISSED),
                "all": reverse("medinsure-findings"),
            },
        },
    )
