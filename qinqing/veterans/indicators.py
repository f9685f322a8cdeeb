"""The module's figures for the cockpit, computed from the records for what a user may see.

Wish counts are also case indicators of the ``wish`` workflow (``case_types.register``:
征集、发布、认领率、圆梦、完成率 on the engine's KPI page); ``figures`` adds what is not
a case: visits and people reached, claimants by kind, and the three 优待金 rates.
"""

from django.utils import timezone

from qinqing.core import access
from qinqing.veterans import services
from qinqing.veterans.models import Claimant, Eligibility, Payment, VisitReach, Wish

DEFINITIONS = {
    "wishes_collected": ("征集心愿", "件", "登记的微心愿件数"),
    "wishes_published": ("发布心愿", "件", "发布到心愿墙的件数（含之后各环节）"),
    "wishes_claimed": ("认领心愿", "件", "被认领过的件数（含之后各环节）"),
    "wishes_fulfilled": ("圆梦心愿", "件", "已圆梦（含待确认、已确认、已致谢）的件数"),
    "wishes_confirmed": ("老兵确认", "件", "老兵本人或工作人员代为确认圆梦的件数"),
    "average_days": ("平均圆梦天数", "天", "从发布到圆梦的平均天数"),
    "visits": ("走访慰问", "次", "走访慰问次数"),
    "people_reached": ("走访人数", "人", "走访慰问到的人数之和"),
    "coverage": ("优待金发放面", "%", "已发放的应发对象人数 ÷ 应发对象人数"),
    "amount_rate": ("优待金优待额", "%", "实发金额（不超过应发部分）÷ 按标准应发金额"),
    "on_time_rate": ("优待金兑现率", "%", "按期发放人数 ÷ 应发放人数"),
}


def figures(user, year: int | None = None) -> dict:
    """Every figure of the module for ``user``'s stations; the 优待金 rates for ``year``."""
    wishes = services.wish_figures(access.visible(Wish, user))
    visits = services.visit_figures(access.visible(VisitReach, user))
    year = year or timezone.localdate().year
    rates = services.payment_rates(
        access.visible(Eligibility, user).filter(year=year),
        access.visible(Payment, user).filter(year=year),
    )
    return {
        "wishes_collected": wishes["collected"],
        "wishes_published": wishes["published"],
        "wishes_claimed": wishes["claimed"],
        "wishes_fulfilled": wishes["fulfilled"],
        "wishes_confirmed": wishes["confirmed"],
        "average_days": wishes["average_days"],
        "claimants_by_kind": services.claimants_by_kind(access.visible(Claimant, user)),
        "visits": visits["visits"],
        "people_reached": visits["people"],
        "coverage": rates["coverage"],
        "amount_rate": rates["amount_rate"],
        "on_time_rate": rates["on_time_rate"],
    }
