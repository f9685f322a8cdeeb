"""The station's home page: coverage, problems, sessions and land at a glance."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone

from qinqing.cases.models import ACTIVE_KINDS, StateKind
from qinqing.core import access
from qinqing.core.models import Enterprise, Role
from qinqing.enterprise import services
from qinqing.enterprise.models import (
    LandParcel,
    Problem,
    ServiceSession,
)
from qinqing.enterprise.views import WORKING
from qinqing.enterprise.views.land import land_figures


@login_required
@permission_required("enterprise.view_problem", raise_exception=True)
def station_home(request):
    user = request.user
    enterprises = access.visible(Enterprise, user)
    covered, total = services.coverage(enterprises)
    problems = access.visible(Problem, user)
    context = {
        "covered": covered,
        "total": total,
        "problem_count": problems.count(),
        "open_problems": problems.filter(case__kind__in=ACTIVE_KINDS).count(),
        "closed_problems": problems.filter(case__kind=StateKind.CLOSED).count(),
        # 解决 only as confirmed at 回访: 办结 is not 解决.
        "solved_problems": problems.filter(case__solved=True).count(),
        "overdue_problems": problems.filter(
            case__kind__in=WORKING, case__due_at__lt=timezone.now()
        ).count(),
        "sessions": access.visible(ServiceSession, user)
        .filter(starts_at__gte=timezone.now())
        .order_by("starts_at")[:5],
        "land": land_figures(access.visible(LandParcel, user)),
    }
    if user.role == Role.ENTERPRISE:
        context["my_problems"] = problems.select_related("case", "case__state", "case__case_type")[
            :10
        ]
    return render(request, "enterprise/home.html", context)
