"""The station's home page: coverage, problems, sessions and land at a glance."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone

from qinqing.cases.models import ACTIVE_KINDS, StateKind, overdue_q
from qinqing.core import access
from qinqing.core.models import Role
from qinqing.enterprise import services
from qinqing.enterprise.models import (
    LandParcel,
    Problem,
    ServiceSession,
)
from qinqing.enterprise.views.land import land_figures


@login_required
@permission_required("enterprise.view_problem", raise_exception=True)
def station_home(request):
    user = request.user
    enterprises = services.station_enterprises(user)
    if user.is_back_office and not access.sees_everything(user) and not enterprises.exists():
        # A bureau elsewhere (诸暨卫健局) has no station: say so rather than show zeros.
        return render(request, "enterprise/home.html", {"not_responsible": True})
    covered, total = services.coverage(enterprises)
    problems = access.visible(Problem, user).filter(enterprise__in=enterprises)
    if user.role == Role.ENTERPRISE:
        problems = access.visible(Problem, user)
    context = {
        "covered": covered,
        "total": total,
        "problem_count": problems.count(),
        "open_problems": problems.filter(case__kind__in=ACTIVE_KINDS).count(),
        "closed_problems": problems.filter(case__kind=StateKind.CLOSED).count(),
        # 解决 only as confirmed at 回访: 办结 is not 解决.
        "solved_problems": problems.filter(case__solved=True).count(),
        "overdue_problems": problems.filter(overdue_q(path="case__")).count(),
        "sessions": access.visible(ServiceSession, user)
        .filter(services.in_station(), starts_at__gte=timezone.now())
        .order_by("starts_at")[:5],
        "land": land_figures(access.visible(LandParcel, user).filter(services.in_station())),
    }
    if user.role == Role.ENTERPRISE:
        context["my_problems"] = problems.select_related("case", "case__state", "case__case_type")[
            :10
        ]
    return render(request, "enterprise/home.html", context)
