"""My claims (claimants) and my wish (the veteran or their family)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from qinqing.core import access
from qinqing.core.views.common import export, filtered, query_string, wants_export
from qinqing.veterans.filters import ClaimFilter
from qinqing.veterans.models import Wish


@login_required
def my_claims(request):
    _filters, wishes, status = filtered(request, ClaimFilter)
    if wants_export(request) and status == 200:
        return export(
            "我的认领",
            [
                ("编号", lambda w: w.case.number),
                ("心愿", lambda w: w.title),
                ("服务站", lambda w: w.station.name),
                ("状态", lambda w: w.case.state_label),
                ("认领时间", lambda w: w.case.claimed_at),
                ("圆梦期限", lambda w: w.case.state_due_at),
            ],
            wishes,
        )
    return render(
        request,
        "veterans/claims.html",
        {"wishes": wishes, "filters": query_string(request)},
        status=status,
    )


@login_required
def my_wishes(request):
    """The veteran's (or family's) own wishes and their progress."""
    user = request.user
    wishes = access.visible(Wish, user)
    wishes = wishes.filter(record__person_id=user.person_id) if user.person_id else wishes.none()
    wishes = wishes.select_related("case__state").prefetch_related("case__events")
    if wants_export(request):
        return export(
            "我的心愿",
            [
                ("编号", lambda w: w.case.number),
                ("心愿", lambda w: w.title),
                ("状态", lambda w: w.case.state_label),
                ("登记时间", lambda w: w.case.created_at),
            ],
            wishes,
        )
    return render(request, "veterans/mine.html", {"wishes": wishes})
