"""Shared workstations' figures for the cockpit, declared once, from the records.

The inventory and occupancy are a picture of one day: the last day of the
period (today when it has no end). The recruitment funnel counts applications
registered in the period; savings add up the rent-free months of the leases
signed in it.
"""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from qinqing.cases.models import CaseEvent
from qinqing.core.indicators import Figure, Scope, register_figure
from qinqing.workspace import services
from qinqing.workspace.models import (
    NATURAL_KINDS,
    Application,
    Decision,
    Lease,
    SiteVisit,
    Workstation,
    month_rent,
)


def _day(scope: Scope):
    return scope.end or timezone.localdate(scope.now)


def _workstations(scope: Scope):
    rows = scope.in_region(scope.visible(Workstation), "region")
    # 已开放场所: not a site whose idle space was later decided 不开放.
    rows = rows.exclude(site__idle_space__decision=Decision.CLOSED)
    return rows.select_related("site", "region").order_by("region__code", "site__name", "code")


def _natural(scope: Scope):
    return _workstations(scope).filter(kind__in=NATURAL_KINDS)


def _occupancy(scope: Scope) -> tuple[int, int]:
    figures = services.occupancy(_workstations(scope), _day(scope))
    return figures["used"], figures["places"]


def _applications(scope: Scope):
    rows = scope.in_region(scope.visible(Application), "campaign__region")
    return (
        # Registered when its case was filed (``do_apply(now=…)``), not when the row was saved.
        scope.in_period(rows, "case__created_at")
        .select_related("case", "team", "campaign")
        .order_by("-created_at")
    )


def _talked(scope: Scope):
    talked = CaseEvent.objects.filter(case=OuterRef("case"), transition="talk")
    return _applications(scope).filter(Exists(talked))


def _signed(scope: Scope):
    return _applications(scope).filter(case__state__code="signed")


def _site_visits(scope: Scope):
    return (
        SiteVisit.objects.filter(application__in=_applications(scope))
        .select_related("application__team")
        .order_by("-visited_on")
    )


def _leases(scope: Scope):
    rows = scope.visible(Lease).filter(application__in=_applications(scope))
    return rows.select_related("team", "terms").order_by("-start")


def _savings(scope: Scope) -> Decimal:
    """The same sum as ``services.lease_figures`` per lease, from one annotated query."""
    active = Q(allocations__cancelled_at__isnull=True)
    leases = _leases(scope).annotate(
        area=Coalesce(Sum("allocations__resource__area_m2", filter=active), Decimal("0")),
        desks=Count("allocations", filter=active),
    )
    total = Decimal("0")
    for lease in leases:
        free_months = min(
            lease.terms.rent_free_months, services.months_between(lease.start, lease.end)
        )
        total += month_rent(lease.terms, lease.area, lease.desks) * free_months
    return total


WORKSTATION_COLUMNS = (
    ("编号", "code"),
    ("类型", "get_kind_display"),
    ("场所", "site.name"),
    ("乡镇", "region.name"),
    ("容纳人数", "capacity"),
)
APPLICATION_COLUMNS = (
    ("编号", "case.number"),
    ("团队", "team.name"),
    ("招募活动", "campaign.name"),
    ("状态", "case.state_label"),
)


def _application_url(application) -> str:
    return reverse("case-detail", args=[application.case_id])


def register() -> None:
    register_figure(
        Figure(
            code="workspace.workstations",
            label="共享工位",
            unit="个",
            definition="已开放场所中的工位个数（含自然工位）",
            value=lambda scope: _workstations(scope).count(),
            rows=_workstations,
            headline=True,
            columns=WORKSTATION_COLUMNS,
        )
    )
    register_figure(
        Figure(
            code="workspace.natural_workstations",
            label="自然工位",
            unit="个",
            definition="大棚、茶园、营地、田边工作室等自然工位的个数",
            value=lambda scope: _natural(scope).count(),
            rows=_natural,
            columns=WORKSTATION_COLUMNS,
        )
    )
    register_figure(
        Figure(
            code="workspace.occupancy_rate",
            label="工位使用率",
            unit="%",
            definition="期末当日已分配或已预订的位置 ÷ 可用位置",
            parts=_occupancy,
            rows=_workstations,
            headline=True,
            columns=WORKSTATION_COLUMNS,
        )
    )
    register_figure(
        Figure(
            code="workspace.teams_talked",
            label="洽谈团队",
            unit="个",
            definition="期间内报名、完成“洽谈”一步的乡村梦想家团队个数",
            value=lambda scope: _talked(scope).count(),
            rows=_talked,
            headline=True,
            columns=APPLICATION_COLUMNS,
            row_url=_application_url,
        )
    )
    register_figure(
        Figure(
            code="workspace.site_visitors",
            label="实地考察人数",
            unit="人",
            definition="期间内报名的团队在“实地考察”一步记录的考察人数之和",
            value=lambda scope: _site_visits(scope).aggregate(n=Sum("people"))["n"] or 0,
            rows=_site_visits,
            columns=(
                ("考察日期", "visited_on"),
                ("团队", "application.team.name"),
                ("考察人数", "people"),
                ("考察场所", "sites_seen"),
            ),
        )
    )
    register_figure(
        Figure(
            code="workspace.teams_signed",
            label="签约入驻团队",
            unit="个",
            definition="期间内报名、已“签约入驻”的团队个数",
            value=lambda scope: _signed(scope).count(),
            rows=_signed,
            columns=APPLICATION_COLUMNS,
            row_url=_application_url,
        )
    )
    register_figure(
        Figure(
            code="workspace.rent_free_savings",
            label="免租减免金额",
            unit="元",
            definition="期间内报名并签约的团队，按条款在免租期内应付而免收的租金之和",
            value=_savings,
            rows=_leases,
            columns=(
                ("团队", "team.name"),
                ("条款", "terms.name"),
                ("入驻日期", "start"),
                ("到期日期", "end"),
            ),
        )
    )
