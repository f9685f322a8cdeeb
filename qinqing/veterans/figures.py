"""The veterans' service figures for the cockpit, declared once, computed from the records.

Each station sees its own people (``access_rules``), so every figure starts from
the viewer's restricted querysets. Visits count by the day they were made,
wishes by the day they were registered (fulfilment by the day it happened); the
优待金 rates are for one year: the year the period ends in, or the latest year
with an eligible list.
"""

from django.db.models import Max, Sum
from django.urls import reverse

from qinqing.core.indicators import Figure, Scope, register_figure
from qinqing.veterans import services
from qinqing.veterans.models import Eligibility, Payment, Station, VisitReach, Wish

FULFILLED = ("fulfilled", "confirmed", "thanked")


def _stations(scope: Scope):
    return scope.in_region(scope.visible(Station), "region").select_related("region")


def _visits(scope: Scope):
    reaches = scope.in_region(scope.visible(VisitReach), "station__region")
    return (
        scope.in_period(reaches, "visited_on")
        .select_related("station")
        .order_by("-visited_on", "-pk")
    )


def _wishes(scope: Scope):
    wishes = scope.in_region(scope.visible(Wish), "station__region")
    return wishes.select_related("case", "station").order_by("-case__created_at")


def _collected(scope: Scope):
    return scope.in_period(_wishes(scope), "case__created_at")


def _fulfilled(scope: Scope):
    return scope.in_period(_wishes(scope).filter(case__state__code__in=FULFILLED), "fulfilled_at")


def _year(scope: Scope, eligible) -> int | None:
    if scope.end:
        return scope.end.year
    return eligible.aggregate(year=Max("year"))["year"]


def _eligible(scope: Scope):
    eligible = scope.in_region(scope.visible(Eligibility), "station__region")
    year = _year(scope, eligible)
    return eligible.filter(year=year) if year else eligible.none()


# Each rate's numerator and denominator among ``services.payment_rates``' sums.
RATE_PARTS = {
    "coverage": ("paid", "eligible"),
    "amount_rate": ("paid_amount", "due"),
    "on_time_rate": ("on_time", "eligible"),
}


def _rate(key: str):
    def parts(scope: Scope):
        # The three rates come from one aggregate over the year's list.
        sums = scope.once(
            "veterans.payment_rates",
            lambda: services.payment_rates(_eligible(scope), scope.visible(Payment)),
        )
        numerator, denominator = RATE_PARTS[key]
        return sums[numerator], sums[denominator]

    return parts


def _eligible_rows(scope: Scope):
    return _eligible(scope).select_related("person", "station").order_by("station__name", "pk")


WISH_COLUMNS = (("编号", "case.number"), ("心愿", "title"), ("服务站", "station.name"))


def _wish_url(wish) -> str:
    return reverse("case-detail", args=[wish.case_id])


def register() -> None:
    register_figure(
        Figure(
            code="veterans.stations",
            label="退役军人服务中心（站）",
            unit="个",
            definition="县退役军人服务中心、镇（街道）和村（社区）服务站的个数",
            value=lambda scope: _stations(scope).count(),
            rows=lambda scope: _stations(scope).order_by("region__code", "level", "name"),
            headline=True,
            columns=(("名称", "name"), ("层级", "get_level_display"), ("区划", "region.name")),
        )
    )
    register_figure(
        Figure(
            code="veterans.visits",
            label="走访慰问",
            unit="次",
            definition="期间内各服务站记录的走访慰问次数",
            value=lambda scope: _visits(scope).count(),
            rows=_visits,
            headline=True,
            columns=(
                ("走访日期", "visited_on"),
                ("服务站", "station.name"),
                ("走访人数", "people_reached"),
            ),
        )
    )
    register_figure(
        Figure(
            code="veterans.people_reached",
            label="走访慰问人数",
            unit="人",
            definition="期间内各次走访慰问到的人数之和",
            value=lambda scope: _visits(scope).aggregate(n=Sum("people_reached"))["n"] or 0,
            rows=_visits,
            columns=(
                ("走访日期", "visited_on"),
                ("服务站", "station.name"),
                ("走访人数", "people_reached"),
            ),
        )
    )
    register_figure(
        Figure(
            code="veterans.wishes_collected",
            label="征集微心愿",
            unit="件",
            definition="期间内登记的微心愿件数",
            value=lambda scope: _collected(scope).count(),
            rows=_collected,
            columns=WISH_COLUMNS,
            row_url=_wish_url,
        )
    )
    register_figure(
        Figure(
            code="veterans.wishes_fulfilled",
            label="圆梦微心愿",
            unit="件",
            definition="期间内圆梦的微心愿件数（含待确认、已确认、已致谢）",
            value=lambda scope: _fulfilled(scope).count(),
            rows=_fulfilled,
            headline=True,
            columns=WISH_COLUMNS,
            row_url=_wish_url,
        )
    )
    register_figure(
        Figure(
            code="veterans.wish_days",
            label="发布至圆梦平均天数",
            unit="天",
            definition="期间内圆梦的微心愿从发布到圆梦的平均天数",
            value=lambda scope: services.wish_figures(_fulfilled(scope))["average_days"],
            rows=_fulfilled,
            good="down",
            columns=WISH_COLUMNS,
            row_url=_wish_url,
        )
    )
    for key, label, definition in (
        ("coverage", "优待金发放面", "已发放的应发对象人数 ÷ 应发对象人数（当年名单）"),
        (
            "amount_rate",
            "优待金优待额",
            "实发金额（每人不超过应发部分）÷ 按标准应发金额（当年名单）",
        ),
        ("on_time_rate", "优待金兑现率", "在应发放日期前发放的人数 ÷ 应发放人数（当年名单）"),
    ):
        register_figure(
            Figure(
                code=f"veterans.{key}",
                label=label,
                unit="%",
                definition=definition,
                parts=_rate(key),
                rows=_eligible_rows,
                target=100,
                headline=key == "coverage",
                columns=(
                    ("年度", "year"),
                    ("人员", "person.name"),
                    ("服务站", "station.name"),
                    ("应发金额（元）", "amount_due"),
                    ("应发放日期", "due_on"),
                ),
            )
        )
