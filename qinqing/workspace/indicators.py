"""Figures computed from the records, for the module's pages and the cockpit.

Case-based ones (teams talked with, teams signed) are registered with the case
engine's indicator registry, so they aggregate and drill down like any other;
``figures()`` computes the rest (workstations by kind and town, occupancy,
site visitors, rent-free savings) from the inventory and leases.
"""

import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from qinqing.cases.kpis import Indicator, register_indicator


def _talked():
    from qinqing.cases.models import CaseEvent

    return Q(Exists(CaseEvent.objects.filter(case=OuterRef("pk"), transition="talk")))


def register() -> None:
    register_indicator(
        Indicator(
            "workspace_talked",
            "洽谈团队",
            "完成“洽谈”一步的入驻申请件数",
            lambda now: Q(case_type__code="dream_application") & _talked(),
        )
    )
    register_indicator(
        Indicator(
            "workspace_signed",
            "签约团队",
            "已“签约入驻”的入驻申请件数",
            lambda now: Q(case_type__code="dream_application", state__code="signed"),
        )
    )


# (code, label, definition) of what figures() returns — the cockpit's catalogue.
FIGURES = (
    ("workstations", "工位总数", "已开放场所的工位个数，按类型、乡镇分列"),
    ("occupancy_rate", "工位使用率", "当日已分配或已预订的位置 ÷ 可用位置"),
    ("talked", "洽谈团队数", "完成“洽谈”一步的团队数"),
    ("visitors", "实地考察人数", "“实地考察”一步记录的考察人数之和"),
    ("signed", "签约团队数", "已“签约入驻”的团队数"),
    ("savings", "免租减免金额（元）", "各签约团队免租期内按条款应付而免收的租金之和"),
)


def figures(actor, day: datetime.date) -> dict:
    from qinqing.core import access
    from qinqing.workspace import services
    from qinqing.workspace.models import Application, Kind, Lease, Workstation

    workstations = access.visible(Workstation, actor)
    applications = access.visible(Application, actor)
    funnel = services.funnel(applications)
    by_kind: dict[str, int] = {}
    by_town: dict[str, int] = {}
    for row in services.inventory(workstations, day):
        label = Kind(row["kind"]).label
        by_kind[label] = by_kind.get(label, 0) + row["count"]
        by_town[row["town"]] = by_town.get(row["town"], 0) + row["count"]
    occupancy = services.occupancy(workstations, day)
    savings = sum(
        (
            services.lease_figures(lease)["savings"]
            for lease in access.visible(Lease, actor).select_related("terms")
        ),
        Decimal("0"),
    )
    return {
        "workstations": sum(by_kind.values()),
        "by_kind": by_kind,
        "by_town": by_town,
        "occupancy": occupancy,
        "occupancy_rate": round(occupancy["rate"] * 100, 1),
        **funnel,
        "savings": savings,
    }
